#!/usr/bin/python3 -u
"""test_consult: the consultation pages of the console in a real browser
against a stack of its own: the office creates a consultation, invites a
member, tries a time at which that member is already booked for another
consultation and sees the conflict naming the member and the time, then
books a free time and sees it on the page; anyone, without logging in,
opens the public notice of the outcomes from the login page. The stack, the driver and the
runner are test_console's (cmocka's lines for tests/run.sh). Every date comes
from the server's clock (its Date header)."""

import os
import sys
from datetime import timedelta

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import test_console as tc  # noqa: E402
from browser import By, clickable, css, login, text_in, wait  # noqa: E402
from selenium.webdriver.support.ui import Select  # noqa: E402

D = tc.D


def _set(d, el, value):
    """Sets a date or time input the way a picker would (no locale in between)."""
    d.execute_script("arguments[0].value = arguments[1];"
                     "arguments[0].dispatchEvent(new Event('input', {bubbles: true}));", el, value)


def _form(d, event, nth=0):
    return d.find_elements(By.CSS_SELECTOR, '.consult-actions form[data-event="%s"]' % event)[nth]


def test_office_schedules_a_meeting_and_sees_a_conflict(c):
    d = c.desk
    day = (c.server_now() + timedelta(days=12)).date().isoformat()
    venue = c.api('POST', D + '/venues', {'name': '区政协第二会议室', 'capacity': 20}, want=201)['id']
    # member 2 is already booked 09:00-11:00 that day for another consultation
    other = c.api('POST', D + '/consultations', {'title': '已排定的协商', 'form': 'dialogue'}, want=201)['id']
    c.api('POST', D + '/consultations/%s/add-participant' % other,
          {'participant': {'role': 'member', 'member_id': '2'}}, want=200)
    c.api('POST', D + '/consultations/%s/schedule' % other,
          {'venue_id': venue, 'starts_at': day + 'T09:00:00+08:00', 'ends_at': day + 'T11:00:00+08:00'}, want=200)
    name2 = c.api('GET', D + '/members', want=200)
    name2 = next(m['name'] for m in name2['items'] if m['id'] == '2')

    login(d, c.stack.url, 'office')
    c.go(d, 'consult')
    clickable(d, '#consult-new').click()
    f = css(d, '#consult-form')
    f.find_element(By.NAME, 'title').send_keys('民生议事堂：停车难')
    Select(f.find_element(By.NAME, 'form')).select_by_value('communication')
    Select(f.find_element(By.NAME, 'series')).select_by_value('minsheng')
    f.find_element(By.CSS_SELECTOR, 'button[type=submit]').click()
    text_in(d, '#consult-facts dd[data-key="环节"]', '收集议题')

    inv = _form(d, 'add-participant')
    Select(inv.find_element(By.NAME, 'participant.member_id')).select_by_value('2')
    inv.find_element(By.CSS_SELECTOR, 'button[type=submit]').click()
    text_in(d, 'table.participants', name2)

    s = _form(d, 'schedule')
    Select(s.find_element(By.NAME, 'venue_id')).select_by_value(venue)
    _set(d, s.find_element(By.NAME, 'date'), day)
    _set(d, s.find_element(By.NAME, 'starts_at'), '10:00')
    _set(d, s.find_element(By.NAME, 'ends_at'), '11:30')
    s.find_element(By.CSS_SELECTOR, 'button[type=submit]').click()
    text_in(d, '.consult-actions form[data-event="schedule"] .form-error', '时间冲突')
    err = css(d, '.consult-actions form[data-event="schedule"] .form-error').text
    assert name2 in err and day in err and '09:00' in err, err
    # nothing was booked
    assert css(d, '#consult-facts dd[data-key="时间"]').text == '（未安排）'

    s = _form(d, 'schedule')
    _set(d, s.find_element(By.NAME, 'starts_at'), '14:00')
    _set(d, s.find_element(By.NAME, 'ends_at'), '15:30')
    s.find_element(By.CSS_SELECTOR, 'button[type=submit]').click()
    text_in(d, '#consult-facts dd[data-key="时间"]', day + ' 14:00')
    text_in(d, '#consult-facts dd[data-key="场地"]', '区政协第二会议室')
    cid = d.current_url.rsplit('/', 1)[1]
    got = c.api('GET', D + '/consultations/' + cid, want=200)
    assert got['starts_at'].startswith(day + 'T14:00'), got
    tc.logout(d)
    wait(d, lambda dr: dr.find_element(By.ID, 'login-form').is_displayed())


