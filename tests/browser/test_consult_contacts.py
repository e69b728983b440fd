#!/usr/bin/python3 -u
"""test_consult_contacts: a consultation's contacts in the console in a real
browser against a stack of its own: the office invites an expert who is no
user with a phone and an e-mail through the form, sees them masked in the
participants' table (and in the API), opens them in clear with the audited
button after confirming, records the expert's answer (declined, with the
reason), and a member sees no button and only the masks.
The stack, the driver and the runner are test_console's (cmocka's lines for
tests/run.sh)."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import test_console as tc  # noqa: E402
from browser import By, clickable, css, login, text_in, wait  # noqa: E402
from selenium.webdriver.support.ui import Select  # noqa: E402

D = tc.D


def _form(d, event, nth):
    return d.find_elements(By.CSS_SELECTOR, '.consult-actions form[data-event="%s"]' % event)[nth]


def test_office_invites_a_contact_and_reveals_it(c):
    d = c.desk
    cid = c.api('POST', D + '/consultations', {'title': '微协商：楼道照明', 'form': 'dialogue'}, want=201)['id']
    c.api('POST', D + '/consultations/%s/add-participant' % cid,
          {'participant': {'role': 'member', 'member_id': '3'}}, want=200)
    login(d, c.stack.url, 'office')
    c.go(d, 'consult/' + cid)
    f = _form(d, 'add-participant', 1)                 # the second: other participants
    Select(f.find_element(By.NAME, 'participant.role')).select_by_value('expert')
    f.find_element(By.NAME, 'participant.name').send_keys('赵工程师')
    f.find_element(By.NAME, 'participant.organisation').send_keys('市照明管理所')
    f.find_element(By.CSS_SELECTOR, 'button[type=submit]').click()
    # neither phone nor e-mail: refused, the phone field says so
    text_in(d, '.consult-actions form[data-event="add-participant"] '
               '.field-error[data-field="participant.phone"]', '必填')
    f = _form(d, 'add-participant', 1)
    Select(f.find_element(By.NAME, 'participant.role')).select_by_value('expert')
    f.find_element(By.NAME, 'participant.name').clear()
    f.find_element(By.NAME, 'participant.name').send_keys('赵工程师')
    f.find_element(By.NAME, 'participant.phone').send_keys('13766554433')
    f.find_element(By.NAME, 'participant.email').send_keys('zhao@light.example.cn')
    f.find_element(By.CSS_SELECTOR, 'button[type=submit]').click()
    text_in(d, 'table.participants', '*******4433')
    text_in(d, 'table.participants', 'z***@light.example.cn')
    text_in(d, 'table.participants', '赵***')
    table = css(d, 'table.participants').text
    assert '赵工程师' not in table and '13766554433' not in table, table
    got = c.api('GET', D + '/consultations/' + cid, want=200)
    expert = next(p for p in got['participants'] if p['role'] == 'expert')
    assert expert['phone'] == '*******4433' and expert['name'] == '赵***', expert

    clickable(d, '#reveal-contacts').click()
    tc.accept_confirm(d)
    text_in(d, 'table.participants', '13766554433 zhao@light.example.cn（明文，已留痕）')
    text_in(d, 'table.participants', '赵工程师')

    # the expert phoned back: the office records the answer (a contact is no user)
    a = _form(d, 'answer', 0)
    Select(a.find_element(By.NAME, 'accept')).select_by_value('false')
    a.find_element(By.NAME, 'reason').send_keys('当天出差')
    a.find_element(By.CSS_SELECTOR, 'button[type=submit]').click()
    text_in(d, 'table.participants tr[data-seq="2"]', '当天出差')
    got = c.api('GET', D + '/consultations/' + cid, want=200)
    expert = next(p for p in got['participants'] if p['role'] == 'expert')
    assert expert['invitation'] == 'declined' and expert['decline_reason'] == '当天出差', expert
    tc.logout(d)

    login(d, c.stack.url, 'member3')
    c.go(d, 'consult/' + cid)
    text_in(d, 'table.participants', '*******4433')
    assert not d.find_elements(By.ID, 'reveal-contacts'), 'a member has no reveal button'
    assert '13766554433' not in css(d, 'table.participants').text
    tc.logout(d)
    wait(d, lambda dr: dr.find_element(By.ID, 'login-form').is_displayed())


if __name__ == '__main__':
    tc.TESTS = [test_office_invites_a_contact_and_reveals_it]
    sys.exit(tc.main())
