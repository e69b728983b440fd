#!/usr/bin/python3 -u
"""test_console: the web console in a real browser (headless Debian chromium,
chromedriver and python3-selenium) against a stack of its own (stack.py).

Prints cmocka's lines ("[  PASSED  ] N test(s).", "[  FAILED  ] N test(s),
listed below:") so that tests/run.sh counts each test. Every date comes from
the server (the Date header of its answers), never from this machine's
calendar. LIANXIN_SCREENSHOTS=DIR also writes the README's two screenshots.
"""

import os
import signal
import sys
import time
import urllib.error
import urllib.request
from datetime import date, timedelta

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from browser import (By, EC, StackClient, clickable, css, login, nav_pages,  # noqa: E402
                     new_driver, run_tests, severe_logs, text_in, visible, wait)
from stack import Stack  # noqa: E402
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import Select  # noqa: E402

D = '/v1/districts/330303'

EXPECTED_PAGES = {
    'admin': ['today', 'record', 'log', 'rota', 'issues', 'reports', 'stats', 'calendar', 'proposals',
              'proposal-rates', 'supervise', 'consult', 'consult-plan', 'files', 'meetings', 'inbox', 'notifications',
              'announcements', 'contacts', 'preferences', 'users', 'system', 'account'],
    'office': ['today', 'record', 'log', 'rota', 'issues', 'reports', 'stats', 'calendar', 'proposals',
               'proposal-rates', 'supervise', 'consult', 'consult-plan', 'files', 'meetings', 'inbox', 'notifications',
               'announcements', 'contacts', 'preferences', 'users', 'account'],
    'leader': ['log', 'issues', 'reports', 'stats', 'proposals', 'proposal-rates', 'supervise', 'consult', 'consult-plan',
               'files', 'meetings', 'inbox', 'preferences', 'account'],
    'member1': ['duties', 'record', 'log', 'issues', 'reports', 'proposals', 'consult', 'my-file', 'meetings',
                'inbox', 'preferences', 'account'],
    'unit1': ['rota', 'issues', 'proposals', 'supervise', 'inbox', 'preferences', 'account'],
}


class Ctx(StackClient):
    desk = None        # a 1280 x 900 browser

    def month_after(self, now):
        y, m = now.year + (now.month == 12), now.month % 12 + 1
        return '%04d-%02d' % (y, m)

    def go(self, d, page):
        d.get(self.stack.url + '/#/' + page)
        wait(d, lambda dr: dr.find_element(By.ID, 'page').get_attribute('data-page') == page.split('/')[0]
             and not dr.find_elements(By.CSS_SELECTOR, '#page > p.empty'))

    def shot(self, d, name):
        out = os.environ.get('LIANXIN_SCREENSHOTS')
        if out:
            os.makedirs(out, exist_ok=True)
            d.save_screenshot(os.path.join(out, name))
            print('browser: screenshot %s' % os.path.join(out, name))


def accept_confirm(d):
    wait(d, EC.alert_is_present()).accept()


def logout(d):
    clickable(d, '#logout').click()
    visible(d, '#login-form')


# ---- the tests ---------------------------------------------------------------------------

def test_roles_see_only_their_pages(c):
    d = c.desk
    for user, pages in EXPECTED_PAGES.items():
        login(d, c.stack.url, user)
        got = nav_pages(d)
        assert got == pages, '%s sees %s, expected %s' % (user, got, pages)
        # a page of another role falls back to the role's first page
        foreign = 'calendar' if 'calendar' not in pages else 'duties'
        d.get(c.stack.url + '/#/' + foreign)
        wait(d, lambda dr: dr.find_element(By.ID, 'page').get_attribute('data-page') == pages[0])
        logout(d)


def test_office_generates_publishes_rota_and_sees_conflict(c):
    d = c.desk
    month = c.month_after(c.server_now())
    c.rota_month = month
    login(d, c.stack.url, 'office')
    c.go(d, 'rota/' + month)
    assert css(d, '#rota-month').get_attribute('value') == month
    clickable(d, '#rota-generate').click()
    text_in(d, '#rota-result', '已生成')
    rows = c.api('GET', D + '/rota?month=' + month, want=200)['items']
    assert rows and all(r['status'] == 'draft' for r in rows), rows[:3]
    wait(d, lambda dr: len(dr.find_elements(By.CSS_SELECTOR, 'tr[data-rota-id]')) == len(rows))
    # two rows of one day in different rooms: move B's member into A
    pair = None
    for a in rows:
        for b in rows:
            if a['duty_date'] == b['duty_date'] and a['workroom_id'] != b['workroom_id']:
                pair = (a, b)
                break
        if pair:
            break
    assert pair, 'no day with two rooms in %s' % month
    a, b = pair
    row = css(d, 'tr[data-rota-id="%s"]' % a['id'])
    sel = row.find_element(By.CSS_SELECTOR, 'select.rota-member')
    Select(sel).select_by_value(b['member_id'])
    row.find_element(By.CSS_SELECTOR, 'button.rota-save').click()
    err = 'tr[data-rota-id="%s"] .rota-error' % a['id']
    text_in(d, err, '排班冲突')
    msg = d.find_element(By.CSS_SELECTOR, err).text
    assert b['member_name'] in msg and b['duty_date'] in msg and b['workroom_name'] in msg, msg
    # publish
    wait(d, lambda dr: dr.find_element(By.ID, 'rota-publish').is_enabled())
    d.find_element(By.ID, 'rota-publish').click()
    accept_confirm(d)
    text_in(d, '#rota-result', '已发布')
    rows = c.api('GET', D + '/rota?month=' + month, want=200)['items']
    assert rows and all(r['status'] == 'published' for r in rows), [r['status'] for r in rows]
    logout(d)