def test_anyone_reads_the_public_notice(c):
    d = c.desk
    day = (c.server_now() + timedelta(days=13)).date().isoformat()
    topic = c.api('POST', D + '/topics', {'title': '背街小巷路灯'}, user='member1', want=201)['id']
    c.api('POST', D + '/topics/%s/accept' % topic, {'kind': 'public_affairs'}, want=200)
    venue = c.api('POST', D + '/venues', {'name': '街道议事厅', 'capacity': 20}, want=201)['id']
    cid = c.api('POST', D + '/consultations', {'title': '路灯对话协商', 'form': 'dialogue', 'topic_id': topic},
                want=201)['id']
    for event, body in [('add-participant', {'participant': {'role': 'member', 'member_id': '3'}}),
                        ('schedule', {'venue_id': venue, 'starts_at': day + 'T15:00:00+08:00',
                                      'ends_at': day + 'T16:00:00+08:00'}),
                        ('hold', {}), ('minutes', {'text': '委员三建议分两期安装'}), ('publish', {'notice_days': 5}),
                        ('outcome', {'title': '分两期安装路灯', 'unit_id': '1'})]:
        c.api('POST', D + '/consultations/%s/%s' % (cid, event), body, want=200)
    d.get(c.stack.url + '/')
    clickable(d, '#public-notices').click()
    wait(d, lambda dr: dr.find_element(By.ID, 'page').get_attribute('data-loaded') == '1')
    text_in(d, '#page', '路灯对话协商')
    text_in(d, 'table.notice-outcomes', '分两期安装路灯')
    page = css(d, '#page').text
    assert '委员三建议' not in page, page          # the minutes are not public
    assert not d.find_elements(By.ID, 'nav'), 'a public page shows no menu'


def test_office_screens_topics_and_issues_the_plan(c):
    d = c.desk
    year = c.server_now().date().isoformat()[:4]
    good = c.api('POST', D + '/topics', {'title': '农贸市场改造'}, user='member1', want=201)['id']
    bad = c.api('POST', D + '/topics', {'title': '某人的私事'}, user='member1', want=201)['id']
    login(d, c.stack.url, 'office')
    c.go(d, 'consult-plan/' + year)
    row = css(d, 'table.topics tr[data-topic-id="%s"]' % bad)
    f = row.find_element(By.CSS_SELECTOR, 'form[data-event="refuse"]')
    f.find_element(By.CSS_SELECTOR, 'button[type=submit]').click()
    text_in(d, 'table.topics tr[data-topic-id="%s"] form[data-event="refuse"] .field-error[data-field="reason"]' % bad, '必填')
    f = css(d, 'table.topics tr[data-topic-id="%s"] form[data-event="refuse"]' % bad)
    f.find_element(By.NAME, 'reason').send_keys('属于个人事务')
    f.find_element(By.CSS_SELECTOR, 'button[type=submit]').click()
    text_in(d, 'table.topics tr[data-topic-id="%s"]' % bad, '属于个人事务')
    f = css(d, 'table.topics tr[data-topic-id="%s"] form[data-event="accept"]' % good)
    Select(f.find_element(By.NAME, 'kind')).select_by_value('public_affairs')
    f.find_element(By.CSS_SELECTOR, 'button[type=submit]').click()
    text_in(d, 'table.topics tr[data-topic-id="%s"]' % good, '已采纳')
    f = css(d, '.plan-actions form[data-event="add"]')
    Select(f.find_element(By.NAME, 'topic_id')).select_by_value(good)
    f.find_element(By.CSS_SELECTOR, 'button[type=submit]').click()
    text_in(d, 'table.plan-items', '农贸市场改造')
    clickable(d, '.plan-actions form[data-event="issue"] button').click()
    wait(d, lambda dr: not dr.find_elements(By.CSS_SELECTOR, '.plan-actions form[data-event="issue"]'))
    assert c.api('GET', D + '/plans/' + year, want=200)['state'] == 'issued'
    clickable(d, '#plan-print').click()
    text_in(d, '#print-sheet', '农贸市场改造')
    text_in(d, '#print-sheet', '印发')
    tc.logout(d)


if __name__ == '__main__':
    tc.TESTS = [test_office_schedules_a_meeting_and_sees_a_conflict, test_anyone_reads_the_public_notice,
                test_office_screens_topics_and_issues_the_plan]
    sys.exit(tc.main())
