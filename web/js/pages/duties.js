/* 我的值班 (member): the member's own duties.
 *   GET /rota?member_id=me, POST /rota/{id}/confirm, /excuse {reason},
 *   /swap {with_rota_id}, /swap/accept; POST /members/{me}/unavailable;
 *   POST|DELETE /members/{me}/feed-token (the iCalendar subscription link). */

import { api, dpath, today } from '../api.js';
import { el, notice, field, input, select, busy, heading, card, weekday, clearErrors, formError } from '../ui.js';
import { ROTA_STATUS } from '../text.js';
import { conflictText } from './rota-text.js';

export default {
  id: 'duties',
  title: '我的值班',
  roles: ['member'],
  async render(root, ctx) {
    const me = ctx.user.member_id;
    const r = await api.get(dpath('/rota?member_id=' + encodeURIComponent(me)));
    const now = today();
    const upcoming = r.items.filter((x) => x.duty_date >= now);
    const past = r.items.filter((x) => x.duty_date < now).slice(-6).reverse();
    const list = el('div', { class: 'duties', id: 'duty-list' });
    list.append(...(upcoming.length ? upcoming.map((d) => dutyCard(ctx, d)) : [el('p', { class: 'empty' }, '近期没有值班安排')]));
    root.append(heading('我的值班'), list);
    if (past.length) {
      root.append(card(el('h3', {}, '最近履职'), el('ul', { class: 'plain-list' }, past.map((d) =>
        el('li', {}, d.duty_date + ' ' + d.workroom_name + ' · ' + (ROTA_STATUS[d.status] || d.status))))));
    }
    root.append(unavailableCard(ctx), feedCard(ctx));
  },
};

function dutyCard(ctx, d) {
  const box = el('section', { class: 'card duty', 'data-rota-id': d.id });
  const msg = el('p', { class: 'error form-error', role: 'alert' });
  const status = el('span', { class: 'status status-' + d.status }, ROTA_STATUS[d.status] || d.status);
  const actions = el('div', { class: 'buttons' });
  box.append(el('h3', {}, d.duty_date + ' ' + weekday(d.duty_date) + ' · ' + d.workroom_name), status,
    d.reason ? el('p', { class: 'meta' }, '请假事由：' + d.reason) : '', actions, msg);
  const reload = () => ctx.go('duties');
  const post = (b, path, body, ok, fallback) => busy(b, async () => {
    msg.textContent = '';
    clearErrors(box);
    try {
      await api.post(dpath('/rota/' + d.id + path), body);
      notice(ok);
      reload();
    } catch (e) {
      if (e.code === 'conflict' || e.code === 'unprocessable') msg.textContent = conflictText(ctx, e, fallback);
      else formError(box, e);
    }
  });
  if (d.status === 'published') {
    const b = el('button', { type: 'button', class: 'confirm' }, '确认参加');
    b.addEventListener('click', () => post(b, '/confirm', {}, '已确认参加 ' + d.duty_date + ' 的值班', '该值班当前状态不能确认。'));
    actions.append(b);
  }
  if (['published', 'confirmed'].includes(d.status)) {
    const reason = el('textarea', { rows: 2, maxLength: 500 });
    const ex = el('button', { type: 'button', class: 'plain' }, '提交请假');
    ex.addEventListener('click', () => post(ex, '/excuse', { reason: reason.value.trim() || null }, '已请假', '该值班当前状态不能请假。'));
    const swapSel = select([['', '正在加载可调换的值班…']]);
    const sw = el('button', { type: 'button', class: 'plain' }, '申请调换');
    sw.addEventListener('click', () => post(sw, '/swap', { with_rota_id: swapSel.value || null }, '已发出调换请求，等待对方接受', '该值班已有待处理的调换请求，或对方值班状态不允许调换。'));
    const acc = el('button', { type: 'button', class: 'plain' }, '接受调换请求');
    acc.addEventListener('click', () => post(acc, '/swap/accept', {}, '已接受调换，请重新确认新的值班', '没有待接受的调换请求。'));
    box.append(
      el('details', {}, el('summary', {}, '请假'), field('reason', '请假事由', reason), ex),
      el('details', { on: { toggle: () => fillSwaps(ctx, d, swapSel) } }, el('summary', {}, '调换'),
        field('with_rota_id', '与谁的值班调换', swapSel), sw, ' ', acc));
  }
  return box;
}

