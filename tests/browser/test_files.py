#!/usr/bin/python3 -u
"""test_files: the member files in a real browser (headless Debian chromium)
against a stack of its own (stack.py): a member checks in to a plenary by
the link of the venue's QR code and reads their own file on a phone-sized
window (375 x 812): the plenary and their proposal listed with their
sources, what the five ones still miss, no sideways scrolling; the A4 print
view of the file; the office's list with its chart. Dates come from the
server (its Date header). Prints cmocka's lines for tests/run.sh.
"""

import email.utils
import os
import signal
import sys
import time
import traceback
from datetime import timedelta, timezone

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from browser import By, clickable, css, login, new_driver, severe_logs, text_in, visible, wait  # noqa: E402
from stack import Stack  # noqa: E402

D = '/v1/districts/330303'
CST = timezone(timedelta(hours=8))


class Ctx:
    stack = None
    phone = None
    desk = None
    tokens = {}
    meeting = None

    def token(self, user):
        if user not in self.tokens:
            self.tokens[user] = self.stack.login(user)
        return self.tokens[user][0]

    def api(self, method, path, body=None, user='office', want=None):
        status, data = self.stack.call(method, path, body, self.token(user))
        if want is not None and status != want:
            raise AssertionError('%s %s as %s: %s %s' % (method, path, user, status, data))
        return data

    def now(self):
        _, headers, _ = self.stack.call('GET', '/healthz', raw=True)
        return email.utils.parsedate_to_datetime(headers['Date']).astimezone(CST)


def _iso(t):
    return t.isoformat(timespec='seconds')


def test_checkin_by_link_on_a_phone(c):
    now = c.now()
    m = c.api('POST', D + '/meetings', {
        'kind': 'plenary', 'title': '区政协全体会议', 'venue': '区政协大礼堂',
        'starts_at': _iso(now - timedelta(minutes=5)), 'ends_at': _iso(now + timedelta(hours=2)),
        'member_ids': ['1', '2']}, want=201)
    c.meeting = m['id']
    code = c.api('POST', D + '/meetings/%s/checkin-code' % m['id'], want=200)
    assert code['svg'].startswith('<svg') and code['url'].endswith('/#/checkin/' + code['token'])
    login(c.phone, c.stack.url, 'member1')
    c.phone.get(c.stack.url + '/#/checkin/' + code['token'])
    clickable(c.phone, '#checkin-now').click()
    text_in(c.phone, '#checkin-result', '签到成功')
    # the same link again: already checked in
    c.phone.get(c.stack.url + '/#/')
    c.phone.get(c.stack.url + '/#/checkin/' + code['token'])
    clickable(c.phone, '#checkin-now').click()
    wait(c.phone, lambda d: d.find_element(By.ID, 'checkin-result').text not in ('', '签到成功'))


def test_member_reads_own_file_on_a_phone(c):
    p = c.api('POST', D + '/proposals', {
        'title': '关于增设社区老年食堂的建议', 'reasons': '老年人就餐难。', 'measures': '财政补贴，社会参与。',
        'category': 'social_security', 'unit_ids': ['1']}, user='member1', want=201)
    c.api('POST', D + '/proposals/%s/submit' % p['id'], user='member1', want=200)
    year = str(c.now().year)
    deadline = time.time() + 20
    while True:
        f = c.api('GET', D + '/assess/my-file?year=' + year, user='member1', want=200)
        kinds = {(a['kind'], a['status']) for a in f['acts']}
        if ('plenary', 'present') in kinds and ('proposal_lead', 'done') in kinds:
            break
        assert time.time() < deadline, 'the file never got the acts: %s' % kinds
        time.sleep(0.3)
    d = c.phone
    d.get(c.stack.url + '/#/my-file')
    visible(d, '#file-summary')
    text_in(d, '#five-list li[data-key="meeting"]', '✓')
    text_in(d, '#five-list li[data-key="proposal"]', '✓')
    text_in(d, '#five-list li[data-key="deed"]', '尚未完成')
    text_in(d, '#file-missing', '还差 3 项')
    link = css(d, 'table.acts a[href="#/proposals/%s"]' % p['id'])
    assert '老年食堂' in link.text
    assert css(d, 'table.acts a[href="#/meeting/%s"]' % c.meeting)
    width = d.execute_script('return document.documentElement.scrollWidth')
    assert width <= 375, 'the file is %d px wide on a phone' % width
    # the print view (A4) of the same file
    clickable(d, '#file-print-link').click()
    text_in(d, '#print-sheet h1', '政协委员履职档案')
    text_in(d, '#print-sheet', '全会')


def test_other_files_refused_to_a_member(c):
    status, data = c.stack.call('GET', D + '/assess/files/2', None, c.token('member1'))
    assert status == 403, (status, data)
    assert data['error']['message'] == '委员只能查看本人的履职档案', data


def test_office_list(c):
    login(c.desk, c.stack.url, 'office')
    c.desk.get(c.stack.url + '/#/files')
    visible(c.desk, '#files-list table')
    css(c.desk, '#files-chart')
    row = css(c.desk, '#files-list a[href^="#/file/1:"]')
    assert row.text, 'member 1 has no name in the list'
    assert not [x for x in severe_logs(c.desk) if 'favicon' not in x], severe_logs(c.desk)


TESTS = [test_checkin_by_link_on_a_phone, test_member_reads_own_file_on_a_phone,
         test_other_files_refused_to_a_member, test_office_list]


def main():
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    names = sys.argv[1:]
    tests = [t for t in TESTS if not names or t.__name__ in names]
    print('[==========] Running %d test(s).' % len(tests))
    c = Ctx()
    failed = []
    try:
        c.stack = Stack().start()
        c.phone = new_driver(375, 812, mobile=True)
        c.desk = new_driver(1280, 900)
    except Exception:   # noqa: BLE001 - the whole group fails, as cmocka's group setup
        traceback.print_exc()
        print('[  FAILED  ] GROUP SETUP')
        if c.stack:
            c.stack.failed = True
            c.stack.stop()
        print('[  PASSED  ] 0 test(s).')
        print('[  FAILED  ] %d test(s), listed below:' % len(tests))
        for t in tests:
            print('[  FAILED  ] %s' % t.__name__)
        return 1
    try:
        for t in tests:
            print('[ RUN      ] %s' % t.__name__)
            try:
                t(c)
                print('[       OK ] %s' % t.__name__)
            except Exception:   # noqa: BLE001 - a failed test, reported and counted
                traceback.print_exc()
                for drv, name in ((c.phone, 'phone'), (c.desk, 'desk')):
                    logs = severe_logs(drv)
                    if logs:
                        print('browser console (%s): %s' % (name, ' | '.join(logs[-5:])))
                    try:
                        drv.save_screenshot(os.path.join(c.stack.dir, '%s-%s.png' % (t.__name__, name)))
                    except Exception:   # noqa: BLE001
                        pass
                print('[  FAILED  ] %s' % t.__name__)
                failed.append(t.__name__)
                c.stack.failed = True
    finally:
        for drv in (c.phone, c.desk):
            if drv:
                drv.quit()
        c.stack.stop()
    print('[  PASSED  ] %d test(s).' % (len(tests) - len(failed)))
    if failed:
        print('[  FAILED  ] %d test(s), listed below:' % len(failed))
        for n in failed:
            print('[  FAILED  ] %s' % n)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
