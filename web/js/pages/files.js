/* 履职档案 (member files, lianxin-assess): a member's own file of a year with
 * every act and its source and what the five ones still miss; the office's
 * view of every file, the flagged members, the published snapshots and the
 * CSV; a liaison group's six at least; the office's meetings with leave and
 * the QR check-in; the print views (one member's file, a bulletin), A4.
 *   GET /assess/my-file, /assess/files[/{id}|.csv], /assess/flagged,
 *   /assess/groups[/{id}] (PUT …/contact), /assess/snapshots[/{id}], /meetings[/{id}];
 *   POST /meetings, /meetings/{id}/leave[/decide], /attendance, /checkin-code,
 *   /checkin, /assess/snapshots. */

import { api, dpath, today, nowLocal } from '../api.js';
import { checkinPage as meetingCheckin } from './checkin.js';
import { el, notice, field, input, select, busy, heading, card, table, download, showTime, toRfc3339, formError } from '../ui.js';

export const KIND = {
  plenary: '全会', standing: '常委会议', consultation: '协商活动', supervision: '民主监督活动',
  inspection: '视察', research: '调研', training: '培训', deed: '为民办实事',
  group_activity: '联络组活动', research_report: '调研报告', practical_project: '实事项目',
  proposal_lead: '提案（领衔）', proposal_joint: '提案（联名）', report: '社情民意信息',
  report_adopted: '社情民意被采用', duty: '工作室值班', visit: '接待来访', suggestion: '意见建议',
};
const STATUS = { done: '已完成', present: '出席', absent: '缺席', leave: '请假', invited: '待签到' };
const LEAVE = { '': '', asked: '请假待批', approved: '请假已批准', refused: '请假未批准' };
const MEETING_KINDS = ['plenary', 'standing', 'inspection', 'research', 'training', 'deed', 'group_activity',
  'research_report', 'practical_project'].map((k) => [k, KIND[k]]);
const SNAP = { quarter: '季度履职统计', half: '半年履职通报', year: '年度履职排名' };
const VERDICT = { met: '达标', missed: '未达标', open: '进行中' };

let echartsPromise = null;
function charts() {
  if (!echartsPromise) echartsPromise = import('../../vendor/echarts.esm.min.js').catch(() => null);
  return echartsPromise;
}

/* A horizontal bar chart of {label: n} into a new box; the numbers stay in the page. */
function barBox(id, title, pairs) {
  const box = el('div', { class: 'chart', id, role: 'img', 'aria-label': title });
  charts().then(async (echarts) => {
    if (!echarts || !pairs.length) { box.replaceChildren(el('p', { class: 'meta' }, pairs.length ? '图表组件未安装，数据见表格。' : '暂无数据')); return; }
    while (!box.isConnected || !box.clientWidth) await new Promise((r) => setTimeout(r, 50));
    const chart = echarts.init(box, null, { renderer: 'canvas' });
    chart.setOption({
      grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true }, animation: false,
      tooltip: { trigger: 'axis', renderMode: 'richText' },
      yAxis: { type: 'category', data: pairs.map((p) => p[0]), inverse: true },
      xAxis: { type: 'value', minInterval: 1 },
      series: [{ type: 'bar', data: pairs.map((p) => p[1]), label: { show: true, position: 'right' } }],
    });
    window.addEventListener('resize', () => chart.resize());
  });
  return el('section', { class: 'card chart-card' }, el('h3', {}, title), box);
}

function yearPicker(value, onChange) {
  const y = input({ type: 'number', min: 2000, max: 9999, value, id: 'file-year', 'aria-label': '年份' });
  y.addEventListener('change', () => onChange(y.value));
  return field('year', '年份', y);
}

/* The console's link to an act's source, when the console has a page for it. */
function sourceLink(a) {
  const to = { proposal: '#/proposals/', report: '#/reports/', meeting: '#/meeting/' }[a.source];
  return to ? el('a', { href: to + a.source_id }, a.title || '查看') : (a.title || '—');
}

