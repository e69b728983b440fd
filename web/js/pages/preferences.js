/* 通知设置 (every role): the caller's own channels beyond the inbox (e-mail,
 * SMS) and the daily digest instead of single e-mails.
 * GET / PUT /v1/districts/{d}/me/preferences {channels, digest}. */

import { api, dpath, session } from '../api.js';
import { el, notice, busy, heading, card, formError, clearErrors } from '../ui.js';
import { contactEditor } from './contacts.js';

const CHANNELS = [['email', '电子邮件'], ['sms', '短信']];

export default {
  id: 'preferences',
  title: '通知设置',
  roles: ['admin', 'office', 'leader', 'member', 'unit'],
  async render(root) {
    const cur = await api.get(dpath('/me/preferences'));
    const boxes = CHANNELS.map(([v, label]) => {
      const box = el('input', { type: 'checkbox', name: 'channels', value: v, id: 'pref-' + v });
      box.checked = (cur.channels || []).includes(v);
      return el('label', { class: 'inline', for: 'pref-' + v }, box, ' ' + label);
    });
    const digest = el('input', { type: 'checkbox', name: 'digest', id: 'pref-digest' });
    digest.checked = !!cur.digest;
    const f = el('form', { id: 'preferences-form', novalidate: true },
      el('p', {}, '系统内消息始终开启。您还可以通过以下渠道接收通知：'),
      el('div', { class: 'field', 'data-field': 'channels' }, ...boxes),
      el('label', { class: 'inline', for: 'pref-digest' }, digest, ' 每日汇总为一封邮件，不逐条发送'),
      el('div', { class: 'buttons' }, el('button', { type: 'submit' }, '保存')),
      el('p', { class: 'error form-error', role: 'alert' }));
    f.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearErrors(f);
      const channels = [...f.querySelectorAll('input[name=channels]:checked')].map((b) => b.value);
      await busy(f.querySelector('button[type=submit]'), async () => {
        try {
          await api.put(dpath('/me/preferences'), { channels, digest: digest.checked });
          notice('通知设置已保存');
        } catch (e) { formError(f, e); }
      });
    });
    root.append(heading('通知设置'), card(f));
    const role = session.user && session.user.role;
    if (role === 'member' || role === 'unit') root.append(card(await contactForm()));
  },
};

/* 我的联系方式 (members, units): GET / PUT /me/contact, shown masked. */
async function contactForm() {
  const cur = await api.get(dpath('/me/contact'));
  const now = (c) => '当前：邮箱 ' + (c.email || '未填写') + '，手机 ' + (c.phone || '未填写');
  const shown = el('p', { id: 'contact-current' }, now(cur));
  return contactEditor(dpath('/me/contact'), {}, cur, (r) => { shown.textContent = now(r); },
    { id: 'contact-form', emailId: 'contact-email', phoneId: 'contact-phone',
      head: [el('h3', {}, '我的联系方式'), shown] });
}
