/* 督查督办 (office, leader, admin; a unit sees its own items): the ladder
 * view: every open item in its column 登记 / 催办 / 跟办 / 督办 with its unit,
 * due date and overdue working days; the figures per unit as a chart with
 * its numbers and CSV; one item with its timeline and the forms the machine
 * allows (answer: the unit; return, close, reopen, refer: the office).
 *   GET /items?state=&step=, GET /items/{id}, GET /items/figures(.csv),
 *   GET /items.csv, POST /items/{id}/{answer|return|close|reopen|refer}. */

import { api, dpath } from '../api.js';
import { checkinPage } from './checkin.js';
import { el, field, heading, card, table, download, notice, conflictText, transitionForm, busy } from '../ui.js';
import { chartCard } from './stats.js';

const STEP = { registered: '登记', urged: '催办', followed: '跟办', supervised: '督办' };
const STATE = { open: '办理中', answered: '已答复', closed: '已办结' };
const SOURCE = { proposal: '提案办理', lookback: '提案承诺', issue: '来访问题', outcome: '协商成果', letter: '监督建议书', milestone: '整改节点' };
const EVENT = { answer: '答复', return: '退回重办', close: '确认办结', reopen: '重新督办', refer: '移送', lookback: '安排回头看', lookback_result: '回头看结果' };
const PARTNER = [['discipline', '区纪委监委'], ['government', '区政府督查室']];
const REASON = [['research', '再调研'], ['consult', '再协商'], ['supervise', '再监督']];

const I = (id, rest) => dpath('/items/' + encodeURIComponent(id) + (rest || ''));
const stateText = (e) => conflictText(e, 'item', '督办事项', STATE, EVENT);

async function allOpen() {
  const out = [];
  let cursor = null;
  do {
    const p = new URLSearchParams({ state: 'open', limit: '100' });
    if (cursor) p.set('cursor', cursor);
    const r = await api.get(dpath('/items?' + p));
    out.push(...r.items);
    cursor = r.next_cursor;
  } while (cursor && out.length < 1000);
  return out;
}

function ladderBoard(items, ctx) {
  const cols = Object.entries(STEP).map(([step, name]) => {
    const mine = items.filter((i) => i.step === step);
    return el('section', { class: 'card ladder-col', 'data-step': step },
      el('h3', {}, name + '（' + mine.length + '）'),
      mine.length ? el('ul', { class: 'plain-list' }, mine.map((i) => el('li', { 'data-item-id': i.id },
        el('a', { href: '#/supervise/' + i.id }, i.title),
        el('div', { class: 'meta' }, (i.unit_name || ctx.unitName(i.unit_id)) + ' · 期限 ' + i.due_date +
          (i.overdue_workdays ? ' · 超期 ' + i.overdue_workdays + ' 个工作日' : ''))))) :
        el('p', { class: 'empty' }, '暂无'));
  });
  return el('div', { class: 'ladder', id: 'ladder' }, cols);
}

async function figuresCard(root) {
  const c = chartCard('supervise-units', '各单位督办事项', (status) => download(dpath('/items/figures.csv'), '督办统计.csv', status));
  root.append(c.box);
  const r = await api.get(dpath('/items/figures'));
  const rows = r.items;
  const names = rows.map((x) => x.name);
  c.setTable(['责任单位', '在办', '超期', '登记', '催办', '跟办', '督办', '已办结', '平均办结工作日'],
    rows.map((x) => [x.name, x.open, x.overdue, x.registered, x.urged, x.followed, x.supervised, x.closed,
      x.avg_workdays_to_close == null ? '' : x.avg_workdays_to_close]));
  await c.draw({
    tooltip: { trigger: 'axis', renderMode: 'richText' }, legend: { top: 0 },
    grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: names, axisLabel: { interval: 0, rotate: 30 } },
    yAxis: { type: 'value', minInterval: 1 },
    series: Object.entries(STEP).map(([k, n]) => ({ name: n, type: 'bar', stack: 'open', data: rows.map((x) => x[k]) }))
      .concat([{ name: '超期', type: 'line', data: rows.map((x) => x.overdue) }]),
    animation: false,
  });
}

