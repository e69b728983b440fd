/* 系统管理 (admin): the districts of the installation (GET /v1/districts),
 * with a switch to work on one, and the audit chain's verification (POST
 * /v1/audit/verify: every district's chain and its signed checkpoints;
 * the run itself is audited; GET /v1/audit/verify: the last run). */

import { api, request, session } from '../api.js';
import { el, notice, busy, heading, card, table, showTime } from '../ui.js';

/* The last verification's line: when, by whom, its result. */
function lastLine(last) {
  if (!last) return '尚未校验过。';
  return '上次校验：' + showTime(last.at) + '，由 ' + last.by + ' 发起，结果：' + (last.intact ? '完整' : '已损坏');
}

function verifyCard(last) {
  const result = el('div', { id: 'audit-result', role: 'status' });
  const before = el('p', { class: 'meta', id: 'audit-last' }, lastLine(last));
  const run = el('button', { type: 'button', id: 'audit-verify' }, '校验审计链');
  run.addEventListener('click', () => busy(run, async () => {
    result.replaceChildren(el('p', { class: 'empty' }, '校验中…'));
    try {
      const r = await request('POST', '/v1/audit/verify');   /* no body */
      result.replaceChildren(
        el('p', { class: r.intact ? 'ok audit-intact' : 'error audit-broken' },
          r.intact ? '审计链完整：未发现删改。' : '审计链已损坏：请立即核查并上报。'),
        r.report ? el('pre', { class: 'audit-report' }, r.report) : null);
    } catch (e) {
      result.replaceChildren();
      notice(e.message, true);
    }
  }));
  return card(el('h3', {}, '审计链校验'),
    el('p', { class: 'hint' }, '逐条核对每个行政区的审计记录哈希链及其签名检查点；校验本身也记入审计。'),
    before, el('div', { class: 'buttons' }, run), result);
}

export default {
  id: 'system',
  title: '系统管理',
  roles: ['admin'],
  async render(root) {
    const [r, v] = await Promise.all([api.get('/v1/districts'),
      api.get('/v1/audit/verify').catch((e) => { if (e.status === 404) return null; throw e; })]);   /* 404: never run */
    const last = v && v.items ? v.items[0] : v;
    const rows = r.items.map((d) => {
      const use = el('button', { type: 'button', class: 'plain', 'data-district': d.code }, '进入此区');
      use.addEventListener('click', () => {
        const box = document.getElementById('district');
        box.value = d.code;
        box.dispatchEvent(new Event('change'));
        notice('当前行政区：' + d.name + '（' + d.code + '）');
      });
      const here = session.district() === d.code;
      return el('tr', { class: 'district-row' + (here ? ' current' : '') },
        el('td', {}, d.code), el('td', {}, d.name), el('td', {}, here ? '当前' : use));
    });
    root.append(
      heading('系统管理'),
      card(el('h3', {}, '行政区'), table(['代码', '名称', ''], rows)),
      verifyCard(last));
  },
};
