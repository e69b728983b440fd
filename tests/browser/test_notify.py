#!/usr/bin/python3 -u
"""test_notify: notify's console pages in a real browser (headless Debian
chromium) against a stack of its own (stack.py), at the real time. The
office on 通知发送 retries a dead delivery (the row is a fixture: the browser
stack has no mail relay, so a delivery cannot die by itself) and sees it
back in the queue; on 通知公告 the office sends a notice to two listed
members, sees 0 of 2 read, member1 reads it, the office sees member1 read
and member2 unread and reminds the unread; a member on 通知设置 sets an
invalid phone (the field error shown) and then a valid one, shown masked.
Prints cmocka's lines for tests/run.sh."""

import os
import signal
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from browser import (By, StackClient, clickable, css, login, new_driver, run_tests, severe_logs,  # noqa: E402
                     text_in, visible, wait)
from stack import Stack  # noqa: E402

D = '/v1/districts/330303'


class Ctx(StackClient):
    desk = None

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
    did = c.sql("INSERT INTO notify.deliveries (district_code, id, channel, recipient_kind,"
                " recipient_id, address, idem_key, subject, body, status, attempts, next_at,"
                " last_error, created_at) VALUES ('330303', nextval('notify.delivery_ids'),"
                " 'sms', 'member', 1, '13800000001', '330303/test/1/sms/member/1', '', '测试短信',"
                " 'dead', 5, now(), 'http 503', now()) RETURNING id").splitlines()[0]
    login(c.desk, c.stack.url, 'office')
    c.go('notifications')
    text_in(c.desk, '#page table', 'http 503')
    c.desk.find_element(By.XPATH, "//button[text()='重新发送']").click()
    wait(c.desk, lambda d: c.sql("SELECT status FROM notify.deliveries WHERE id = %s" % did)
         == 'pending')
    text_in(c.desk, '#page table', '待发送')
    assert c.sql("SELECT count(*) FROM audit.trail WHERE action = 'notify.retry'") == '1'


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


TESTS = [test_dead_delivery_retried, test_announcement_read_unread, test_member_contact]


def _start(c):
    c.stack = Stack().start()
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


def main():
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    return run_tests(TESTS, Ctx(), _start, _after_failure, _stop)


if __name__ == '__main__':
    sys.exit(main())