async function fillSwaps(ctx, d, sel) {
  if (sel.dataset.loaded) return;
  sel.dataset.loaded = '1';
  try {
    const months = [...new Set([d.month, d.duty_date.slice(0, 7)])];
    const rows = (await Promise.all(months.map((m) => api.get(dpath('/rota?month=' + m))))).flatMap((x) => x.items);
    const others = rows.filter((x) => x.member_id !== ctx.user.member_id && ['published', 'confirmed'].includes(x.status) && x.duty_date >= today());
    sel.replaceChildren(el('option', { value: '' }, others.length ? '请选择' : '暂无可调换的值班'),
      ...others.map((x) => el('option', { value: x.id }, x.duty_date + ' ' + x.workroom_name + ' ' + x.member_name)));
  } catch (e) { notice(e.message, true); }
}

function unavailableCard(ctx) {
  const dates = input({ placeholder: '如 ' + today() + '，多个日期用逗号分隔' });
  const reason = input({ maxLength: 200 });
  const clear = el('input', { type: 'checkbox', name: 'clear', id: 'unavail-clear' });
  const f = el('form', { novalidate: true },
    el('h3', {}, '不能值班的日期'),
    el('p', { class: 'hint' }, '生成值班草案时会避开这些日期。'),
    field('dates', '日期', dates), field('reason', '原因', reason),
    el('label', { class: 'inline', for: 'unavail-clear' }, clear, ' 撤销这些日期'),
    el('div', { class: 'buttons' }, el('button', { type: 'submit' }, '提交')),
    el('p', { class: 'error form-error', role: 'alert' }));
  f.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(f);
    const list = dates.value.split(/[,，\s]+/).filter(Boolean);
    await busy(f.querySelector('button'), async () => {
      try {
        const r = await api.post(dpath('/members/' + ctx.user.member_id + '/unavailable'),
          { dates: list.length ? list : null, reason: reason.value.trim(), clear: clear.checked });
        notice((clear.checked ? '已撤销 ' : '已登记 ') + r.dates + ' 个日期');
        dates.value = '';
      } catch (e) { formError(f, e); }
    });
  });
  return card(f);
}

function feedCard(ctx) {
  const path = dpath('/members/' + ctx.user.member_id + '/feed-token');
  const url = input({ readOnly: true, id: 'feed-url', placeholder: '尚未生成（生成新链接会使旧链接失效）' });
  const make = el('button', { type: 'button', id: 'feed-make' }, '生成订阅链接');
  const copy = el('button', { type: 'button', class: 'plain', disabled: true }, '复制');
  const stop = el('button', { type: 'button', class: 'plain' }, '停用链接');
  make.addEventListener('click', () => busy(make, async () => {
    try {
      const r = await api.post(path);
      url.value = location.origin + r.url;
      copy.disabled = false;
      url.select();
    } catch (e) { notice(e.message, true); }
  }));
  copy.addEventListener('click', async () => {
    url.select();
    try { await navigator.clipboard.writeText(url.value); notice('链接已复制'); } catch (e) { notice('请手动复制链接（已选中）'); }
  });
  stop.addEventListener('click', () => busy(stop, async () => {
    try { await api.del(path); url.value = ''; copy.disabled = true; notice('订阅链接已停用'); } catch (e) { notice(e.message, true); }
  }));
  return card(el('h3', {}, '订阅值班日历'),
    el('p', { class: 'hint' }, '在手机或电脑的日历应用中添加此链接，值班安排会自动同步。链接只显示一次，请妥善保管。'),
    field('feed_url', '订阅链接', url), el('div', { class: 'buttons' }, make, copy, stop));
}