function fiveList(f) {
  if (!f.five) return el('p', { class: 'meta', id: 'five-none' }, '本年度尚无履职记录，“五个一”均未完成。');
  return el('ul', { class: 'five', id: 'five-list' }, f.five.map((n) => el('li', { class: n.count >= n.min ? 'ok' : 'error', 'data-key': n.key },
    (n.count >= n.min ? '✓ ' : '✗ ') + n.label + '（' + n.count + '/' + n.min + '）' + (n.count >= n.min ? '' : ' — 尚未完成'))));
}

/* One member's file: summary, five ones, chart, acts, meetings. */
async function showFile(root, ctx, path, year, member) {
  const f = await api.get(path + '?year=' + year);
  const counts = Object.entries(f.counts || {}).map(([k, n]) => [KIND[k] || k, n]);
  const missing = f.missing === null || f.missing === undefined ? 5 : f.missing;
  const acts = table(['日期', '类别', '情况', '事项'], f.acts.map((a) => el('tr', {},
    el('td', {}, a.date), el('td', {}, KIND[a.kind] || a.kind), el('td', {}, STATUS[a.status] || a.status), el('td', {}, sourceLink(a)))), 'acts');
  const meetings = table(['时间', '会议活动', '出勤', '请假', ''], f.meetings.map((m) => el('tr', {},
    el('td', {}, showTime(m.starts_at).slice(0, 16)), el('td', {}, el('a', { href: '#/meeting/' + m.meeting_id }, (KIND[m.kind] || m.kind) + '：' + m.title)),
    el('td', {}, STATUS[m.status] || m.status), el('td', {}, LEAVE[m.leave] || ''),
    el('td', {}, member && m.status === 'invited' && (m.leave === '' || m.leave === 'refused') ? leaveButton(m.meeting_id) : ''))));
  root.append(
    card(el('div', { class: 'file-summary', id: 'file-summary' },
      el('p', {}, el('strong', {}, f.name), ' · ', f.year + ' 年度', f.group ? ' · ' + f.group : ''),
      el('p', {}, '积分 ', el('strong', { id: 'file-points' }, String(f.points)), ' · “五个一”', missing === 0
        ? el('span', { class: 'ok', id: 'file-pass' }, '已全部完成') : el('span', { class: 'error', id: 'file-missing' }, '还差 ' + missing + ' 项')),
      el('p', {}, '无故缺席全会 ' + f.plenary_absences + ' 次，其他活动 ' + f.activity_absences + ' 次',
        f.flagged ? el('span', { class: 'badge', id: 'file-flagged' }, '已提请领导审议') : '')),
    el('h3', {}, '五个一'), fiveList(f)),
    barBox('file-chart', '各类履职次数', counts),
    el('h3', {}, '履职记录'), f.acts.length ? acts : el('p', { class: 'empty' }, '暂无记录'),
    el('h3', {}, '会议活动'), f.meetings.length ? meetings : el('p', { class: 'empty' }, '暂无会议活动'),
    el('p', { class: 'buttons' }, el('a', { class: 'button plain', href: '#/file-print/' + f.member_id + ':' + f.year, id: 'file-print-link' }, '打印一人一档'),
      groupLink(f, member)));
}

/* The six at least of a group: a member sees those of the group they are
 * the contact of (联络人); the office any member's group. */
function groupLink(f, member) {
  const g = member ? f.contact_of : f.group_id;
  return g ? el('a', { class: 'button plain', id: 'file-group-link', href: '#/group/' + g + ':' + f.year }, member ? '联络组六个至少（联络人）' : '联络组六个至少') : '';
}

function leaveButton(meeting) {
  const b = el('button', { type: 'button', class: 'plain' }, '请假');
  b.addEventListener('click', () => {
    const reason = window.prompt('请假事由');
    if (!reason) return;
    busy(b, () => api.post(dpath('/meetings/' + meeting + '/leave'), { reason })
      .then(() => { notice('请假申请已提交'); b.replaceWith('请假待批'); }, (e) => notice(e.message, true)));
  });
  return b;
}

function splitArg(arg) {
  const [id, year] = String(arg || '').split(':');
  return { id, year: /^\d{4}$/.test(year || '') ? year : today().slice(0, 4) };
}

