/* 联系方式 (office, admin): the e-mail and phone notify sends to, per member
 * or unit of the district (GET /contacts?kind=member|unit, paged; masked,
 * the clear values are never answered), and a new pair set per row
 * (PUT /contacts {recipient_kind, recipient_id, email, phone}). A save
 * replaces both values: an empty one clears it (the API keeps nothing it is
 * not sent, and the page knows only the masks). contactEditor is also the
 * form of a member's or unit's own contact (通知设置, PUT /me/contact). */

import { api, dpath } from '../api.js';
import { el, notice, busy, heading, field, input, select, formError, clearErrors,
  pagedList } from '../ui.js';

const KINDS = [['member', '委员'], ['unit', '承办单位']];
const NONE = '未填写';

/* The form that replaces a recipient's e-mail and phone: PUT `path` with
 * `target` and the two values; `cur` the masked values now (placeholders);
 * saved(reply) gets the masked values stored. `attrs`: the form's and the
 * inputs' ids, `head` nodes shown above the fields, `cancel` a button's
 * action. Leaving a stored value empty asks first, as it clears it. */
export function contactEditor(path, target, cur, saved, attrs) {
  const a = attrs || {};
  const email = input({ type: 'email', id: a.emailId, placeholder: cur.email || NONE });
  const phone = input({ type: 'tel', id: a.phoneId, placeholder: cur.phone || NONE });
  const f = el('form', { id: a.id, class: a.class, novalidate: true }, a.head,
    el('p', { class: 'hint' }, '保存时以填写内容替换两项；留空的一项将被清除。'),
    el('div', { class: 'grid' }, field('email', '电子邮箱', email), field('phone', '手机号码', phone)),
    el('div', { class: 'buttons' }, el('button', { type: 'submit' }, a.submit || '保存联系方式'),
      a.cancel ? el('button', { type: 'button', class: 'plain', on: { click: a.cancel } }, '取消') : null),
    el('p', { class: 'error form-error', role: 'alert' }));
  f.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(f);
    const cleared = [[email, cur.email, '电子邮箱'], [phone, cur.phone, '手机号码']]
      .filter(([box, was]) => was && !box.value.trim()).map(([, , name]) => name);
    if (cleared.length && !window.confirm('将清除已登记的' + cleared.join('和') + '，确定保存？')) return;
    await busy(f.querySelector('button[type=submit]'), async () => {
      try {
        const r = await api.put(path, { ...target, email: email.value.trim(), phone: phone.value.trim() });
        cur = { email: r.email, phone: r.phone };
        email.value = '';
        phone.value = '';
        email.placeholder = r.email || NONE;
        phone.placeholder = r.phone || NONE;
        notice('联系方式已保存');
        saved(r);
      } catch (e) { formError(f, e); }
    });
  });
  return f;
}

/* One recipient's row; 修改 opens its form in the row below it. */
function contactRow(d) {
  const email = el('td', { class: 'contact-email' }, d.email || NONE);
  const phone = el('td', { class: 'contact-phone' }, d.phone || NONE);
  const edit = el('button', { type: 'button', class: 'plain contact-edit-open' }, '修改');
  const tr = el('tr', { class: 'contact-row', 'data-kind': d.recipient_kind, 'data-id': d.recipient_id },
    el('td', {}, d.name || d.recipient_id), email, phone, el('td', { class: 'actions-cell' }, edit));
  let open = null;
  const close = () => { if (open) open.remove(); open = null; edit.disabled = false; };
  edit.addEventListener('click', () => {
    const form = contactEditor(dpath('/contacts'),
      { recipient_kind: d.recipient_kind, recipient_id: Number(d.recipient_id) },
      { email: d.email, phone: d.phone },
      (r) => {
        d.email = r.email;
        d.phone = r.phone;
        email.textContent = r.email || NONE;
        phone.textContent = r.phone || NONE;
        close();
      },
      { class: 'contact-form', submit: '保存', cancel: close,
        head: el('h3', {}, '修改 ' + (d.name || d.recipient_id) + ' 的联系方式') });
    open = el('tr', { class: 'contact-edit' }, el('td', { colSpan: 4 }, form));
    tr.after(open);
    edit.disabled = true;
    form.querySelector('input').focus();
  });
  return tr;
}

export default {
  id: 'contacts',
  title: '联系方式',
  roles: ['admin', 'office'],
  async render(root) {
    const kind = select(KINDS, { id: 'contacts-kind' });
    const list = el('div');
    root.append(
      heading('联系方式', el('label', { class: 'inline', for: 'contacts-kind' }, '类别 ', kind)),
      el('p', { class: 'hint' }, '短信和电子邮件通知发往此处登记的手机号码和电子邮箱；号码只显示部分。'),
      list);
    const pager = pagedList(list, {
      head: ['名称', '电子邮箱', '手机号码', ''],
      empty: '暂无记录',
      load: (cursor) => {
        const q = new URLSearchParams({ kind: kind.value, limit: '20' });
        if (cursor) q.set('cursor', cursor);
        return api.get(dpath('/contacts?' + q));
      },
      render: contactRow,
    });
    kind.addEventListener('change', () => pager.reload());
    await pager.reload();
  },
};
