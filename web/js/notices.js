/* The public notice page (notices.html): the consultations whose outcomes
 * are under notice today in the district of ?d= (default 330303), from
 * GET /public/{d}/notices, which needs no login and carries nothing
 * personal. */

import { el, card, table } from './ui.js';

const FORM = { meeting: '会议协商', communication: '沟通协商', dialogue: '对话协商', written: '书面协商', online: '网络协商' };

async function main() {
  const root = document.getElementById('page');
  const d = new URLSearchParams(location.search).get('d') || '330303';
  let data;
  try {
    const res = await fetch('/public/' + encodeURIComponent(/^[0-9]{6}$/.test(d) ? d : '330303') + '/notices',
      { cache: 'no-store' });
    if (!res.ok) throw new Error(String(res.status));
    data = await res.json();
  } catch (e) {
    root.replaceChildren(el('p', { class: 'error' }, '公示信息暂时无法获取，请稍后再试'));
    return;
  }
  const items = data.items || [];
  root.replaceChildren(el('h2', {}, '协商成果公示'),
    items.length ? null : el('p', { class: 'empty-list' }, '目前没有公示中的协商成果'),
    ...items.map((n) => card(el('h3', {}, n.title),
      el('p', { class: 'meta' }, (FORM[n.form] || '') + (n.held_on ? ' · ' + n.held_on + ' 协商' : '') +
        ' · 公示期 ' + n.notice_from + ' 至 ' + n.notice_until),
      table(['协商成果', '承办单位', '答复期限', '办结期限'], n.outcomes.map((o) => el('tr', {},
        el('td', {}, o.title), el('td', {}, o.unit), el('td', {}, o.answer_due), el('td', {}, o.close_due))), 'notice-outcomes'))));
  root.dataset.loaded = '1';
}

main();