async function itemPage(root, ctx, id) {
  const it = await api.get(I(id));
  const office = ctx.is('office', 'admin');
  const out = [];
  const act = (event, label, fields, build) => out.push(transitionForm(I(it.id, '/' + event.replace('_', '-')),
    event, label, fields, build, () => ctx.go('supervise', it.id), stateText));
  const text = (name, label) => field(name, label, el('textarea', { rows: 2 }));
  const sel = (name, label, opts) => field(name, label, el('select', { name }, opts.map(([v, l]) => el('option', { value: v }, l))));
  if (it.state === 'open' && (ctx.is('unit') || office)) act('answer', '答复', [text('text', '办理情况')], (e) => ({ text: e.text.value.trim() || null }));
  if (it.state === 'answered' && office) {
    act('close', '确认办结', [text('note', '意见')], (e) => ({ note: e.note.value.trim() }));
    act('return', '退回重办', [text('note', '理由')], (e) => ({ note: e.note.value.trim() }));
  }
  if (it.state === 'closed' && office) {
    act('reopen', '重新督办', [sel('reason', '方式', REASON), field('due_date', '新期限', el('input', { type: 'date', name: 'due_date' }))],
      (e) => ({ reason: e.reason.value, due_date: e.due_date.value || null }));
  }
  if (it.state === 'open' && it.step === 'supervised' && office) {
    act('refer', '移送', [sel('partner', '移送单位', PARTNER), text('summary', '移送说明（不含个人信息）')],
      (e) => ({ partner: e.partner.value, summary: e.summary.value.trim() || null }));
  }
  root.append(heading(it.title, el('a', { href: '#/supervise', class: 'button plain' }, '返回督办')),
    card(el('dl', { class: 'facts', id: 'item-facts' },
      el('dt', {}, '来源'), el('dd', {}, (SOURCE[it.source] || it.source) + ' ' + (it.source_ref || '')),
      el('dt', {}, '责任单位'), el('dd', {}, it.unit_name || ctx.unitName(it.unit_id)),
      el('dt', {}, '责任领导'), el('dd', {}, it.leader || '—'),
      el('dt', {}, '办理期限'), el('dd', {}, it.due_date),
      el('dt', {}, '状态'), el('dd', { id: 'item-state' }, STATE[it.state] + ' · ' + STEP[it.step]),
      el('dt', {}, '超期'), el('dd', {}, it.overdue_workdays ? it.overdue_workdays + ' 个工作日' : '未超期'))),
    card(el('h3', {}, '督办记录'), table(['时间', '环节', '经办'], it.timeline.map((l) =>
      el('tr', {}, el('td', { class: 'nowrap' }, l.at.slice(0, 16).replace('T', ' ')),
        el('td', {}, (EVENT[l.event] || STEP[l.event] || { registered: '登记', updated: '更新', answered: '答复', reopened: '重新督办' }[l.event] || l.event) + (l.note ? '：' + l.note : '')),
        el('td', {}, l.role === 'system' ? '系统' : l.role))))),
    out.length ? card(el('h3', {}, '办理'), ...out) : null);
}

export default {
  id: 'supervise',
  title: '督查督办',
  roles: ['office', 'leader', 'admin', 'unit'],
  async render(root, ctx, arg) {
    if (arg) return itemPage(root, ctx, arg);
    const items = await allOpen();
    root.append(heading(ctx.is('unit') ? '本单位督办事项' : '督查督办',
      ctx.is('unit') ? null : el('button', { type: 'button', class: 'plain', id: 'items-csv', onclick: () => download(dpath('/items.csv'), '督办事项.csv') }, '导出 CSV')),
    ladderBoard(items, ctx));
    /* the chart is drawn once the page is attached (after render) */
    if (!ctx.is('unit')) figuresCard(root).catch((e) => notice(e.message, true));
  },
};

/* 监督活动签到 (a member, opened by the activity's QR code, not in the menu):
 * the token "<activity id>.<expiry>.<mac>" names its activity; a refusal
 * shows the server's reason (no form to mark).
 *   POST /supervision/activities/{id}/checkin {token}. */
export const activityCheckinPage = checkinPage('activity-checkin', '监督活动签到',
  (id) => dpath('/supervision/activities/' + encodeURIComponent(id) + '/checkin'));