def test_member_confirms_duty_and_records_visit_at_375px(c):
    month = getattr(c, 'rota_month', None)
    assert month, 'needs the published rota of the previous test'
    rows = c.api('GET', D + '/rota?month=' + month, want=200)['items']
    duty = next(r for r in rows if r['status'] == 'published')
    username = 'member' + duty['member_id']
    token, user = c.stack.login(username)
    c.tokens[username] = (token, user)
    assert user['member_id'] == duty['member_id'], (username, user)
    d = new_driver(375, 812, mobile=True)
    try:
        login(d, c.stack.url, username)
        assert d.find_element(By.ID, 'page').get_attribute('data-page') == 'duties'
        card = css(d, '.duty[data-rota-id="%s"]' % duty['id'])
        card.find_element(By.CSS_SELECTOR, 'button.confirm').click()
        text_in(d, '#notice', '已确认')
        wait(d, lambda dr: '已确认' in dr.find_element(By.CSS_SELECTOR, '.duty[data-rota-id="%s"] .status' % duty['id']).text)
        got = c.api('GET', D + '/rota?month=' + month + '&member_id=' + duty['member_id'], user=username, want=200)
        assert next(r for r in got['items'] if r['id'] == duty['id'])['status'] == 'confirmed'
        width = d.execute_script('return document.documentElement.scrollWidth')
        assert width <= 375, 'the duties page is %d px wide' % width
        c.shot(d, 'member-phone.png')
        # record a visit in the duty's room
        clickable(d, '#nav a[data-page="record"]').click()
        f = css(d, '#visit-form')
        Select(f.find_element(By.NAME, 'workroom_id')).select_by_value(duty['workroom_id'])
        Select(f.find_element(By.NAME, 'category')).select_by_value('transport')
        me = f.find_element(By.CSS_SELECTOR, '#member-choices input[value="%s"]' % duty['member_id'])
        assert me.is_selected()
        summary = '手机端记录：路口红绿灯时间太短 %d' % os.getpid()
        f.find_element(By.NAME, 'summary').send_keys(summary)
        f.find_element(By.NAME, 'visitor.phone').send_keys('13812345678')
        btn = f.find_element(By.CSS_SELECTOR, 'button[type=submit]')
        d.execute_script('arguments[0].scrollIntoView()', btn)
        btn.click()
        text_in(d, '#notice', '已记录')
        width = d.execute_script('return document.documentElement.scrollWidth')
        assert width <= 375, 'the visit form is %d px wide' % width
        log = c.api('GET', D + '/visits?workroom_id=' + duty['workroom_id'], user=username, want=200)['items']
        assert any(v['summary'] == summary and duty['member_id'] in v['member_ids'] for v in log)
    finally:
        d.quit()


def test_member_excuses_a_duty_and_copies_the_calendar_link(c):
    month = getattr(c, 'rota_month', None)
    assert month, 'needs the published rota of the rota test'
    rows = c.api('GET', D + '/rota?month=' + month, want=200)['items']
    mine = {}
    for r in rows:
        mine.setdefault(r['member_id'], []).append(r)
    duty = next(r for r in rows if r['status'] == 'published' and len(mine[r['member_id']]) == 1)
    username = 'member' + duty['member_id']
    d = c.desk
    login(d, c.stack.url, username)
    card = css(d, '.duty[data-rota-id="%s"]' % duty['id'])
    card.find_element(By.XPATH, './/summary[text()="请假"]').click()
    card.find_element(By.XPATH, './/button[text()="提交请假"]').click()
    text_in(d, '.duty[data-rota-id="%s"] .field-error[data-field="reason"]' % duty['id'], '必填')
    card.find_element(By.NAME, 'reason').send_keys('当天出差')
    card.find_element(By.XPATH, './/button[text()="提交请假"]').click()
    text_in(d, '#notice', '已请假')
    text_in(d, '.duty[data-rota-id="%s"] .status' % duty['id'], '已请假')
    got = c.api('GET', D + '/rota?month=%s&member_id=%s' % (month, duty['member_id']), want=200)['items']
    assert got[0]['status'] == 'excused' and got[0]['reason'] == '当天出差', got
    clickable(d, '#feed-make').click()
    wait(d, lambda dr: '/duties.ics?token=' in dr.find_element(By.ID, 'feed-url').get_attribute('value'))
    link = d.find_element(By.ID, 'feed-url').get_attribute('value')
    assert link.startswith(c.stack.url + D + '/members/%s/duties.ics?token=' % duty['member_id']), link
    status, headers, body = c.stack.call('GET', link[len(c.stack.url):], raw=True)   # no session
    assert status == 200 and body.startswith(b'BEGIN:VCALENDAR') and b'STATUS:CANCELLED' in body, (status, body[:200])
    logout(d)


