#!/usr/bin/python3 -u
"""test_supervise_checkin: check-in at a supervision activity in a real
browser (headless Debian chromium) against a stack of its own (stack.py),
at the real time: the office schedules an inspection of a group that has
begun, asks for its link; member 1 of the group opens the link's page on a
phone-sized window and checks in (the attendance is present, with its time);
member 3, not in the group, is refused on the same page. Dates come from the
server (its Date header). Prints cmocka's lines for tests/run.sh."""

import os
import signal
import sys
from datetime import timedelta

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from browser import (By, StackClient, open_link_and_check_in, run_phone_tests,  # noqa: E402
                     severe_logs, text_in, wait)

D = '/v1/districts/330303'


class Ctx(StackClient):
    phone = None       # a 375 x 812 phone
    code = None
    activity = None


def _iso(t):
    return t.isoformat(timespec='seconds')


def _open_and_check_in(c, user):
    open_link_and_check_in(c.phone, c.stack.url, user, c.code['url'])


def test_member_checks_in_by_the_link(c):
    now = c.server_now()
    g = c.api('POST', D + '/supervision/groups', {
        'year': now.year, 'name': '食品安全派驻监督小组', 'unit_id': '1', 'member_ids': ['1', '2'],
        'leader_id': '1'}, want=201)
    a = c.api('POST', D + '/supervision/groups/%s/activities' % g['id'], {
        'kind': 'inspection', 'title': '检查学校食堂', 'starts_at': _iso(now - timedelta(minutes=5)),
        'ends_at': _iso(now + timedelta(hours=2))}, want=201)
    c.activity = a['id']
    c.code = c.api('POST', D + '/supervision/activities/%s/checkin-code' % a['id'], want=200)
    assert c.code['url'].endswith('/#/activity-checkin/' + c.code['token']), c.code['url']
    _open_and_check_in(c, 'member1')
    text_in(c.phone, '#checkin-result', '签到成功')
    got = c.api('GET', D + '/supervision/activities/%s' % a['id'], want=200)
    mine = [x for x in got['attendance'] if x['member_id'] == '1']
    assert mine and mine[0]['status'] == 'present' and mine[0]['checked_in_at'], got
    assert not [x for x in severe_logs(c.phone) if 'favicon' not in x], severe_logs(c.phone)


def test_member_outside_the_group_refused(c):
    _open_and_check_in(c, 'member3')
    wait(c.phone, lambda d: d.find_element(By.ID, 'checkin-result').text not in ('', '签到成功'))
    said = c.phone.find_element(By.ID, 'checkin-result').text
    assert '不是该监督小组的成员' in said, said
    got = c.api('GET', D + '/supervision/activities/%s' % c.activity, want=200)
    assert [x['member_id'] for x in got['attendance']] == ['1'], got


TESTS = [test_member_checks_in_by_the_link, test_member_outside_the_group_refused]


def main():
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    return run_phone_tests(TESTS, Ctx(), sys.argv[1:])


if __name__ == '__main__':
    sys.exit(main())
