/* 节假日 (office, admin): the year's holidays and make-up working days.
 *   GET /v1/calendar/{year}, PUT /v1/calendar/{year} {days} (field errors
 *   days[i].date / .kind / .name shown in the row they concern). */

import { api, today } from '../api.js';
import { el, notice, input, select, busy, heading, card, clearErrors, formError, weekday, showTime } from '../ui.js';

const KIND = [['holiday', '放假'], ['workday', '调休上班']];

export default {
  id: 'calendar',
  title: '节假日',
  roles: ['office', 'admin'],
  async render(root, ctx, arg) {
    const year = Number(arg) || Number(today().slice(0, 4)) + (today().slice(5, 7) >= '11' ? 1 : 0);
    const cal = await api.get('/v1/calendar/' + year);
    const body = el('tbody');
    const f = el('form', { novalidate: true, id: 'calendar-form' });
    const addRow = (d) => {
      const i = body.children.length;
      const date = input({ type: 'date', value: d ? d.date : '', 'aria-label': '日期', min: year + '-01-01', max: year + '-12-31' });
      const kind = select(KIND, { 'aria-label': '类型' });
      kind.value = d ? d.kind : 'holiday';
      const name = input({ value: d ? d.name || '' : '', maxLength: 32, 'aria-label': '名称' });
      const wd = el('span', { class: 'meta' }, d ? weekday(d.date) : '');
      date.addEventListener('change', () => { wd.textContent = date.value ? weekday(date.value) : ''; });
      const del = el('button', { type: 'button', class: 'plain', 'aria-label': '删除此行' }, '删除');
      const tr = el('tr', { class: 'day-row' },
        el('td', {}, date, wd, el('span', { class: 'field-error', 'data-field': 'days[' + i + '].date' })),
        el('td', {}, kind, el('span', { class: 'field-error', 'data-field': 'days[' + i + '].kind' })),
        el('td', {}, name, el('span', { class: 'field-error', 'data-field': 'days[' + i + '].name' })),
        el('td', {}, del));
      del.addEventListener('click', () => { tr.remove(); renumber(); });
      body.append(tr);
      return date;
    };
    const renumber = () => [...body.children].forEach((tr, i) => {
      tr.querySelectorAll('.field-error').forEach((s) => {
        s.dataset.field = s.dataset.field.replace(/days\[\d+\]/, 'days[' + i + ']');
      });
    });
    cal.days.forEach(addRow);
    const yearSel = input({ type: 'number', min: 1970, max: 9999, value: year, id: 'calendar-year', 'aria-label': '年份' });
    yearSel.addEventListener('change', () => ctx.go('calendar', yearSel.value));
    const add = el('button', { type: 'button', class: 'plain', id: 'calendar-add' }, '添加一天');
    add.addEventListener('click', () => addRow(null).focus());
    f.append(
      el('div', { class: 'table-wrap' }, el('table', { class: 'list' },
        el('thead', {}, el('tr', {}, ['日期', '类型', '名称', ''].map((h) => el('th', { scope: 'col' }, h)))), body)),
      el('span', { class: 'field-error', 'data-field': 'days' }),
      el('div', { class: 'buttons' }, add, el('button', { type: 'submit' }, '保存全年安排')),
      el('p', { class: 'error form-error', role: 'alert' }));
    f.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearErrors(f);
      const days = [...body.children].map((tr) => {
        const [d, k, n] = tr.querySelectorAll('input, select');
        const o = { date: d.value || null, kind: k.value };
        if (n.value.trim()) o.name = n.value.trim();
        return o;
      });
      await busy(f.querySelector('button[type=submit]'), async () => {
        try {
          const r = await api.put('/v1/calendar/' + year, { days });
          notice('已保存 ' + r.year + ' 年安排（第 ' + r.version + ' 版，共 ' + r.days + ' 天）');
        } catch (e) { formError(f, e); }
      });
    });
    root.append(
      heading('节假日和调休', el('label', { class: 'inline', for: 'calendar-year' }, '年份 ', yearSel)),
      card(el('p', { class: 'hint' }, cal.present
        ? '已录入（第 ' + cal.version + ' 版，来源：' + (cal.source === 'api' ? '本页面' : '导入文件') + (cal.updated_at ? '，' + showTime(cal.updated_at) : '') + '）。保存会整体替换全年安排。'
        : year + ' 年尚未录入：工作日将按普通周末计算。请按国务院办公厅通知录入。'), f));
  },
};