def _member_report(c, member='member2', title=None):
    title = title or '关于优化永中街道路口信号灯配时的建议 %d' % os.getpid()
    r = c.api('POST', D + '/reports', {
        'title': title, 'category': 'transport', 'facts': '早晚高峰行人过街时间不足。',
        'analysis': '信号灯配时未随车流调整。', 'suggestions': '建议交警部门优化配时。'},
        user=member, want=201)
    c.api('POST', D + '/reports/%s/submit' % r['id'], {}, user=member, want=200)
    return r['id'], title


def _report_form_submit(d, event):
    form = css(d, 'form.action[data-event="%s"]' % event)
    form.find_element(By.CSS_SELECTOR, 'button[type=submit]').click()
    return form


def _open_report(c, d, user, title):
    login(d, c.stack.url, user)
    c.go(d, 'reports')
    if user == 'office':   # the office's list opens on 已报送; this report may be past it
        Select(css(d, '#page select[name=state]')).select_by_value('')
        old = d.find_elements(By.CSS_SELECTOR, '#report-list tbody tr')
        css(d, '#page form.filters button[type=submit]').click()
        if old:
            wait(d, EC.staleness_of(old[0]))
    wait(d, EC.element_to_be_clickable((By.LINK_TEXT, title))).click()
    visible(d, '#report-facts')


def test_member_writes_report_office_reviews_and_forwards(c):
    d = c.desk
    title = '关于优化永中街道路口信号灯配时的建议 %d' % os.getpid()
    # the member writes and submits it
    login(d, c.stack.url, 'member2')
    c.go(d, 'reports/new')
    f = css(d, '#report-form')
    f.find_element(By.NAME, 'title').send_keys(title)
    Select(f.find_element(By.NAME, 'category')).select_by_value('transport')
    f.find_element(By.NAME, 'facts').send_keys('早晚高峰行人过街时间不足，老人和学生难以一次通过。')
    f.find_element(By.NAME, 'analysis').send_keys('信号灯配时多年未随车流调整。')
    f.find_element(By.NAME, 'suggestions').send_keys('建议交警部门按高峰时段优化配时。')
    f.find_element(By.CSS_SELECTOR, 'button[type=submit]').click()
    text_in(d, '#report-facts', '草稿')
    _report_form_submit(d, 'submit')
    text_in(d, '#report-facts', '已报送')
    rid = d.current_url.rsplit('/', 1)[1]
    logout(d)
    # the office returns it with comments
    _open_report(c, d, 'office', title)
    form = css(d, 'form.action[data-event="return"]')
    form.find_element(By.NAME, 'comments').send_keys('请补充路口车流数据来源')
    form.find_element(By.CSS_SELECTOR, 'button[type=submit]').click()
    text_in(d, '#report-facts', '已退回')
    logout(d)
    # the member sees the comments and resubmits
    _open_report(c, d, 'member2', title)
    text_in(d, '#report-facts', '请补充路口车流数据来源')
    _report_form_submit(d, 'resubmit')
    text_in(d, '#report-facts', '已报送')
    logout(d)
    # the office accepts, forwards, records adoption and 批示, tells the authors
    _open_report(c, d, 'office', title)
    _report_form_submit(d, 'accept')
    text_in(d, '#report-facts', '已录用')
    form = css(d, 'form.action[data-event="forward"]')
    Select(form.find_element(By.NAME, 'forwarded_to')).select_by_value('government')
    form.find_element(By.CSS_SELECTOR, 'button[type=submit]').click()
    text_in(d, '#report-facts', '已转送')
    text_in(d, '#report-facts', '区政府')
    form = css(d, 'form.action[data-event="adopt"]')
    Select(form.find_element(By.NAME, 'level')).select_by_value('district')
    form.find_element(By.CSS_SELECTOR, 'button[type=submit]').click()
    text_in(d, '#report-facts', '区级')
    form = css(d, 'form.action[data-event="instruct"]')
    form.find_element(By.NAME, 'leader').send_keys('张副区长')
    form.find_element(By.NAME, 'text').send_keys('请交警大队研究落实。')
    form.find_element(By.CSS_SELECTOR, 'button[type=submit]').click()
    text_in(d, '#page', '张副区长：请交警大队研究落实。')
    _report_form_submit(d, 'tell-authors')
    text_in(d, '#report-facts', '已告知作者')
    r = c.api('GET', D + '/reports/' + rid, want=200)
    assert r['state'] == 'authors_told' and r['forwarded_to'] == 'government', r
    assert r['adopted'] and r['adopted_level'] == 'district' and len(r['instructions']) == 1, r
    assert r['comments'] == '请补充路口车流数据来源', r
    wanted = ['submit', 'return', 'resubmit', 'accept', 'forward', 'adopt', 'instruct', 'tell_authors']
    assert [x['event'] for x in r['log'] if x['event'] in wanted] == wanted, r['log']
    logout(d)


