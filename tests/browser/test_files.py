#!/usr/bin/python3 -u
"""test_files: the member files in a real browser (headless Debian chromium)
against a stack of its own (stack.py): a member checks in to a plenary by
the link of the venue's QR code and reads their own file on a phone-sized
window (375 x 812): the plenary and their proposal listed with their
sources, what the five ones still miss, no sideways scrolling; the A4 print
view of the file; the office's list with its chart; the office names a
liaison group's contact, who reads the group's six at least on the phone. Dates come from the
server (its Date header). Prints cmocka's lines for tests/run.sh.
"""

import os
import signal
import sys
import time
from datetime import timedelta

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from browser import (By, StackClient, clickable, css, login, new_driver, run_tests,  # noqa: E402
                     severe_logs, text_in, visible, wait)
from selenium.webdriver.support.ui import Select  # noqa: E402
from stack import Stack  # noqa: E402

D = '/v1/districts/330303'


class Ctx(StackClient):
    phone = None       # a 375 x 812 phone
    desk = None
    meeting = None

    def now(self):
        return self.server_now()


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


def test_office_names_the_group_contact(c):
    c.desk.get(c.stack.url + '/#/files')
    clickable(c.desk, 'table.groups a[href^="#/group/1:"]').click()
    text_in(c.desk, '#group-contact', '未指定')
    Select(css(c.desk, '#group-contact-member')).select_by_value('1')
    clickable(c.desk, '#group-contact-set').click()
    text_in(c.desk, '#group-contact', '陈建国')


def test_contact_reads_the_six_on_a_phone(c):
    d = c.phone
    year = str(c.now().year)
    # a group activity, the office's record of member 1's presence
    now = c.now()
    m = c.api('POST', D + '/meetings', {
        'kind': 'group_activity', 'title': '联络组走访社区', 'member_ids': ['1'],
        'starts_at': _iso(now - timedelta(minutes=5)), 'ends_at': _iso(now + timedelta(hours=1))},
        want=201)
    c.api('POST', D + '/meetings/%s/attendance' % m['id'],
          {'member_id': '1', 'status': 'present', 'note': '现场核实'}, want=200)
    deadline = time.time() + 20
    while True:
        g = c.api('GET', D + '/assess/my-group?year=' + year, user='member1', want=200)
        done = [n for n in g['six'] if n['key'] == 'group_activity' and
                sum(p['count'] for p in n['periods']) > 0]
        if done:
            break
        assert time.time() < deadline, 'the group activity never counted: %s' % g['six']
        time.sleep(0.3)
    d.get(c.stack.url + '/#/my-file')
    clickable(d, '#file-group-link').click()
    text_in(d, '#group-contact', '陈建国')
    assert '六个至少' in d.title or '六个至少' in css(d, '.heading h2').text
    rows = d.find_elements(By.CSS_SELECTOR, 'table tr')
    assert len(rows) >= 6, 'the six at least have %d rows' % len(rows)
    assert not d.find_elements(By.ID, 'group-contact-member'), 'a member may not name the contact'
    width = d.execute_script('return document.documentElement.scrollWidth')
    assert width <= 375, 'the group page is %d px wide on a phone' % width
    # another member of the group is refused
    status, _ = c.stack.call('GET', D + '/assess/groups/1', None, c.token('member2'))
    assert status == 404, status


TESTS = [test_checkin_by_link_on_a_phone, test_member_reads_own_file_on_a_phone,
         test_other_files_refused_to_a_member, test_office_list,
         test_office_names_the_group_contact, test_contact_reads_the_six_on_a_phone]


def _start(c):
    c.stack = Stack().start()
    c.phone = new_driver(375, 812, mobile=True)
    c.desk = new_driver(1280, 900)


def _after_failure(c, name):
    c.stack.failed = True
    for drv, which in ((c.phone, 'phone'), (c.desk, 'desk')):
        logs = severe_logs(drv)
        if logs:
            print('browser console (%s): %s' % (which, ' | '.join(logs[-5:])))
        try:
            drv.save_screenshot(os.path.join(c.stack.dir, '%s-%s.png' % (name, which)))
        except Exception:   # noqa: BLE001
            pass


def _stop(c):
    for drv in (c.phone, c.desk):
        if drv:
            drv.quit()
    if c.stack:
        c.stack.stop()


def main():
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    names = sys.argv[1:]
    return run_tests([t for t in TESTS if not names or t.__name__ in names], Ctx(), _start,
                     _after_failure, _stop)


if __name__ == '__main__':
    sys.exit(main())
