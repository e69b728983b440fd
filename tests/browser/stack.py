"""stack: a Lianxin stack of its own for the browser tests.

Like the C integration harness: a database copied from the test template
(t_browser_<pid>, dropped afterwards; stale ones are dropped by
deploy/local.sh), a config with its own free ports and CURVE keys, then
the bus, every service of the config key `services` and the gateway,
serving this checkout's web/. Reads the environment deploy/local.sh exports for tests:
LIANXIN_ROOT, LIANXIN_BUILD, LIANXIN_TEST_PGHOST, LIANXIN_TEST_PGPORT,
LIANXIN_TEST_TEMPLATE. The programs run at the real time (no test clock).
Stack(settings) sets config keys of a test's own over these (test_notify:
notify's SMS gateway, retries and quiet hours).
"""

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request


def _env(name):
    v = os.environ.get(name)
    if not v:
        raise RuntimeError('%s is not set: run through deploy/local.sh test (make test)' % name)
    return v


def _port_free(port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(('127.0.0.1', port))
            return True
        except OSError:
            return False


def _pick_ports(n):
    base = 30000 + (os.getpid() % 2000) * 8
    for _ in range(200):
        if all(_port_free(base + i) for i in range(n)):
            return base
        base += 8
        if base > 60000:
            base = 30000
    raise RuntimeError('no free port block')


class Stack:
    def __init__(self, settings=None):
        self.root = _env('LIANXIN_ROOT')
        self.build = _env('LIANXIN_BUILD')
        self.pghost = _env('LIANXIN_TEST_PGHOST')
        self.pgport = _env('LIANXIN_TEST_PGPORT')
        self.template = _env('LIANXIN_TEST_TEMPLATE')
        self.db = 't_browser_%d' % os.getpid()
        self.dir = tempfile.mkdtemp(prefix='lianxin-browser-')
        self.procs = []
        self.url = None
        self.failed = False
        self.settings = dict(settings or {})

    # ---- database ---------------------------------------------------------------
    def _psql(self, sql):
        return subprocess.run(
            ['psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', self.pghost, '-p', self.pgport,
             '-U', 'lianxin', '-d', 'postgres', '-c', sql],
            capture_output=True, text=True, env=self._child_env())

    def _create_db(self):
        for _ in range(50):   # the template may be in use for a moment by another copy
            r = self._psql('CREATE DATABASE "%s" TEMPLATE "%s"' % (self.db, self.template))
            if r.returncode == 0:
                return
            if 'being accessed by other users' not in r.stderr:
                raise RuntimeError('create database: ' + r.stderr.strip())
            time.sleep(0.2)
        raise RuntimeError('create database: template busy')

    # ---- config -------------------------------------------------------------------
    def _config(self):
        with open(os.path.join(self.root, 'deploy/lianxin.conf.example'), encoding='utf-8') as f:
            text = f.read()
        m = re.search(r'^services\s*=\s*(.*)$', text, re.M)
        services = [s.strip() for s in (m.group(1) if m else '').split(',') if s.strip()]
        base = _pick_ports(3 + len(services))
        values = {
            'bus.xsub': 'tcp://127.0.0.1:%d' % base,
            'bus.xpub': 'tcp://127.0.0.1:%d' % (base + 1),
            'gateway.listen': '127.0.0.1',
            'gateway.port': str(base + 2),
            'gateway.web_root': os.path.join(self.root, 'web'),
            'crypto.key': secrets.token_hex(32),
            'calendar.dir': os.path.join(self.root, 'deploy/calendar'),
            'notify.rules': os.path.join(self.root, 'deploy/notify/rules.json'),
            # a reset password must be changed at the next login (test_console)
            'auth.password_expiry_days': '90',
        }
        values.update(self.settings)
        for i, s in enumerate(services):
            values[s + '.endpoint'] = 'tcp://127.0.0.1:%d' % (base + 3 + i)
        # each program its own PostgreSQL role (deploy/sql/009); admin is the owner
        for prog in ['admin', 'auditor', 'gateway'] + services:
            role = 'lianxin' if prog == 'admin' else 'lianxin_' + prog
            values[prog + '.pg_dsn'] = 'host=%s port=%s dbname=%s user=%s' % (
                self.pghost, self.pgport, self.db, role)
        lines = []
        for line in text.splitlines():
            key = line.split('=', 1)[0].strip() if '=' in line and not line.lstrip().startswith('#') else None
            if key in values:
                line = '%s = %s' % (key, values.pop(key))
            lines.append(line)
        lines += ['%s = %s' % kv for kv in values.items()]
        lines += self._curve_keys(['bus', 'gateway'] + services)
        path = os.path.join(self.dir, 'lianxin.conf')
        with open(path, 'w', encoding='utf-8') as f:
            f.write('\n'.join(lines) + '\n')
        os.chmod(path, 0o600)
        self.url = 'http://127.0.0.1:%d' % (base + 2)
        return path, services

    def _curve_keys(self, programs):
        """A fresh CURVE key pair per program, as config lines, from
        lianxin-admin curve-keygen (the same command make run uses)."""
        admin = os.path.join(self.build, 'bin', 'lianxin-admin')
        lines = []
        for prog in programs:
            r = subprocess.run([admin, 'curve-keygen', '--name', prog],
                               capture_output=True, text=True, env=self._child_env())
            if r.returncode != 0:
                raise RuntimeError('curve-keygen %s: %s' % (prog, r.stderr.strip()))
            lines += r.stdout.splitlines()
        return lines

    @staticmethod
    def _child_env():
        return {k: v for k, v in os.environ.items() if not k.startswith('LIANXIN_')}

    # ---- programs -------------------------------------------------------------------
    def _start(self, name, conf):
        log = open(os.path.join(self.dir, name + '.log'), 'ab')
        p = subprocess.Popen([os.path.join(self.build, 'bin', 'lianxin-' + name), '-c', conf],
                             stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                             env=self._child_env(), cwd=self.root, start_new_session=True)
        self.procs.append((name, p))

    def start(self):
        """Starts the stack; on any failure stops what it started, then raises."""
        try:
            return self._start_all()
        except BaseException:
            self.failed = True
            self.stop()
            raise

    def _start_all(self):
        self._create_db()
        conf, services = self._config()
        for name in ['bus'] + services + ['gateway']:
            self._start(name, conf)
        deadline = time.time() + 30
        while time.time() < deadline:
            for name, p in self.procs:
                if p.poll() is not None:
                    raise RuntimeError('lianxin-%s exited (%s) at start; see %s' % (name, p.returncode, self.dir))
            try:
                with urllib.request.urlopen(self.url + '/healthz', timeout=1) as r:
                    if r.status == 200:
                        return self
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.2)
        raise RuntimeError('no answer from %s/healthz after 30 s' % self.url)

    def stop(self):
        for name, p in reversed(self.procs):
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(15)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
        self.procs = []
        self._psql('DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % self.db)
        if self.failed or os.environ.get('LIANXIN_KEEP_LOGS') == '1':
            print('browser: logs kept in %s' % self.dir, flush=True)
        else:
            shutil.rmtree(self.dir, ignore_errors=True)

    # ---- the API, for fixtures and checks -----------------------------------------------
    def call(self, method, path, body=None, token=None, raw=False):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method)
        if data is not None:
            req.add_header('Content-Type', 'application/json')
        if token:
            req.add_header('Authorization', 'Bearer ' + token)
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                payload = r.read()
                status, headers = r.status, r.headers
        except urllib.error.HTTPError as e:
            payload, status, headers = e.read(), e.code, e.headers
        if raw:
            return status, headers, payload
        return status, (json.loads(payload) if payload else None)

    def login(self, username, password='lianxin-demo'):
        status, body = self.call('POST', '/v1/sessions', {'username': username, 'password': password})
        if status != 201:
            raise RuntimeError('login %s: %s %s' % (username, status, body))
        return body['token'], body['user']
