/* 协商计划: topics (议题) and their screening, and the year's consultation
 * plan (年度协商计划): add accepted topics, issue it, amend it with a reason
 * once issued, download it as CSV, and its print view (A4).
 *   GET /topics?year=, POST /topics/{id}/{accept|refuse}, GET /plans/{year},
 *   POST /plans/{year}/{add|remove|issue}, GET /plans/{year}/plan.csv. */

import { api, dpath, today } from '../api.js';
import { el, field, input, select, heading, card, table, download, conflictText, transitionForm } from '../ui.js';

const TOPIC_STATE = { proposed: '待审核', accepted: '已采纳', refused: '不予采纳' };
const KIND = { policy: '政策落实', public_affairs: '公共事务', difficulty: '难点问题', party_request: '协商方提出' };
const REFUSE = { against_law: '违反法律政策', higher_mandate: '上级已有部署', unfair: '歧视或不公平' };
const PROPOSER = { member: '委员', workroom: '委员工作室', unit: '单位', party_committee: '党委' };

const explain = (e) => (e.code === 'conflict' && /[^\x00-\x7f]/.test(e.serverMessage || '') ? e.serverMessage
  : conflictText(e, 'topic', '议题', TOPIC_STATE, { accept: '采纳', refuse: '不予采纳' }));

export const planPage = {
  id: 'consult-plan',
  title: '协商计划',
  roles: ['office', 'admin', 'leader'],
  async render(root, ctx, arg) {
    const [y, sub] = (arg || '').split('/');
    const year = /^\d{4}$/.test(y) ? y : today().slice(0, 4);
    if (sub === 'print') return printView(root, year);
    const [topics, plan] = await Promise.all([api.get(dpath('/topics?limit=100&year=' + year)),
      api.get(dpath('/plans/' + year))]);
    const office = ctx.is('office', 'admin');
    const reload = () => ctx.go('consult-plan', year);
    const inPlan = new Set(plan.items.filter((i) => !i.removed_on).map((i) => i.topic_id));
    const status = el('span', { class: 'hint' });
    const csv = el('button', { type: 'button', id: 'plan-csv' }, '导出 CSV');
    csv.addEventListener('click', () => download(dpath('/plans/' + year + '/plan.csv'), 'consult-plan-' + year + '.csv', status));
    root.append(heading(year + ' 年度协商计划', csv, el('a', { href: '#/consult-plan/' + year + '/print', class: 'button plain', id: 'plan-print' }, '打印视图'), status));
    const issued = plan.state === 'issued';
    const planActs = [];
    const act = (event, label, fields, build) => planActs.push(transitionForm(dpath('/plans/' + year + '/' + event), event, label,
      fields, build, reload, explain));
    const addable = topics.items.filter((t) => t.state === 'accepted' && !inPlan.has(t.id));
    if (office && addable.length) {
      act('add', issued ? '调整：列入计划' : '列入计划', [
        field('topic_id', '议题', select(addable.map((t) => [t.id, t.title]))),
        field('quarter', '季度', select([['', '（不限）'], ['Q1', '一季度'], ['Q2', '二季度'], ['Q3', '三季度'], ['Q4', '四季度']])),
        issued ? field('reason', '调整理由', input({})) : null].filter(Boolean),
      (e) => ({ topic_id: e.topic_id.value, quarter: e.quarter.value, reason: issued ? e.reason.value.trim() || null : undefined }));
    }
    if (office && !issued) act('issue', '印发计划', []);
    root.append(card(el('h3', {}, '计划（' + (issued ? plan.issued_on + ' 印发' : '草案') + '）'),
      table(['议题', '类别', '季度', '列入日期', '调整'], plan.items.filter((i) => !i.removed_on).map((i) => el('tr', {},
        el('td', {}, i.title), el('td', {}, KIND[i.kind] || ''), el('td', {}, i.quarter), el('td', {}, i.added_on),
        el('td', {}, i.amended ? '是' : ''))), 'plan-items'), el('div', { class: 'plan-actions' }, planActs),
      plan.amendments.length ? el('ul', { class: 'plain-list' }, plan.amendments.map((a) => el('li', {},
        a.made_on + ' ' + (a.action === 'add' ? '列入' : '移出') + ' 议题' + a.topic_id + '：' + a.reason))) : null));
    const topicRows = topics.items.map((t) => {
      const forms = [];
      if (office && t.state === 'proposed') {
        forms.push(transitionForm(dpath('/topics/' + t.id + '/accept'), 'accept', '采纳',
          [field('kind', '类别', select(Object.entries(KIND)))], (e) => ({ kind: e.kind.value }), reload, explain));
        forms.push(transitionForm(dpath('/topics/' + t.id + '/refuse'), 'refuse', '不予采纳',
          [field('refuse_kind', '原因类别', select(Object.entries(REFUSE))), field('reason', '理由（告知提出方）', input({}))],
          (e) => ({ refuse_kind: e.refuse_kind.value, reason: e.reason.value.trim() || null }), reload, explain));
      }
      return el('tr', { 'data-topic-id': t.id }, el('td', {}, t.title), el('td', {}, PROPOSER[t.proposer_kind] || ''),
        el('td', {}, (TOPIC_STATE[t.state] || t.state) + (t.kind ? '·' + KIND[t.kind] : '') +
          (t.refuse_reason ? '（' + REFUSE[t.refuse_kind] + '：' + t.refuse_reason + '）' : '')), el('td', {}, forms));
    });
    root.append(card(el('h3', {}, '议题征集'), table(['议题', '提出方', '状态', '审核'], topicRows, 'topics')));
  },
};

async function printView(root, year) {
  const plan = await api.get(dpath('/plans/' + year));
  const print = el('button', { type: 'button', class: 'no-print', id: 'print-now' }, '打印 / 另存为 PDF');
  print.addEventListener('click', () => window.print());
  root.append(el('div', { class: 'no-print buttons' }, print,
    el('a', { href: '#/consult-plan/' + year, class: 'button plain' }, '返回计划')),
  el('article', { class: 'print-sheet', id: 'print-sheet' },
    el('h1', {}, year + ' 年度协商计划'),
    el('p', { class: 'print-number' }, plan.state === 'issued' ? plan.issued_on + ' 印发' : '（草案）'),
    el('table', { class: 'print-table' }, el('thead', {}, el('tr', {}, ['序号', '议题', '类别', '季度'].map((h) => el('th', {}, h)))),
      el('tbody', {}, plan.items.filter((i) => !i.removed_on).map((i, n) => el('tr', {},
        el('td', {}, String(n + 1)), el('td', {}, i.title), el('td', {}, KIND[i.kind] || ''), el('td', {}, i.quarter))))),
    plan.amendments.length ? el('h2', {}, '计划调整') : null,
    plan.amendments.length ? el('ol', {}, plan.amendments.map((a) => el('li', {},
      a.made_on + ' ' + (a.action === 'add' ? '列入' : '移出') + '：' + a.reason))) : null));
}
