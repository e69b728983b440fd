/* 系统管理 (admin): the districts of the installation (GET /v1/districts),
 * with a switch to work on one, and the audit chain's verification (POST
 * /v1/audit/verify: every district's chain and its signed checkpoints;
 * the run itself is audited). */

import { api, request, session } from '../api.js';
import { el, notice, busy, heading, card, table } from '../ui.js';

function verifyCard() {
  const result = el('div', { id: 'audit-result', role: 'status' });
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
    el('div', { class: 'buttons' }, run), result);
}

export default {
  id: 'system',
  title: '系统管理',
  roles: ['admin'],
  async render(root, ctx) {
    const r = await api.get('/v1/districts');
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
      verifyCard());
    void ctx;
  },
};
