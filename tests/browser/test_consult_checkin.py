#!/usr/bin/python3 -u
"""test_consult_checkin: check-in at a consultation in a real browser
(headless Debian chromium) against a stack of its own (stack.py), at the
real time: the office schedules a consultation that has begun with a member
who has no duty then, asks for its link; the member opens the link's
协商签到 page on a phone-sized window and checks in (the attendance is
present); a member who is not a participant is refused on the same page.
Times come from the server (its Date header), kept within one day in UTC+8
(a consultation across midnight is refused). Prints cmocka's lines for
tests/run.sh."""

import os
import signal
import sys
import time
from datetime import timedelta

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from browser import (By, StackClient, open_link_and_check_in, run_phone_tests,  # noqa: E402
                     severe_logs, text_in, wait)

D = '/v1/districts/330303'


class Ctx(StackClient):
    phone = None       # a 375 x 812 phone
    code = None
    consultation = None
    member = None


def _iso(t):
    return t.isoformat(timespec='seconds')


def _window(c):
    """From 5 minutes ago to 20 minutes ahead, clipped to today (UTC+8)."""
    now = c.server_now()
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    if now >= midnight + timedelta(hours=23, minutes=58):   # too near the day's end
        time.sleep((midnight + timedelta(days=1) - now).total_seconds() + 1)
        return _window(c)
    start = max(now - timedelta(minutes=5), midnight)
    end = min(now + timedelta(minutes=20), midnight + timedelta(hours=23, minutes=59))
    return start, end


def _schedule(c):
    """A consultation with one member (the first of 1..5 with no duty or
    other booking in the window) scheduled over the window: (id, member)."""
    start, end = _window(c)
    for member in range(1, 6):
        v = c.api('POST', D + '/venues', {'name': '签到会议室%d' % member, 'capacity': 20}, want=201)
        a = c.api('POST', D + '/consultations', {'title': '社区停车协商', 'form': 'dialogue'}, want=201)
        c.api('POST', D + '/consultations/%s/add-participant' % a['id'],
              {'participant': {'role': 'member', 'member_id': str(member)}}, want=200)
        status, data = c.stack.call('POST', D + '/consultations/%s/schedule' % a['id'],
                                    {'venue_id': v['id'], 'starts_at': _iso(start),
                                     'ends_at': _iso(end)}, c.token('office'))
        if status == 200:
            return a['id'], member
        assert status == 409, (status, data)   # the member is booked then: the next one
    raise AssertionError('no member of 1..5 free in the window')


def _open_and_check_in(c, user):
    open_link_and_check_in(c.phone, c.stack.url, user, c.code['url'])


def _attendance(c):
    got = c.api('GET', D + '/consultations/%s' % c.consultation, want=200)
    return {p['member_id']: p['attendance'] for p in got['participants'] if p['member_id']}


def test_member_checks_in_by_the_link(c):
    c.consultation, c.member = _schedule(c)
    c.code = c.api('POST', D + '/consultations/%s/checkin-code' % c.consultation, want=200)
    assert c.code['url'].endswith('/#/consult-checkin/' + c.code['token']), c.code['url']
    _open_and_check_in(c, 'member%d' % c.member)
    text_in(c.phone, '#checkin-result', '签到成功')
    assert _attendance(c) == {str(c.member): 'present'}, _attendance(c)
    assert not [x for x in severe_logs(c.phone) if 'favicon' not in x], severe_logs(c.phone)


def test_member_not_invited_refused(c):
    other = 7 if c.member != 7 else 8
    _open_and_check_in(c, 'member%d' % other)
    wait(c.phone, lambda d: d.find_element(By.ID, 'checkin-result').text not in ('', '签到成功'))
    assert _attendance(c) == {str(c.member): 'present'}, _attendance(c)


TESTS = [test_member_checks_in_by_the_link, test_member_not_invited_refused]


def main():
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    return run_phone_tests(TESTS, Ctx(), sys.argv[1:])


if __name__ == '__main__':
    sys.exit(main())