def test_keyboard_only_login_and_navigation(c):
    d = c.desk
    d.get(c.stack.url + '/')
    u = visible(d, '#login-form input[name=username]')
    u.click()
    u.send_keys('office', Keys.TAB, 'lianxin-demo', Keys.ENTER)
    visible(d, '#nav a')
    link = css(d, '#nav a[data-page="calendar"]')
    link.send_keys(Keys.ENTER)
    wait(d, lambda dr: dr.find_element(By.ID, 'page').get_attribute('data-page') == 'calendar')
    assert d.switch_to.active_element.get_attribute('id') == 'page', 'focus is not on the page after navigation'
    logout(d)


def test_office_grades_issue_overrides_and_exports_log(c):
    now = c.server_now()
    rooms = c.api('GET', D + '/workrooms', want=200)['items']
    room = rooms[0]
    visit = c.api('POST', D + '/visits', {
        'workroom_id': room['id'], 'received_at': now.replace(microsecond=0).isoformat(),
        'member_ids': room['member_ids'][:1], 'summary': '小区门口人行道被占用 %d' % os.getpid(),
        'category': 'urban_construction', 'visitor': {'name': '李四', 'phone': '13900001111'}},
        want=201)
    d = c.desk
    login(d, c.stack.url, 'office')
    c.go(d, 'log/' + visit['id'])
    f = css(d, 'form.grade-form')
    f.find_element(By.NAME, 'summary').send_keys('人行道被占用，需城管处理')
    Select(f.find_element(By.NAME, 'importance')).select_by_value('4')
    Select(f.find_element(By.NAME, 'difficulty')).select_by_value('2')
    f.find_element(By.CSS_SELECTOR, 'button[type=submit]').click()
    # class 2 needs a unit: the API's field error shows under the unit
    text_in(d, 'form.grade-form .field-error[data-field="unit_id"]', '必填')
    f = css(d, 'form.grade-form')
    Select(f.find_element(By.NAME, 'unit_id')).select_by_index(1)
    f.find_element(By.CSS_SELECTOR, 'button[type=submit]').click()
    text_in(d, '#notice', '已分级')
    issue = c.api('GET', D + '/issues?visit_id=' + visit['id'], want=200)['items'][0]
    assert issue['grade'] == 2 and issue['unit_id'], issue
    # the override, with its reason
    c.go(d, 'issues/' + issue['id'])
    f = css(d, '#override-form')
    Select(f.find_element(By.NAME, 'grade')).select_by_value('3')
    f.find_element(By.NAME, 'reason').send_keys('属社区内部事务，转工作室微协商')
    f.find_element(By.CSS_SELECTOR, 'button[type=submit]').click()
    text_in(d, '#notice', '已调整为')
    issue = c.api('GET', D + '/issues/' + issue['id'], want=200)
    assert issue['grade'] == 3 and issue['override_reason'] == '属社区内部事务，转工作室微协商', issue
    # the visitor in clear (audited) and the room's log as CSV
    c.go(d, 'log/' + visit['id'])
    clickable(d, '#page .heading button.plain').click()
    accept_confirm(d)
    text_in(d, '#page dl.facts', '李四 13900001111')
    out = os.path.join(c.stack.dir, 'downloads')
    os.makedirs(out, exist_ok=True)
    d.execute_cdp_cmd('Browser.setDownloadBehavior', {'behavior': 'allow', 'downloadPath': out})
    c.go(d, 'log')
    Select(css(d, '#page form.filters select[name=workroom_id]')).select_by_value(room['id'])
    next(b for b in d.find_elements(By.CSS_SELECTOR, '#page .heading button') if b.text == '导出 CSV').click()
    text_in(d, '#page .heading', '已下载')
    wait(d, lambda dr: [n for n in os.listdir(out) if n.endswith('.csv')])
    name = [n for n in os.listdir(out) if n.endswith('.csv')][0]
    with open(os.path.join(out, name), 'rb') as fh:
        data = fh.read()
    assert data.startswith(b'\xef\xbb\xbf') and '编号'.encode() in data and visit['id'].encode() in data, data[:200]
    assert '李四'.encode() not in data, 'the CSV without reveal must mask the visitor'
    logout(d)


