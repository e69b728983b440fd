/* 今日工作 (office, admin): what waits for the office today, each count a
 * link to the page where it is done. Reads only: GET /reports?state=,
 * GET /issues?status=open, GET /rota?month= (drafts), GET /inbox?unread=true. */

import { api, dpath, today } from '../api.js';
import { el, heading, weekday } from '../ui.js';
import { nextMonth } from './rota.js';

async function count(path) {
  const r = await api.get(dpath(path));
  return { n: r.items.length, more: !!r.next_cursor, items: r.items };
}

export default {
  id: 'today',
  title: '今日工作',
  roles: ['office', 'admin'],
  async render(root, ctx) {
    const day = today();
    const month = day.slice(0, 7);
    const [submitted, accepted, forwarded, issues, rotaNow, rotaNext, unread] = await Promise.all([
      count('/reports?state=submitted&limit=100'),
      count('/reports?state=accepted&limit=100'),
      count('/reports?state=forwarded&limit=100'),
      api.get(dpath('/issues?status=open')),
      api.get(dpath('/rota?month=' + month)),
      api.get(dpath('/rota?month=' + nextMonth(month))),
      count('/inbox?unread=true&limit=100'),
    ]);
    const open = issues.items;
    const overdue = open.filter((i) => i.due_on && i.due_on < day);
    const dueToday = open.filter((i) => i.due_on === day);
    const drafts = [...rotaNow.items, ...rotaNext.items].filter((x) => x.status === 'draft');
    const draftMonths = [...new Set(drafts.map((x) => x.month))];
    const onDuty = rotaNow.items.filter((x) => x.duty_date === day && x.status !== 'excused');
    const n = (c) => (c.more ? '100+' : String(c.n));
    const tile = (id, label, value, href, warn) => el('a', { class: 'tile' + (warn ? ' warn' : ''), href, 'data-tile': id },
      el('span', { class: 'tile-n' }, value), el('span', { class: 'tile-label' }, label));
    root.append(
      heading('今日工作 · ' + day + ' ' + weekday(day)),
      el('div', { class: 'tiles', id: 'today-tiles' },
        tile('reports-submitted', '待审核的社情民意', n(submitted), '#/reports', submitted.n > 0),
        tile('reports-accepted', '已录用待转送', n(accepted), '#/reports', false),
        tile('reports-forwarded', '已转送待记录采用/告知', n(forwarded), '#/reports', false),
        tile('issues-overdue', '逾期未办结诉求', String(overdue.length), '#/issues', overdue.length > 0),
        tile('issues-today', '今日到期诉求', String(dueToday.length), '#/issues', dueToday.length > 0),
        tile('issues-open', '办理中诉求（可调整分级）', String(open.length), '#/issues', false),
        tile('rota-drafts', '待发布的值班草案', String(drafts.length), '#/rota' + (draftMonths[0] ? '/' + draftMonths[0] : ''), drafts.length > 0),
        tile('inbox-unread', '未读消息', n(unread), '#/inbox', false)),
      el('section', { class: 'card' }, el('h3', {}, '今日值班'),
        onDuty.length ? el('ul', { class: 'plain-list' }, onDuty.map((x) => el('li', {}, x.workroom_name + '：' + x.member_name +
          '（' + ({ published: '未确认', confirmed: '已确认' }[x.status] || x.status) + '）')))
          : el('p', { class: 'empty' }, '今天没有工作室接待')),
      overdue.length ? el('section', { class: 'card' }, el('h3', {}, '逾期诉求'),
        el('ul', { class: 'plain-list' }, overdue.slice(0, 10).map((i) => el('li', {},
          el('a', { href: '#/issues/' + i.id }, i.summary), ' · 期限 ' + i.due_on + (i.unit_name ? ' · ' + i.unit_name : ''))))) : '');
  },
};
