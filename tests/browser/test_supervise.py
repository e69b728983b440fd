#!/usr/bin/python3 -u
"""test_supervise: the office's ladder view (督查督办) in a real browser
(headless Debian chromium) against a stack of its own (stack.py), at the real
time: a proposal assigned with a three-working-day deadline is urged at once
(its urge day has come), so it shows in the 催办 column and nowhere else; the
figures' chart card with its numbers; the item's page with its timeline; the
unit's answer and the office's closure through the forms; another unit sees
nothing. Prints cmocka's lines for tests/run.sh."""

import os
import signal
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from browser import By, css, login, new_driver, severe_logs, text_in, visible, wait  # noqa: E402
from stack import Stack  # noqa: E402

D = '/v1/districts/330303'


class Ctx:
    stack = None
    desk = None
    tokens = {}
    item = None

    def token(self, user):
        if user not in self.tokens:
            self.tokens[user] = self.stack.login(user)[0]
        return self.tokens[user]

    def api(self, method, path, body=None, user='office', want=200):
        status, data = self.stack.call(method, path, body, self.token(user))
        if status != want:
            raise AssertionError('%s %s as %s: %s %s' % (method, path, user, status, data))
        return data

    def go(self, page):
        d = self.desk
        d.get(self.stack.url + '/#/' + page)
        wait(d, lambda dr: dr.find_element(By.ID, 'page').get_attribute('data-page') == page.split('/')[0]
             and not dr.find_elements(By.CSS_SELECTOR, '#page > p.empty'))


def test_item_urged_on_the_board(c):
    p = c.api('POST', D + '/proposals', {'title': '关于延长图书馆开放时间的建议', 'category': 'education',
                                        'reasons': '上班族借阅不便', 'measures': '周末延长至晚九点'},
              user='member1', want=201)
    c.api('POST', D + '/proposals/%s/submit' % p['id'], user='member1')
    c.api('POST', D + '/proposals/%s/accept' % p['id'])
    c.api('POST', D + '/proposals/%s/assign' % p['id'], {'lead_unit_id': '1', 'leader': '李副区长',
                                                         'workdays': 3})
    deadline = time.time() + 30
    while time.time() < deadline:
        items = c.api('GET', D + '/items?source=proposal')['items']
        mine = [i for i in items if i['source_id'] == p['id']]
        if mine and mine[0]['step'] == 'urged':
            c.item = mine[0]['id']
            break
        time.sleep(0.5)
    assert c.item, 'the item was not urged'
    login(c.desk, c.stack.url, 'office')
    c.go('supervise')
    css(c.desk, '#ladder section[data-step=urged] li[data-item-id="%s"]' % c.item)
    for step in ('registered', 'followed', 'supervised'):
        assert not c.desk.find_elements(By.CSS_SELECTOR, '#ladder section[data-step=%s] li[data-item-id="%s"]'
                                        % (step, c.item))
    text_in(c.desk, '#ladder section[data-step=urged] h3', '催办（1）')
    box = css(c.desk, '[data-chart=supervise-units]')
    box.find_element(By.CSS_SELECTOR, 'button[aria-controls]').click()
    text_in(c.desk, '#data-supervise-units table', '区住房和城乡建设局')
    assert not severe_logs(c.desk)


def test_item_page_answer_and_close(c):
    c.desk.find_element(By.CSS_SELECTOR, 'li[data-item-id="%s"] a' % c.item).click()
    text_in(c.desk, '#item-state', '办理中 · 催办')
    text_in(c.desk, '#page table', '催办')
    f = visible(c.desk, 'form[data-event=answer]')
    f.find_element(By.CSS_SELECTOR, 'textarea').send_keys('已延长至晚八点，周末试行')
    f.find_element(By.CSS_SELECTOR, 'button[type=submit]').click()
    text_in(c.desk, '#item-state', '已答复')
    f = visible(c.desk, 'form[data-event=close]')
    f.find_element(By.CSS_SELECTOR, 'button[type=submit]').click()
    text_in(c.desk, '#item-state', '已办结')
    visible(c.desk, 'form[data-event=reopen]')
    assert not severe_logs(c.desk)


def test_other_unit_sees_nothing(c):
    c.desk.get(c.stack.url + '/')
    c.desk.execute_script('sessionStorage.clear()')
    login(c.desk, c.stack.url, 'unit2')
    c.go('supervise')
    css(c.desk, '#ladder')
    assert not c.desk.find_elements(By.CSS_SELECTOR, 'li[data-item-id="%s"]' % c.item)
    assert not c.desk.find_elements(By.CSS_SELECTOR, '[data-chart=supervise-units]')


TESTS = [test_item_urged_on_the_board, test_item_page_answer_and_close, test_other_unit_sees_nothing]


def main():
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    print('[==========] Running %d test(s).' % len(TESTS))
    c = Ctx()
    failed = []
    try:
        c.stack = Stack().start()
        c.desk = new_driver(1280, 900)
    except Exception:   # noqa: BLE001 - the whole group fails, as cmocka's group setup
        traceback.print_exc()
        print('[  FAILED  ] GROUP SETUP')
        if c.stack:
            c.stack.failed = True
            c.stack.stop()
        print('[==========] 0 test(s) run.')
        print('[  PASSED  ] 0 test(s).')
        print('[  FAILED  ] %d test(s), listed below:' % len(TESTS))
        for t in TESTS:
            print('[  FAILED  ] %s' % t.__name__)
        return 1
    try:
        for t in TESTS:
            print('[ RUN      ] %s' % t.__name__)
            try:
                t(c)
                print('[       OK ] %s' % t.__name__)
            except Exception:   # noqa: BLE001 - a failed test, reported and counted
                traceback.print_exc()
                logs = severe_logs(c.desk)
                if logs:
                    print('browser console: ' + ' | '.join(logs[-5:]))
                print('[  FAILED  ] %s' % t.__name__)
                failed.append(t.__name__)
                c.stack.failed = True
    finally:
        c.desk.quit()
        c.stack.stop()
    print('[==========] %d test(s) run.' % len(TESTS))
    print('[  PASSED  ] %d test(s).' % (len(TESTS) - len(failed)))
    if failed:
        print('[  FAILED  ] %d test(s), listed below:' % len(failed))
        for n in failed:
            print('[  FAILED  ] %s' % n)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