export const filePage = {
  id: 'file',
  title: '履职档案',
  roles: ['member', 'office', 'leader', 'admin'],
  nav: false,
  async render(root, ctx, arg) {
    const { id, year } = splitArg(arg);
    const member = ctx.is('member');
    if (!member && !id) { root.append(heading('履职档案'), el('p', {}, '请从“委员履职”中选择一位委员。')); return; }
    const path = member ? dpath('/assess/my-file') : dpath('/assess/files/' + encodeURIComponent(id));
    const box = el('div', { id: 'file' });
    root.append(heading(member ? '我的履职档案' : '委员履职档案'),
      card(yearPicker(year, (y) => (member ? ctx.go('my-file', y) : ctx.go('file', id + ':' + y)))), box);
    await showFile(box, ctx, path, year, member);
  },
};

/* The member's own file, in the member's menu. */
export const myFilePage = {
  id: 'my-file',
  title: '我的履职档案',
  roles: ['member'],
  render(root, ctx, arg) { return filePage.render(root, ctx, ctx.user.member_id + ':' + (arg || '')); },
};

/* ---- the office ------------------------------------------------------------------- */

export const filesPage = {
  id: 'files',
  title: '委员履职',
  roles: ['office', 'leader', 'admin'],
  async render(root, ctx, arg) {
    const { year } = splitArg(':' + (arg || ''));
    const flaggedOnly = input({ type: 'checkbox', id: 'files-flagged' });
    const status = el('span', { class: 'meta', role: 'status' });
    const csv = el('button', { type: 'button', class: 'plain', id: 'files-csv' }, '下载 CSV');
    csv.addEventListener('click', () => busy(csv, () => download(dpath('/assess/files.csv?year=' + year), '委员履职-' + year + '.csv', status).catch((e) => notice(e.message, true))));
    const list = el('div', { id: 'files-list' });
    const load = async () => {
      const r = await api.get(dpath(flaggedOnly.checked ? '/assess/flagged' : '/assess/files') + '?year=' + year);
      list.replaceChildren(
        barBox('files-chart', '积分前二十名', r.items.slice(0, 20).map((f) => [f.name, f.points])),
        table(['委员', '积分', '五个一未完成', '无故缺席', ''], r.items.map((f) => el('tr', {},
          el('td', {}, el('a', { href: '#/file/' + f.member_id + ':' + year }, f.name)), el('td', {}, String(f.points)),
          el('td', {}, f.missing === null ? '5' : String(f.missing)),
          el('td', {}, String(f.plenary_absences + f.activity_absences)),
          el('td', {}, f.flagged ? el('span', { class: 'badge' }, '提请审议') : '')))));
    };
    flaggedOnly.addEventListener('change', () => load().catch((e) => notice(e.message, true)));
    root.append(heading('委员履职', csv, status),
      card(yearPicker(year, (y) => ctx.go('files', y)), field('flagged', '只看提请审议的委员', flaggedOnly)),
      list, await groupsCard(year), await snapshotsCard(ctx, year));
    await load();
  },
};

/* The liaison groups: the six at least missed so far and who the contact is. */
async function groupsCard(year) {
  const r = await api.get(dpath('/assess/groups?year=' + year));
  return card(el('h3', {}, '联络组“六个至少”'), r.items.length ? table(['联络组', '委员人数', '未达标期数', '联络人'], r.items.map((g) => el('tr', {},
    el('td', {}, el('a', { href: '#/group/' + g.group_id + ':' + year }, g.name)), el('td', {}, String(g.members)),
    el('td', {}, g.missed === null ? '—' : String(g.missed)), el('td', {}, g.contact ? g.contact.name : '未指定'))), 'groups') : el('p', { class: 'empty' }, '暂无联络组'));
}

