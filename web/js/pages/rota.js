/* 值班安排 (office, admin; read-only for units): a month's rota.
 *   POST /rota/generate?month=, POST /rota/publish?month=, GET /rota?month=&workroom_id=,
 *   POST /rota/{id}/edit {member_id, duty_date} (409 double booking shown in words),
 *   POST /rota/{id}/attendance {status}. */

import { api, dpath, today } from '../api.js';
import { el, notice, field, input, select, busy, heading, card, table, weekday, clearErrors, showFieldErrors } from '../ui.js';
import { ROTA_STATUS } from '../text.js';
import { conflictText } from './rota-text.js';

export function nextMonth(month) {
  let [y, m] = month.split('-').map(Number);
  m += 1;
  if (m > 12) { m = 1; y += 1; }
  return y + '-' + String(m).padStart(2, '0');
}

export default {
  id: 'rota',
  title: '值班安排',
  roles: ['office', 'admin', 'unit'],
  async render(root, ctx, arg) {
    const office = ctx.is('office', 'admin');
    const month = input({ type: 'month', id: 'rota-month', value: arg || nextMonth(today().slice(0, 7)) });
    const room = select([['', '全部工作室'], ...ctx.ref.workrooms.map((w) => [w.id, w.name])], { id: 'rota-room' });
    const result = el('div', { class: 'result', role: 'status', id: 'rota-result' });
    const list = el('div', { id: 'rota-list' });
    const gen = el('button', { type: 'button', id: 'rota-generate' }, '生成草案');
    const pub = el('button', { type: 'button', id: 'rota-publish' }, '发布');
    const controls = el('form', { class: 'filters', novalidate: true },
      field('month', '月份', month), field('workroom_id', '工作室', room),
      office ? el('div', { class: 'buttons' }, gen, pub) : null,
      el('p', { class: 'error form-error', role: 'alert' }));
    root.append(heading('值班安排'), card(controls, result), card(list));

    async function load() {
      clearErrors(controls);
      const q = new URLSearchParams({ month: month.value });
      if (room.value) q.set('workroom_id', room.value);
      let r;
      try { r = await api.get(dpath('/rota?' + q)); } catch (e) { showFieldErrors(controls, e.fields); notice(e.message, true); return; }
      const drafts = r.items.filter((x) => x.status === 'draft').length;
      pub.disabled = drafts === 0;
      pub.textContent = drafts ? '发布（' + drafts + ' 条草案）' : '发布';
      list.replaceChildren(r.items.length ? table(
        ['日期', '工作室', '委员', '状态', office ? '调整' : null].filter(Boolean),
        r.items.map((row) => rotaRow(ctx, row, office, load))) : el('p', { class: 'empty' }, '本月暂无值班安排'));
    }
    month.addEventListener('change', load);
    room.addEventListener('change', load);
    gen.addEventListener('click', () => busy(gen, async () => {
      try {
        const r = await api.post(dpath('/rota/generate?month=' + encodeURIComponent(month.value)));
        result.replaceChildren(el('p', {}, '已生成 ' + r.month + ' 草案：' + r.rooms + ' 个工作室，' + r.assignments +
          ' 人次（保留已定 ' + r.kept + ' 人次）。'),
        r.shortfalls.length ? el('ul', { class: 'warn' }, r.shortfalls.map((s) => el('li', {},
          ctx.roomName(s.workroom_id) + ' ' + s.duty_date + ' 缺 ' + s.missing + ' 人（需 ' + s.wanted + ' 人）'))) : null);
        await load();
      } catch (e) { result.replaceChildren(el('p', { class: 'error' }, e.message)); showFieldErrors(controls, e.fields); }
    }));
    pub.addEventListener('click', () => busy(pub, async () => {
      if (!confirm('发布后委员将看到本月值班并收到提醒，确定发布 ' + month.value + ' 的值班安排？')) return;
      try {
        const r = await api.post(dpath('/rota/publish?month=' + encodeURIComponent(month.value)));
        result.replaceChildren(el('p', { class: 'ok' }, '已发布 ' + r.month + ' 值班：' + r.duties + ' 人次，' + r.member_ids.length + ' 位委员。'));
        await load();
      } catch (e) { result.replaceChildren(el('p', { class: 'error' }, conflictText(ctx, e, '本月没有待发布的草案。'))); }
    }));
    await load();
  },
};

function rotaRow(ctx, row, office, reload) {
  const tr = el('tr', { 'data-rota-id': row.id, class: 'status-' + row.status });
  tr.append(
    el('td', { class: 'nowrap' }, row.duty_date + ' ' + weekday(row.duty_date)),
    el('td', {}, row.workroom_name),
    el('td', {}, row.member_name),
    el('td', {}, ROTA_STATUS[row.status] || row.status, row.reason ? el('div', { class: 'meta' }, '事由：' + row.reason) : null));
  if (!office) return tr;
  const cell = el('td', { class: 'edit-cell' });
  if (['draft', 'published', 'confirmed', 'excused'].includes(row.status)) {
    const who = select([...ctx.ref.members.values()].filter((m) => m.active !== false).map((m) => [m.id, m.name]),
      { 'aria-label': '值班委员', class: 'rota-member' });
    who.value = row.member_id;
    const day = input({ type: 'date', value: row.duty_date, 'aria-label': '值班日期', class: 'rota-date' });
    const save = el('button', { type: 'button', class: 'plain rota-save' }, '保存');
    const msg = el('div', { class: 'error rota-error', role: 'alert' });
    save.addEventListener('click', () => busy(save, async () => {
      msg.textContent = '';
      const body = {};
      if (who.value !== row.member_id) body.member_id = who.value;
      if (day.value !== row.duty_date) body.duty_date = day.value;
      if (!Object.keys(body).length) { msg.textContent = '没有改动'; return; }
      try {
        await api.post(dpath('/rota/' + row.id + '/edit'), body);
        notice('已调整');
        await reload();
      } catch (e) { msg.textContent = conflictText(ctx, e, '该值班当前状态不能调整。'); }
    }));
    cell.append(el('div', { class: 'row' }, who, day, save), msg);
  }
  if (['published', 'confirmed'].includes(row.status) && row.duty_date <= today()) {
    for (const [st, label] of [['served', '记为已履职'], ['absent', '记为缺席']]) {
      const b = el('button', { type: 'button', class: 'plain' }, label);
      b.addEventListener('click', () => busy(b, async () => {
        try { await api.post(dpath('/rota/' + row.id + '/attendance'), { status: st }); await reload(); } catch (e) { notice(conflictText(ctx, e, '值班日之前不能登记出勤。'), true); }
      }));
      cell.append(b, ' ');
    }
  }
  tr.append(cell);
  return tr;
}
