#!/usr/bin/python3 -u
"""test_notify: notify's console pages in a real browser (headless Debian
chromium) against a stack of its own (stack.py), at the real time, whose SMS
gateway is a loopback HTTP server of the test (SmsGateway; 2 tries, quiet
hours off). An announcement's SMS to a member whose phone the office set
through the API fails (503) until it is dead by itself; the office sees it
with its error on 通知发送, retries it from the page, sees it back in the
queue, and once the gateway answers 200 sees it sent. On 通知公告 the office
sends a notice to two listed members, sees 0 of 2 read, member1 reads it,
the office sees member1 read and member2 unread and reminds the unread; on
联系方式 the office sets unit1's phone (an invalid one first: the field
error shown), sees it masked in the table as the API and unit1 read it, and
clears it again; a member on 通知设置 sets an invalid phone (the field error
shown) and then a valid one, shown masked.
Prints cmocka's lines for tests/run.sh."""

import os
import signal
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from browser import (EC, By, StackClient, clickable, css, login, new_driver, run_tests,  # noqa: E402
                     severe_logs, text_in, visible, wait)
from stack import Stack  # noqa: E402

D = '/v1/districts/330303'
TRIES = 2                       # notify.retry_max of this stack


class SmsGateway:
    """notify's SMS gateway on a loopback port: answers `status` to every
    POST (503 at first); while held, a request waits for release() (its
    delivery stays `sending`), so that a retried delivery can neither fail
    nor be sent before the test has looked at it."""

    def __init__(self):
        self.status = 503
        self.requests = 0
        self.gate = threading.Event()
        self.gate.set()
        gw = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get('Content-Length', '0')))
                gw.gate.wait(30)
                gw.requests += 1
                self.send_response(gw.status)
                self.send_header('Content-Length', '0')
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = 'http://127.0.0.1:%d/sms' % self.server.server_address[1]

    def hold(self):
        self.gate.clear()

    def release(self, status):
        self.status = status
        self.gate.set()

    def stop(self):
        self.gate.set()
        self.server.shutdown()
        self.server.server_close()


class Ctx(StackClient):
    desk = None
    sms = None

    def sql(self, q):
        s = self.stack
        r = subprocess.run(['psql', '-X', '-q', '-t', '-A', '-v', 'ON_ERROR_STOP=1', '-h', s.pghost,
                            '-p', s.pgport, '-U', 'lianxin', '-d', s.db, '-c', q],
                           capture_output=True, text=True, env=s._child_env())
        if r.returncode != 0:
            raise AssertionError('psql: ' + r.stderr.strip())
        return r.stdout.strip()

    def go(self, page):
        d = self.desk
        d.get(self.stack.url + '/#/' + page)
        d.refresh()                             # drawn again even when it is the page shown
        wait(d, lambda dr: dr.find_element(By.ID, 'page').get_attribute('data-page') == page)


def test_dead_delivery_retried(c):
    mid = int(c.sql("SELECT member_id FROM auth.users WHERE username = 'member3'"))
    c.api('PUT', D + '/contacts', {'recipient_kind': 'member', 'recipient_id': mid,
                                   'phone': '13900000003', 'email': ''}, want=200)
    c.api('POST', D + '/announcements', {'title': '关于报送年度履职材料的通知', 'body': '请于月底前报送。',
                                         'audience': 'list', 'member_ids': [mid]}, want=200)
    dead = wait(c.desk, lambda _: c.api('GET', D + '/notifications?status=dead', want=200)['items'])
    assert len(dead) == 1 and dead[0]['channel'] == 'sms' and dead[0]['recipient_id'] == str(mid), dead
    assert dead[0]['attempts'] == TRIES and dead[0]['last_error'] == 'http 503', dead
    assert c.sms.requests == TRIES
    login(c.desk, c.stack.url, 'office')
    c.go('notifications')
    text_in(c.desk, '#page table', '发送失败（已尝试%d次）' % TRIES)
    text_in(c.desk, '#page table', '原因：http 503')
    c.sms.hold()
    c.desk.find_element(By.XPATH, "//button[text()='重新发送']").click()
    wait(c.desk, lambda d: not d.find_elements(By.XPATH, "//button[text()='重新发送']")
         and ('待发送' in d.find_element(By.CSS_SELECTOR, '#page table').text
              or '发送中' in d.find_element(By.CSS_SELECTOR, '#page table').text))
    assert c.sql("SELECT count(*) FROM audit.trail WHERE action = 'notify.retry'") == '1'
    c.sms.release(200)
    wait(c.desk, lambda _: c.api('GET', D + '/notifications?status=sent', want=200)['items'])
    c.go('notifications')
    text_in(c.desk, '#page table', '已发送（已尝试1次）')
    assert c.sms.requests == TRIES + 1


