"""browser: headless Debian chromium driven by Debian's chromedriver and
python3-selenium, with the flags this closed network needs."""

import atexit
import email.utils
import os
import shutil
import tempfile
import time
import traceback
from datetime import timedelta, timezone

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM = '/usr/bin/chromium'
CST = timezone(timedelta(hours=8))
CHROMEDRIVER = '/usr/bin/chromedriver'


def new_driver(width=1280, height=900, mobile=False):
    profile = tempfile.mkdtemp(prefix='lianxin-chromium-')
    atexit.register(shutil.rmtree, profile, True)
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for a in ('--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
              '--disable-background-networking', '--disable-component-update', '--disable-sync',
              '--disable-dev-shm-usage', '--lang=zh-CN', '--force-device-scale-factor=1',
              '--user-data-dir=' + profile,
              '--window-size=%d,%d' % (width, height)):
        opts.add_argument(a)
    if mobile:
        opts.add_experimental_option('mobileEmulation', {
            'deviceMetrics': {'width': width, 'height': height, 'pixelRatio': 2.0, 'touch': True}})
    opts.set_capability('goog:loggingPrefs', {'browser': 'ALL'})
    d = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    d.set_page_load_timeout(30)
    return d


def wait(d, cond, timeout=15):
    return WebDriverWait(d, timeout).until(cond)


def css(d, sel, timeout=15):
    return wait(d, EC.presence_of_element_located((By.CSS_SELECTOR, sel)), timeout)


def visible(d, sel, timeout=15):
    return wait(d, EC.visibility_of_element_located((By.CSS_SELECTOR, sel)), timeout)


def clickable(d, sel, timeout=15):
    return wait(d, EC.element_to_be_clickable((By.CSS_SELECTOR, sel)), timeout)


def text_in(d, sel, text, timeout=15):
    return wait(d, EC.text_to_be_present_in_element((By.CSS_SELECTOR, sel), text), timeout)


def login(d, url, username, password='lianxin-demo'):
    d.get(url + '/')
    u = visible(d, '#login-form input[name=username]')
    u.clear()
    u.send_keys(username)
    p = d.find_element(By.CSS_SELECTOR, '#login-form input[name=password]')
    p.send_keys(password)
    p.submit()
    visible(d, '#nav a')
    wait(d, lambda dr: dr.find_element(By.ID, 'page').get_attribute('data-page')
         and not dr.find_elements(By.CSS_SELECTOR, '#page > p.empty'))


def nav_pages(d):
    """The menu's pages; read again when the menu is redrawn while it is read."""
    for _ in range(20):
        try:
            return [a.get_attribute('data-page') for a in d.find_elements(By.CSS_SELECTOR, '#nav a')]
        except StaleElementReferenceException:
            time.sleep(0.05)
    return [a.get_attribute('data-page') for a in d.find_elements(By.CSS_SELECTOR, '#nav a')]


def severe_logs(d):
    try:
        return [e['message'] for e in d.get_log('browser') if e['level'] == 'SEVERE']
    except Exception:   # noqa: BLE001 - logs are a diagnostic only
        return []


class StackClient:
    """The API side of a browser test: logins to `stack` (stack.Stack) cached
    per user, calls checked against an expected status, the server's time."""

    stack = None
    tokens = {}

    def token(self, user):
        if user not in self.tokens:
            self.tokens[user] = self.stack.login(user)
        return self.tokens[user][0]

    def api(self, method, path, body=None, user='office', want=None):
        status, data = self.stack.call(method, path, body, self.token(user))
        if want is not None and status != want:
            raise AssertionError('%s %s as %s: %s %s' % (method, path, user, status, data))
        return data

    def server_now(self):
        """The server's present time in UTC+8, from its Date header."""
        _, headers, _ = self.stack.call('GET', '/healthz', raw=True)
        return email.utils.parsedate_to_datetime(headers['Date']).astimezone(CST)


def run_tests(tests, ctx, start, after_failure, stop):
    """Runs `tests` (functions of ctx) as cmocka would report them, so that
    tests/run.sh counts each: start(ctx) first (its failure fails them all),
    after_failure(ctx, name) after a failed one, stop(ctx) at the end.
    Returns the exit status."""
    print('[==========] Running %d test(s).' % len(tests))
    failed = []
    t_all = time.time()
    try:
        start(ctx)
    except Exception:   # noqa: BLE001 - the whole group fails, as cmocka's group setup
        traceback.print_exc()
        print('[  ERROR   ] GROUP SETUP')
        print('[  FAILED  ] GROUP SETUP')
        stop(ctx)
        print('[==========] 0 test(s) run.')
        print('[  PASSED  ] 0 test(s).')
        print('[  FAILED  ] %d test(s), listed below:' % len(tests))
        for t in tests:
            print('[  FAILED  ] %s' % t.__name__)
        return 1
    try:
        for t in tests:
            print('[ RUN      ] %s' % t.__name__)
            t0 = time.time()
            try:
                t(ctx)
                print('[       OK ] %s (%.1f s)' % (t.__name__, time.time() - t0))
            except Exception:   # noqa: BLE001 - a failed test, reported and counted
                traceback.print_exc()
                after_failure(ctx, t.__name__)
                print('[  FAILED  ] %s' % t.__name__)
                failed.append(t.__name__)
    finally:
        stop(ctx)
    print('[==========] %d test(s) run. (%.0f s)' % (len(tests), time.time() - t_all))
    print('[  PASSED  ] %d test(s).' % (len(tests) - len(failed)))
    if failed:
        print('[  FAILED  ] %d test(s), listed below:' % len(failed))
        for n in failed:
            print('[  FAILED  ] %s' % n)
    return 1 if failed else 0


def open_link_and_check_in(d, url, user, link):
    """On `d`, logs in as `user` (a fresh session), opens a QR check-in
    `link` (absolute, or a path of the console at `url`) and presses 签到."""
    d.get(url + '/')
    d.execute_script('sessionStorage.clear()')
    login(d, url, user)
    d.get(link if link.startswith('http') else url + link)
    clickable(d, '#checkin-now').click()


def run_phone_tests(tests, ctx, argv):
    """run_tests for a test whose only browser is a phone (375 x 812, as
    ctx.phone) against a stack of its own (ctx.stack): a failed test leaves
    the phone's console lines and a screenshot in the stack's folder.
    `argv`: the names of the tests to run (none: all)."""
    from stack import Stack   # stack.py is the harness's, imported only here

    def start(c):
        c.stack = Stack().start()
        c.phone = new_driver(375, 812, mobile=True)

    def after_failure(c, name):
        c.stack.failed = True
        logs = severe_logs(c.phone)
        if logs:
            print('browser console (phone): ' + ' | '.join(logs[-5:]))
        try:
            c.phone.save_screenshot(os.path.join(c.stack.dir, '%s-phone.png' % name))
        except Exception:   # noqa: BLE001 - a diagnostic only
            pass

    def stop(c):
        if getattr(c, 'phone', None):
            c.phone.quit()
        if c.stack:
            c.stack.stop()

    return run_tests([t for t in tests if not argv or t.__name__ in argv], ctx, start,
                     after_failure, stop)