async function snapshotsCard(ctx, year) {
  const r = await api.get(dpath('/assess/snapshots'));
  const rows = r.items.map((s) => el('tr', {}, el('td', {}, SNAP[s.kind] + ' ' + s.year + (s.kind === 'year' ? '' : ' 第' + s.period + '期')),
    el('td', {}, showTime(s.published_at).slice(0, 16)), el('td', {}, String(s.members)),
    el('td', {}, el('a', { href: '#/bulletin-print/' + s.id }, '查看 / 打印'))));
  const box = card(el('h3', {}, '已发布的统计、通报和排名'), rows.length ? table(['名称', '发布时间', '人数', ''], rows) : el('p', { class: 'empty' }, '尚未发布'));
  if (!ctx.is('office', 'admin')) return box;
  const kind = select([['quarter', '季度统计'], ['half', '半年通报'], ['year', '年度排名']], { id: 'snap-kind' });
  const period = input({ type: 'number', min: 1, max: 4, value: Math.ceil(Number(today().slice(5, 7)) / 3), id: 'snap-period' });
  const go = el('button', { type: 'submit' }, '发布（发布后不可更改）');
  const form = el('form', { class: 'filters', novalidate: true }, field('kind', '类型', kind), field('period', '期次', period),
    el('div', { class: 'buttons' }, go), el('p', { class: 'error form-error', role: 'alert' }));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    busy(go, () => api.post(dpath('/assess/snapshots'), { kind: kind.value, year: Number(year), period: Number(period.value) })
      .then(() => { notice('已发布'); ctx.go('files', year); }, (e) => formError(form, e)));
  });
  box.append(form);
  return box;
}

/* ---- a liaison group's six at least ---------------------------------------------------- */

export const groupPage = {
  id: 'group',
  title: '联络组六个至少',
  roles: ['member', 'office', 'leader', 'admin'],
  nav: false,
  async render(root, ctx, arg) {
    const { id, year } = splitArg(arg);
    const g = await api.get(dpath('/assess/groups/' + encodeURIComponent(id) + '?year=' + year));
    root.append(heading(g.name + ' · ' + g.year + ' 年“六个至少”'),
      el('p', { class: 'meta', id: 'group-contact' }, '联络人：' + (g.contact ? g.contact.name : '未指定')),
      el('p', { class: 'meta' }, '判定日期：' + (g.judged_on || '—') + '；未达标 ' + g.missed + ' 期'),
      g.six.length ? table(['要求', '各期情况'], g.six.map((n) => el('tr', {}, el('td', {}, n.label),
        el('td', {}, n.periods.map((p, i) => el('span', { class: p.verdict === 'missed' ? 'error' : p.verdict === 'met' ? 'ok' : 'meta' },
          '第' + (i + 1) + '期 ' + p.count + '/' + n.min + ' ' + VERDICT[p.verdict] + '　'))))))
        : el('p', { class: 'empty', id: 'group-none' }, '本年度联络组尚无“六个至少”所计的活动，各项均未开展。'));
    if (ctx.is('office', 'admin')) root.append(card(contactForm(ctx, g, year)));
  },
};

/* The office names the group's contact among its members. */
function contactForm(ctx, g, year) {
  const who = select(g.members.map((m) => [m, '委员 ' + m]), { id: 'group-contact-member' });
  if (g.contact) who.value = g.contact.member_id;
  const go = el('button', { type: 'submit', id: 'group-contact-set' }, '设为联络人');
  const form = el('form', { class: 'filters', novalidate: true }, field('member_id', '联络人', who),
    el('div', { class: 'buttons' }, go), el('p', { class: 'error form-error', role: 'alert' }));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    busy(go, () => api.put(dpath('/assess/groups/' + g.group_id + '/contact'), { member_id: who.value })
      .then(() => { notice('联络人已设置'); ctx.go('group', g.group_id + ':' + year); }, (e) => formError(form, e)));
  });
  return form;
}

/* ---- meetings, leave, check-in ------------------------------------------------------------ */

export const meetingsPage = {
  id: 'meetings',
  title: '会议活动',
  roles: ['office', 'admin', 'leader', 'member'],
  async render(root, ctx) {
    const r = await api.get(dpath('/meetings'));
    root.append(heading('会议活动'));
    if (ctx.is('office', 'admin')) root.append(card(createForm(ctx)));
    root.append(r.items.length ? table(['时间', '会议活动', '状态', '出席/应到', ctx.is('member') ? '我的出勤' : ''], r.items.map((m) => el('tr', {},
      el('td', {}, showTime(m.starts_at).slice(0, 16)), el('td', {}, el('a', { href: '#/meeting/' + m.id }, (KIND[m.kind] || m.kind) + '：' + m.title)),
      el('td', {}, { scheduled: '未结束', closed: '已结束', cancelled: '已取消' }[m.state]), el('td', {}, m.present + '/' + m.invited),
      el('td', {}, m.mine ? (STATUS[m.mine.status] || '') + ' ' + (LEAVE[m.mine.leave] || '') : '')))) : el('p', { class: 'empty' }, '暂无会议活动'));
  },
};