def _canvas_ink(d, chart):
    return d.execute_script("""
        const cv = document.querySelector('#chart-' + arguments[0] + ' canvas');
        if (!cv) return -1;
        const g = cv.getContext('2d').getImageData(0, 0, cv.width, cv.height).data;
        let n = 0;
        for (let i = 3; i < g.length; i += 4) if (g[i] > 0) n++;
        return n;""", chart)


def test_chart_renders_seeded_data_and_numbers_match_api(c):
    now = c.server_now()
    _member_report(c, 'member3', '关于增设社区养老服务点的建议 %d' % os.getpid())
    period = '%d-Q%d' % (now.year, (now.month - 1) // 3 + 1)
    api = c.api('GET', D + '/reports/stats?by=member&period=' + period, user='leader', want=200)['items']
    assert api and sum(int(i['submitted']) for i in api) >= 1, api
    d = c.desk
    login(d, c.stack.url, 'leader')
    c.go(d, 'stats')
    wait(d, lambda dr: _canvas_ink(dr, 'reports') > 500, 20)
    wait(d, lambda dr: _canvas_ink(dr, 'visits') > 500, 20)
    box = css(d, '[data-chart="reports"]')
    box.find_element(By.CSS_SELECTOR, 'button[aria-controls="data-reports"]').click()
    table = visible(d, '#data-reports table')
    shown = [[td.text for td in tr.find_elements(By.TAG_NAME, 'td')]
             for tr in table.find_elements(By.CSS_SELECTOR, 'tbody tr')]
    want = [[str(i['rank']), i['name'] or i['key'], str(i['submitted']), str(i['accepted']),
             str(i['adopted']), str(i['instructions'])] for i in api]
    assert shown == want, 'table %s != API %s' % (shown, want)
    # visits: the monthly total of the table is the API's count of the month
    box = css(d, '[data-chart="visits"]')
    box.find_element(By.CSS_SELECTOR, 'button[aria-controls="data-visits"]').click()
    rows = visible(d, '#data-visits table').find_elements(By.CSS_SELECTOR, 'tbody tr')
    month = now.strftime('%Y-%m')
    row = next(tr for tr in rows if tr.find_element(By.TAG_NAME, 'td').text == month)
    total = int(row.find_elements(By.TAG_NAME, 'td')[-1].text)
    items, cursor = [], None
    while True:
        q = '&cursor=' + cursor if cursor else ''
        page = c.api('GET', D + '/visits?limit=100&from=%s-01&to=%s%s' % (month, now.strftime('%Y-%m-%d'), q),
                     user='leader', want=200)
        items += page['items']
        cursor = page['next_cursor']
        if not cursor:
            break
    assert total == len(items) and total >= 1, (total, len(items))
    logout(d)


def test_field_error_shows_next_to_its_field(c):
    d = c.desk
    login(d, c.stack.url, 'office')
    c.go(d, 'record')
    f = css(d, '#visit-form')
    Select(f.find_element(By.NAME, 'workroom_id')).select_by_index(1)
    Select(f.find_element(By.NAME, 'category')).select_by_value('education')
    f.find_element(By.CSS_SELECTOR, '#member-choices input').click()
    f.find_element(By.NAME, 'visitor.phone').send_keys('abc')
    f.find_element(By.CSS_SELECTOR, 'button[type=submit]').click()
    text_in(d, '.field-error[data-field="summary"]', '必填')
    box = d.find_element(By.CSS_SELECTOR, '.field-error[data-field="summary"]').find_element(By.XPATH, '..')
    assert box.find_element(By.NAME, 'summary').get_attribute('aria-invalid') == 'true'
    assert d.find_element(By.CSS_SELECTOR, '.field-error[data-field="workroom_id"]').text == ''
    # a row of the calendar: a make-up working day on a weekday is refused in that row
    c.go(d, 'calendar')
    year = int(css(d, '#calendar-year').get_attribute('value'))
    day = next(date(year, 3, k) for k in range(2, 9) if date(year, 3, k).weekday() == 2)   # a Wednesday
    rows = len(d.find_elements(By.CSS_SELECTOR, '#calendar-form tr.day-row'))
    clickable(d, '#calendar-add').click()
    row = wait(d, lambda dr: len(dr.find_elements(By.CSS_SELECTOR, '#calendar-form tr.day-row')) == rows + 1
               and dr.find_elements(By.CSS_SELECTOR, '#calendar-form tr.day-row')[-1])
    d.execute_script("arguments[0].value = arguments[1]", row.find_element(By.CSS_SELECTOR, 'input[type=date]'), day.isoformat())
    Select(row.find_element(By.TAG_NAME, 'select')).select_by_value('workday')
    css(d, '#calendar-form button[type=submit]').click()
    slot = '#calendar-form .field-error[data-field="days[%d].kind"]' % rows
    text_in(d, slot, '调休上班日只能是周六或周日')
    assert row.find_element(By.TAG_NAME, 'select').get_attribute('aria-invalid') == 'true'
    logout(d)


def test_office_dashboard(c):
    d = c.desk
    login(d, c.stack.url, 'office')
    assert d.find_element(By.ID, 'page').get_attribute('data-page') == 'today'
    tiles = {t.get_attribute('data-tile'): t.find_element(By.CSS_SELECTOR, '.tile-n').text
             for t in d.find_elements(By.CSS_SELECTOR, '#today-tiles .tile')}
    n = len(c.api('GET', D + '/reports?state=submitted&limit=100', want=200)['items'])
    assert tiles.get('reports-submitted') == str(n), (tiles, n)
    c.shot(d, 'office-dashboard.png')
    logout(d)


def _proposal_state(d):
    try:
        return d.find_element(By.CSS_SELECTOR, '#proposal-facts dd[data-key="状态"]').text
    except (StaleElementReferenceException, NoSuchElementException):
        return None


def _proposal_action(d, event):
    return css(d, '.proposal-actions form[data-event="%s"]' % event)


def test_member_drafts_office_assigns_member_gives_verdict(c):
    d = c.desk
    title = '关于完善社区托育服务的提案 %d' % os.getpid()
    # the member drafts and submits in the console
    login(d, c.stack.url, 'member1')
    c.go(d, 'proposals')
    clickable(d, '#proposal-new').click()
    f = css(d, '#proposal-form')
    f.find_element(By.CSS_SELECTOR, 'button[type=submit]').click()
    text_in(d, '#proposal-form .field-error[data-field="title"]', '必填')
    f.find_element(By.NAME, 'title').send_keys(title)
    Select(f.find_element(By.NAME, 'category')).select_by_value('education')
    f.find_element(By.NAME, 'reasons').send_keys('社区托育服务供给不足，双职工家庭接送困难。')
    f.find_element(By.NAME, 'measures').send_keys('一、在新建小区配建托育点；二、给予普惠托育机构运营补贴。')
    f.find_element(By.CSS_SELECTOR, 'button[type=submit]').click()
    wait(d, lambda dr: _proposal_state(dr) == '草稿')
    pid = d.current_url.rsplit('/', 1)[1]
    _proposal_action(d, 'submit').find_element(By.TAG_NAME, 'button').click()
    wait(d, lambda dr: _proposal_state(dr) == '待审查')
    logout(d)
    # the office accepts and assigns it
    unit = c.api('GET', '/v1/me', user='unit1head', want=200)['unit_id']
    login(d, c.stack.url, 'office')
    c.go(d, 'proposals/' + pid)
    _proposal_action(d, 'accept').find_element(By.TAG_NAME, 'button').click()
    wait(d, lambda dr: _proposal_state(dr) == '已立案')
    number = css(d, '#proposal-facts dd[data-key="编号"]').text
    year = c.server_now().year
    assert number.startswith('%d-' % year) and len(number) == 9, number
    a = _proposal_action(d, 'assign')
    a.find_element(By.CSS_SELECTOR, 'button[type=submit]').click()
    text_in(d, '.proposal-actions form[data-event="assign"] .field-error[data-field="lead_unit_id"]', '必填')
    a = _proposal_action(d, 'assign')
    Select(a.find_element(By.NAME, 'lead_unit_id')).select_by_value(unit)
    a.find_element(By.NAME, 'leader').send_keys('王副区长')
    a.find_element(By.CSS_SELECTOR, 'button[type=submit]').click()
    wait(d, lambda dr: _proposal_state(dr) == '办理中')
    got = c.api('GET', D + '/proposals/' + pid, want=200)
    assert got['state'] == 'assigned' and got['lead_unit_id'] == unit and got['due_date'], got
    assert css(d, '#proposal-facts dd[data-key="答复期限"]').text == got['due_date']
    logout(d)
    # the unit's head replies (B: a promise with a date)
    promised = (c.server_now() + timedelta(days=30)).date().isoformat()
    c.api('POST', D + '/proposals/%s/reply' % pid, {'class': 'b', 'text': '已列入明年民生实事项目。',
                                                    'promised_date': promised}, user='unit1head', want=200)
    # only the proposer gives the verdict, in the console
    login(d, c.stack.url, 'member1')
    c.go(d, 'proposals/' + pid)
    wait(d, lambda dr: _proposal_state(dr) == '已答复')
    v = _proposal_action(d, 'verdict')
    Select(v.find_element(By.NAME, 'verdict')).select_by_value('unsatisfied')
    v.find_element(By.CSS_SELECTOR, 'button[type=submit]').click()
    text_in(d, '.proposal-actions form[data-event="verdict"] .field-error[data-field="reasons"]', '必填')
    v = _proposal_action(d, 'verdict')
    Select(v.find_element(By.NAME, 'verdict')).select_by_value('satisfied')
    v.find_element(By.CSS_SELECTOR, 'button[type=submit]').click()
    wait(d, lambda dr: _proposal_state(dr) == '已办结')
    got = c.api('GET', D + '/proposals/' + pid, want=200)
    assert got['state'] == 'closed' and got['verdict'] == 'satisfied', got
    # the print view: the proposal with its reply, on one A4 sheet
    clickable(d, '#proposal-print-link').click()
    text_in(d, '#print-sheet', number)
    text_in(d, '#print-sheet', '已列入明年民生实事项目。')
    text_in(d, '#print-sheet', promised)
    logout(d)
    # the office's rates count it for the unit
    login(d, c.stack.url, 'office')
    c.go(d, 'proposal-rates')
    row = css(d, 'tr.rate-row[data-unit-id="%s"]' % unit)
    api = next(u for u in c.api('GET', D + '/units/rates?year=%d' % year, want=200)['items'] if u['unit_id'] == unit)
    cells = [td.text for td in row.find_elements(By.TAG_NAME, 'td')]
    assert cells[1] == str(api['assigned']) and cells[2] == str(api['replied']) and int(cells[1]) >= 1, (cells, api)
    logout(d)


def _with_key(c, key, path):
    """The status of GET path with an API key (X-Api-Key), no session."""
    req = urllib.request.Request(c.stack.url + path, headers={'X-Api-Key': key})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def _user_row(d, username):
    return css(d, '#user-list tr.user-row[data-username="%s"]' % username)


def _feed_rows(d, member_name):
    """The calendar-link rows of a member, or None while the list is being redrawn."""
    try:
        return [r for r in d.find_elements(By.CSS_SELECTOR, '#feed-tokens tr.feed-row')
                if r.find_element(By.TAG_NAME, 'td').text == member_name]
    except StaleElementReferenceException:
        return None


def _user_state(d, username):
    """The row's 状态, or None while the list is being redrawn."""
    try:
        return _user_row(d, username).find_element(By.CSS_SELECTOR, '.user-state').text
    except StaleElementReferenceException:
        return None


def test_office_manages_users_keys_and_feed_links(c):
    d = c.desk
    name = 'm%d' % (int(time.time() * 1000) % 10**9)
    login(d, c.stack.url, 'office')
    c.go(d, 'users')
    f = css(d, '#user-create')
    f.find_element(By.NAME, 'username').send_keys(name)
    f.find_element(By.NAME, 'display_name').send_keys('新委员')
    Select(f.find_element(By.NAME, 'role')).select_by_value('member')
    f.find_element(By.NAME, 'password').send_keys('short')
    f.find_element(By.CSS_SELECTOR, 'button[type=submit]').click()
    text_in(d, '#user-create .field-error[data-field="password"]', '过短')
    # office may not create office or admin accounts: the list offers neither
    roles = [o.get_attribute('value') for o in f.find_element(By.NAME, 'role').find_elements(By.TAG_NAME, 'option')]
    assert 'office' not in roles and 'admin' not in roles, roles
    pw = f.find_element(By.NAME, 'password')
    pw.clear()
    pw.send_keys('Lianxin-2026-start')
    f.find_element(By.CSS_SELECTOR, 'button[type=submit]').click()
    row = _user_row(d, name)
    assert row.find_element(By.CSS_SELECTOR, '.user-state').text == '正常'
    assert c.stack.call('POST', '/v1/sessions', {'username': name, 'password': 'Lianxin-2026-start'})[0] == 201
    # disabled: the login is refused; enabled again: it works
    row.find_element(By.CSS_SELECTOR, '.user-toggle').click()
    wait(d, lambda dr: _user_state(dr, name) == '已停用')
    assert c.stack.call('POST', '/v1/sessions', {'username': name, 'password': 'Lianxin-2026-start'})[0] != 201
    _user_row(d, name).find_element(By.CSS_SELECTOR, '.user-toggle').click()
    wait(d, lambda dr: _user_state(dr, name) == '正常')
    # an API key, shown once, works until it is revoked
    _user_row(d, name).find_element(By.CSS_SELECTOR, '.user-keys-open').click()
    k = css(d, '#user-panel form.key-create')
    k.find_element(By.NAME, 'name').send_keys('对接系统')
    k.find_element(By.CSS_SELECTOR, 'button[type=submit]').click()
    key = visible(d, '#user-panel .key-value').text
    assert len(key) > 20, key
    assert _with_key(c, key, '/v1/me') == 200
    css(d, '#user-panel tr.key-row button').click()
    accept_confirm(d)
    text_in(d, '#user-panel tr.key-row', '已吊销')
    assert _with_key(c, key, '/v1/me') == 401
    # a member's calendar link, listed and revoked here, stops working
    me = c.api('GET', '/v1/me', user='member1', want=200)
    mname = next(m['name'] for m in c.api('GET', D + '/members', want=200)['items'] if m['id'] == me['member_id'])
    feed = c.api('POST', D + '/members/%s/feed-token' % me['member_id'], {}, user='member1', want=201)['url']
    d.refresh()   # the same #/users: a reload draws the page again
    c.go(d, 'users')
    row = wait(d, lambda dr: _feed_rows(dr, mname))[0]
    row.find_element(By.TAG_NAME, 'button').click()
    wait(d, lambda dr: _feed_rows(dr, mname) == [])
    status, _, _ = c.stack.call('GET', feed[feed.index('/v1/'):], raw=True)
    assert status == 401, status
    # a reset password is changed at the next login before anything else
    _user_row(d, name).find_element(By.CSS_SELECTOR, '.user-reset-open').click()
    r = css(d, '#user-panel form.user-reset')
    r.find_element(By.NAME, 'password').send_keys('Reset-by-office-1')
    r.find_element(By.CSS_SELECTOR, 'button[type=submit]').click()
    wait(d, lambda dr: not dr.find_elements(By.CSS_SELECTOR, '#user-panel form.user-reset'))
    logout(d)
    login(d, c.stack.url, name, 'Reset-by-office-1')
    assert nav_pages(d) == ['account'], nav_pages(d)
    visible(d, '#password-expired')
    f = css(d, '#password-form')
    f.find_element(By.NAME, 'current_password').send_keys('Reset-by-office-1')
    f.find_element(By.NAME, 'new_password').send_keys(name)
    f.find_element(By.NAME, 'confirm').send_keys(name)
    f.find_element(By.CSS_SELECTOR, 'button[type=submit]').click()
    wait(d, lambda dr: dr.find_element(By.CSS_SELECTOR, '#password-form .field-error[data-field="new_password"]').text)
    for n in ('new_password', 'confirm'):
        e = f.find_element(By.NAME, n)
        e.clear()
        e.send_keys('Chosen-by-member-7')
    f.find_element(By.CSS_SELECTOR, 'button[type=submit]').click()
    wait(d, lambda dr: nav_pages(dr) == EXPECTED_PAGES['member1'])
    logout(d)


def test_admin_sees_districts_and_verifies_the_audit_chain(c):
    d = c.desk
    login(d, c.stack.url, 'admin')
    c.go(d, 'system')
    codes = [r.find_element(By.TAG_NAME, 'td').text for r in d.find_elements(By.CSS_SELECTOR, 'tr.district-row')]
    api_codes = [x['code'] for x in c.api('GET', '/v1/districts', user='admin', want=200)['items']]
    assert codes == api_codes and '330303' in codes, (codes, api_codes)
    clickable(d, '#audit-verify').click()
    text_in(d, '#audit-result', '审计链完整')
    # the run is recorded: the page shows it as the last one
    c.go(d, 'inbox')
    c.go(d, 'system')
    text_in(d, '#audit-last', '由 admin 发起，结果：完整')
    # the admin works on a district's users from here
    c.go(d, 'users')
    wait(d, lambda dr: dr.find_elements(By.CSS_SELECTOR, '#user-list tr.user-row[data-username="office"]'))
    logout(d)


TESTS = [
    test_roles_see_only_their_pages,
    test_office_generates_publishes_rota_and_sees_conflict,
    test_member_confirms_duty_and_records_visit_at_375px,
    test_member_excuses_a_duty_and_copies_the_calendar_link,
    test_member_writes_report_office_reviews_and_forwards,
    test_office_grades_issue_overrides_and_exports_log,
    test_chart_renders_seeded_data_and_numbers_match_api,
    test_field_error_shows_next_to_its_field,
    test_keyboard_only_login_and_navigation,
    test_office_dashboard,
    test_member_drafts_office_assigns_member_gives_verdict,
    test_office_manages_users_keys_and_feed_links,
    test_admin_sees_districts_and_verifies_the_audit_chain,
]


def _start(c):
    if os.environ.get('LIANXIN_TEST_CLOCK'):
        print('browser: LIANXIN_TEST_CLOCK is not applied here: the console and these tests run at the real time')
    c.stack = Stack().start()
    c.desk = new_driver(1280, 900)


def _after_failure(c, name):
    logs = severe_logs(c.desk)
    if logs:
        print('browser console: ' + ' | '.join(logs[-5:]))
    try:
        c.desk.save_screenshot(os.path.join(c.stack.dir, name + '.png'))
        print('browser: screenshot of the failure in %s' % c.stack.dir)
    except Exception:   # noqa: BLE001
        pass
    c.stack.failed = True
    try:
        c.desk.get(c.stack.url + '/')
        c.desk.execute_script('sessionStorage.clear()')
    except Exception:   # noqa: BLE001
        pass


def _stop(c):
    if c.desk:
        c.desk.quit()
    if c.stack:
        c.stack.stop()


def main():
    # run.sh's time limit sends SIGTERM: unwind, so that the stack is stopped
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    names = sys.argv[1:]
    tests = [t for t in TESTS if not names or t.__name__ in names]
    return run_tests(tests, Ctx(), _start, _after_failure, _stop)


if __name__ == '__main__':
    sys.exit(main())
