#!/usr/bin/python3
"""notify_sinks: the loopback servers of notify's delivery tests.

  notify_sinks.py smtp DIR          an SMTP server (aiosmtpd)
  notify_sinks.py http DIR FAILS    an HTTP receiver: answers 503 to the first
                                    FAILS requests, then 200

Each binds a free port on 127.0.0.1, writes it to DIR/port, and appends one
JSON line per message or request to DIR/log (smtp: rcpt, idempotency key,
subject; http: path, the headers notify sets, body). Runs until killed."""
import email
import email.header
import json
import os
import socket
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port


def log(directory, entry):
    with open(os.path.join(directory, 'log'), 'a', encoding='utf-8') as f:
        f.write(json.dumps(entry, ensure_ascii=False) + '\n')


def announce(directory, port):
    tmp = os.path.join(directory, 'port.tmp')
    with open(tmp, 'w') as f:
        f.write(str(port))
    os.rename(tmp, os.path.join(directory, 'port'))


def run_smtp(directory):
    from aiosmtpd.controller import Controller

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            msg = email.message_from_bytes(envelope.content)
            subject = str(email.header.make_header(email.header.decode_header(
                msg.get('Subject', ''))))
            body = msg.get_payload(decode=True).decode('utf-8')
            log(directory, {'rcpt': envelope.rcpt_tos, 'key': msg.get('Idempotency-Key'),
                            'message_id': msg.get('Message-ID'), 'subject': subject,
                            'body': body})
            return '250 OK'

    port = free_port()
    controller = Controller(Handler(), hostname='127.0.0.1', port=port)
    controller.start()
    announce(directory, port)
    while True:
        time.sleep(3600)


def run_http(directory, fails):
    state = {'left': fails}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            n = int(self.headers.get('Content-Length', '0'))
            body = self.rfile.read(n).decode('utf-8')
            status = 503 if state['left'] > 0 else 200
            state['left'] -= 1
            keep = ('Idempotency-Key', 'Authorization', 'X-Lianxin-Timestamp',
                    'X-Lianxin-Signature')
            log(directory, {'path': self.path, 'status': status, 'body': body,
                            'headers': {k: self.headers.get(k) for k in keep
                                        if self.headers.get(k)}})
            self.send_response(status)
            self.send_header('Content-Length', '0')
            self.end_headers()

        def log_message(self, *args):
            pass

    port = free_port()
    server = ThreadingHTTPServer(('127.0.0.1', port), Handler)
    announce(directory, port)
    server.serve_forever()


if __name__ == '__main__':
    if sys.argv[1] == 'smtp':
        run_smtp(sys.argv[2])
    else:
        run_http(sys.argv[2], int(sys.argv[3]))