function createForm(ctx) {
  const kind = select(MEETING_KINDS, { id: 'm-kind' });
  const title = input({ id: 'm-title', maxlength: 200 });
  const starts = input({ type: 'datetime-local', id: 'm-starts', value: nowLocal() });
  const ends = input({ type: 'datetime-local', id: 'm-ends' });
  const venue = input({ id: 'm-venue', maxlength: 100 });
  const members = input({ id: 'm-members', placeholder: '委员编号，以逗号分隔' });
  const go = el('button', { type: 'submit' }, '新建');
  const form = el('form', { class: 'filters', novalidate: true }, field('kind', '类型', kind), field('title', '名称', title),
    field('starts_at', '开始', starts), field('ends_at', '结束', ends), field('venue', '地点', venue), field('member_ids', '参加委员', members),
    el('div', { class: 'buttons' }, go), el('p', { class: 'error form-error', role: 'alert' }));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const ids = members.value.split(/[,，\s]+/).filter(Boolean);
    busy(go, () => api.post(dpath('/meetings'), { kind: kind.value, title: title.value, starts_at: toRfc3339(starts.value),
      ends_at: toRfc3339(ends.value), venue: venue.value, member_ids: ids })
      .then((m) => ctx.go('meeting', m.id), (e) => formError(form, e)));
  });
  return form;
}

export const meetingPage = {
  id: 'meeting',
  title: '会议活动',
  roles: ['office', 'admin', 'leader', 'member'],
  nav: false,
  async render(root, ctx, arg) {
    const m = await api.get(dpath('/meetings/' + encodeURIComponent(arg)));
    const office = ctx.is('office', 'admin');
    const actions = [];
    if (office && m.state === 'scheduled') {
      const qr = el('button', { type: 'button', id: 'show-qr' }, '显示签到二维码');
      const box = el('div', { id: 'qr-box' });
      qr.addEventListener('click', () => busy(qr, () => api.post(dpath('/meetings/' + m.id + '/checkin-code')).then((c) => {
        box.replaceChildren(el('img', { class: 'qr', alt: '签到二维码', src: 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(c.svg) }),
          el('p', { class: 'meta' }, '有效至 ' + showTime(c.expires_at).slice(0, 16)));
      }, (e) => notice(e.message, true))));
      actions.push(qr, box);
    }
    root.append(heading((KIND[m.kind] || m.kind) + '：' + m.title),
      el('p', { class: 'meta' }, showTime(m.starts_at).slice(0, 16) + ' 至 ' + showTime(m.ends_at).slice(0, 16) + ' · ' + m.venue), ...actions,
      table(['委员', '出勤', '请假', '签到时间', '说明', ''], m.lines.map((l) => el('tr', {},
        el('td', {}, l.name), el('td', {}, STATUS[l.status] || l.status), el('td', {}, (LEAVE[l.leave] || '') + (l.leave_reason ? '：' + l.leave_reason : '')),
        el('td', {}, l.checked_in_at ? showTime(l.checked_in_at).slice(11, 16) : ''), el('td', {}, l.note || ''),
        el('td', {}, office ? lineActions(ctx, m, l) : (l.status === 'invited' && m.state === 'scheduled' && (l.leave === '' || l.leave === 'refused') ? leaveButton(m.id) : ''))))));
  },
};