def test_announcement_read_unread(c):
    m1 = c.sql("SELECT member_id FROM auth.users WHERE username = 'member1'")
    m2 = c.sql("SELECT member_id FROM auth.users WHERE username = 'member2'")
    c.go('announcements')
    css(c.desk, '#announce-title').send_keys('关于参加专题视察的通知')
    css(c.desk, '#announce-body').send_keys('请于本周五上午八时半在机关大院集合。')
    c.desk.find_element(By.CSS_SELECTOR, '#announce-audience option[value=list]').click()
    visible(c.desk, '#announce-ids').send_keys('%s, %s' % (m1, m2))
    c.desk.find_element(By.CSS_SELECTOR, '#announce-form button[type=submit]').click()
    text_in(c.desk, '#page table', '0 / 2')
    items = c.api('GET', D + '/inbox?limit=20', user='member1', want=200)['items']
    item = [i for i in items if i['kind'] == 'announcement'][0]
    c.api('POST', D + '/inbox/%s/read' % item['id'], {}, user='member1', want=200)
    c.go('announcements')
    text_in(c.desk, '#page table', '1 / 2')
    c.desk.find_element(By.XPATH, "//button[text()='查看阅读情况']").click()
    text_in(c.desk, '#announce-counts', '已读 1 人，未读 1 人')
    rows = c.desk.find_elements(By.CSS_SELECTOR, '#announce-detail tr.unread')
    assert len(rows) == 1, 'one unread row'
    css(c.desk, '#announce-detail tr.read')
    visible(c.desk, '#announce-remind').click()
    wait(c.desk, lambda d: c.sql("SELECT count(*) FROM audit.trail WHERE action ="
                                 " 'notify.announce_remind'") == '1')
    items = c.api('GET', D + '/inbox?limit=20', user='member2', want=200)['items']
    assert [i for i in items if i['kind'] == 'announcement.reminder'], 'member2 reminded'
    items = c.api('GET', D + '/inbox?limit=20', user='member1', want=200)['items']
    assert not [i for i in items if i['kind'] == 'announcement.reminder'], 'member1 not reminded'
    assert not severe_logs(c.desk)


def test_office_contacts(c):
    unit = c.api('GET', '/v1/me', user='unit1', want=200)['unit_id']
    row = 'tr.contact-row[data-kind=unit][data-id="%s"]' % unit
    c.go('contacts')
    c.desk.find_element(By.CSS_SELECTOR, '#contacts-kind option[value=unit]').click()
    clickable(c.desk, row + ' .contact-edit-open').click()
    form = '.contact-edit .contact-form'
    visible(c.desk, form + ' input[name=phone]').send_keys('2380000')
    c.desk.find_element(By.CSS_SELECTOR, form + ' button[type=submit]').click()
    text_in(c.desk, form + ' .field-error[data-field=phone]', '格式不正确')
    phone = css(c.desk, form + ' input[name=phone]')
    phone.clear()
    phone.send_keys('13700001111')
    c.desk.find_element(By.CSS_SELECTOR, form + ' button[type=submit]').click()
    text_in(c.desk, row + ' .contact-phone', '*******1111')
    assert not c.desk.find_elements(By.CSS_SELECTOR, '.contact-edit'), 'the form closed'
    shown = css(c.desk, row + ' .contact-phone').text
    items = c.api('GET', D + '/contacts?kind=unit', want=200)['items']
    mine = [i for i in items if i['recipient_id'] == str(unit)]
    assert len(mine) == 1 and mine[0]['phone'] == shown and mine[0]['email'] == '', mine
    assert c.api('GET', D + '/me/contact', user='unit1', want=200)['phone'] == shown
    # saving both empty clears the phone, after a confirmation
    clickable(c.desk, row + ' .contact-edit-open').click()
    clickable(c.desk, form + ' button[type=submit]').click()
    wait(c.desk, EC.alert_is_present()).accept()
    text_in(c.desk, row + ' .contact-phone', '未填写')
    assert c.api('GET', D + '/me/contact', user='unit1', want=200)['phone'] == ''
    # the console's only complaint: the refused phone's 400
    logs = severe_logs(c.desk)
    assert len(logs) == 1 and '/contacts - ' in logs[0] and 'status of 400' in logs[0], logs


def test_member_contact(c):
    clickable(c.desk, '#logout').click()
    login(c.desk, c.stack.url, 'member1')
    c.go('preferences')
    visible(c.desk, '#contact-phone').send_keys('2380000')
    c.desk.find_element(By.CSS_SELECTOR, '#contact-form button[type=submit]').click()
    wait(c.desk, lambda d: d.find_element(By.CSS_SELECTOR, '#contact-form .field-error[data-field=phone]')
         .text.strip() != '')
    ph = css(c.desk, '#contact-phone')
    ph.clear()
    ph.send_keys('13900001234')
    css(c.desk, '#contact-email').send_keys('member1@example.org')
    c.desk.find_element(By.CSS_SELECTOR, '#contact-form button[type=submit]').click()
    text_in(c.desk, '#contact-current', '*******1234')
    text_in(c.desk, '#contact-current', 'm***@example.org')
    assert c.sql("SELECT phone FROM notify.contacts WHERE recipient_kind = 'member' AND"
                 " recipient_id = (SELECT member_id FROM auth.users WHERE username = 'member1')") \
        == '13900001234'


TESTS = [test_dead_delivery_retried, test_announcement_read_unread, test_office_contacts,
         test_member_contact]


def _start(c):
    c.sms = SmsGateway()
    c.stack = Stack({'notify.sms_url': c.sms.url, 'notify.retry_max': str(TRIES),
                     'notify.retry_base_ms': '200', 'notify.quiet_hours': 'off'}).start()
    c.desk = new_driver(1280, 900)


def _after_failure(c, name):
    c.stack.failed = True
    logs = severe_logs(c.desk) if c.desk else []
    if logs:
        print('browser console: ' + ' | '.join(logs[-5:]))
    try:
        print('page: ' + c.desk.find_element(By.TAG_NAME, 'body').text[:1500])
    except Exception:   # noqa: BLE001 - a diagnostic only
        pass


def _stop(c):
    if c.desk:
        c.desk.quit()
    if c.stack:
        c.stack.stop()
    if c.sms:
        c.sms.stop()


def main():
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    return run_tests(TESTS, Ctx(), _start, _after_failure, _stop)


if __name__ == '__main__':
    sys.exit(main())