function lineActions(ctx, m, l) {
  const out = [];
  const act = (label, path, body) => {
    const b = el('button', { type: 'button', class: 'plain' }, label);
    b.addEventListener('click', () => busy(b, () => api.post(dpath('/meetings/' + m.id + path), body()).then(() => ctx.go('meeting', m.id), (e) => notice(e.message, true))));
    out.push(b);
  };
  if (l.leave === 'asked') {
    act('批准请假', '/leave/decide', () => ({ member_id: l.member_id, decision: 'approved' }));
    act('不批准', '/leave/decide', () => ({ member_id: l.member_id, decision: 'refused' }));
  }
  for (const st of ['present', 'absent', 'leave']) {
    if (st !== l.status) act('改为' + STATUS[st], '/attendance', () => ({ member_id: l.member_id, status: st, note: window.prompt('更正说明') || '' }));
  }
  return el('span', { class: 'actions' }, out);
}

export const checkinPage = meetingCheckin('checkin', '会议签到', () => dpath('/checkin'));

/* ---- print views (A4) ------------------------------------------------------------------ */

function printBar(back) {
  const print = el('button', { type: 'button', class: 'no-print', id: 'print-now' }, '打印 / 另存为 PDF');
  print.addEventListener('click', () => window.print());
  return el('div', { class: 'no-print buttons' }, print, el('a', { href: back, class: 'button plain' }, '返回'));
}

export const filePrintPage = {
  id: 'file-print',
  title: '一人一档',
  roles: ['member', 'office', 'leader', 'admin'],
  nav: false,
  async render(root, ctx, arg) {
    const { id, year } = splitArg(arg);
    const f = await api.get((ctx.is('member') ? dpath('/assess/my-file') : dpath('/assess/files/' + encodeURIComponent(id))) + '?year=' + year);
    const row = (k, v) => el('tr', {}, el('th', { scope: 'row' }, k), el('td', {}, v));
    root.append(printBar('#/file/' + id + ':' + year), el('article', { class: 'print-sheet', id: 'print-sheet' },
      el('h1', {}, '政协委员履职档案'), el('p', { class: 'print-number' }, f.year + ' 年度 · 一人一档'),
      el('table', { class: 'print-table' }, el('tbody', {}, row('委员', f.name), row('联络组', f.group || ''),
        row('履职积分', String(f.points)), row('五个一', f.five ? f.five.map((n) => n.label + (n.count >= n.min ? '✓' : '✗')).join('；') : '均未完成'),
        row('无故缺席', '全会 ' + f.plenary_absences + ' 次，其他活动 ' + f.activity_absences + ' 次'))),
      el('h2', {}, '履职记录'),
      el('table', { class: 'print-table' }, el('tbody', {}, f.acts.map((a) => el('tr', {}, el('td', {}, a.date), el('td', {}, KIND[a.kind] || a.kind),
        el('td', {}, STATUS[a.status] || a.status), el('td', {}, a.title || '')))))));
  },
};

export const bulletinPrintPage = {
  id: 'bulletin-print',
  title: '履职通报',
  roles: ['office', 'leader', 'admin'],
  nav: false,
  async render(root, ctx, arg) {
    const s = await api.get(dpath('/assess/snapshots/' + encodeURIComponent(arg)));
    const csv = el('button', { type: 'button', class: 'no-print plain' }, '下载 CSV');
    csv.addEventListener('click', () => busy(csv, () => download(dpath('/assess/snapshots/' + s.id + '/csv'), SNAP[s.kind] + '-' + s.year + '.csv').catch((e) => notice(e.message, true))));
    root.append(printBar('#/files'), csv, el('article', { class: 'print-sheet', id: 'print-sheet' },
      el('h1', {}, '政协委员' + SNAP[s.kind]), el('p', { class: 'print-number' }, s.year + ' 年' + (s.kind === 'year' ? '' : ' 第' + s.period + '期') + ' · 发布于 ' + showTime(s.published_at).slice(0, 10)),
      el('table', { class: 'print-table' }, el('thead', {}, el('tr', {}, ['名次', '委员', '积分', '履职次数', '五个一未完成'].map((h) => el('th', {}, h)))),
        el('tbody', {}, s.rows.map((r) => el('tr', {}, el('td', {}, String(r.rank)), el('td', {}, r.name), el('td', {}, String(r.points)),
          el('td', {}, String(r.total)), el('td', {}, String(r.missing))))))));
  },
};
