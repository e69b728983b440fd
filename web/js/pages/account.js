/* 修改密码 (every role, sessions only): POST /v1/me/password
 * {current_password, new_password}. The only page of a user whose password
 * has expired (the gateway answers 403 password_expired elsewhere); a
 * change ends the user's other sessions. */

import { api } from '../api.js';
import { el, notice, input, field, busy, heading, card, clearErrors, formError, showFieldErrors } from '../ui.js';

export default {
  id: 'account',
  title: '修改密码',
  roles: ['admin', 'office', 'leader', 'member', 'unit', 'partner'],
  async render(root, ctx) {
    const pw = (name) => input({ type: 'password', name, autocomplete: name === 'current_password' ? 'current-password' : 'new-password', maxLength: 1024 });
    const f = el('form', { id: 'password-form', novalidate: true },
      field('current_password', '当前密码', pw('current_password')),
      field('new_password', '新密码', pw('new_password'),
        '至少 12 个字符，或 8 个字符以上并含大写、小写、数字、符号中的三类；不能与用户名或最近 5 次的密码相同'),
      field('confirm', '再次输入新密码', pw('confirm')),
      el('div', { class: 'buttons' }, el('button', { type: 'submit' }, '修改密码')),
      el('p', { class: 'error form-error', role: 'alert' }));
    f.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearErrors(f);
      const e = f.elements;
      if (e.new_password.value !== e.confirm.value) {
        showFieldErrors(f, { confirm: 'mismatch_password' });
        return;
      }
      await busy(f.querySelector('button[type=submit]'), async () => {
        try {
          await api.post('/v1/me/password', { current_password: e.current_password.value, new_password: e.new_password.value });
          f.reset();
          notice('密码已修改；您在其他设备上的登录已退出');
          ctx.passwordChanged();
        } catch (err) { formError(f, err); }
      });
    });
    root.append(heading('修改密码'),
      ctx.user.password_expired ? el('p', { class: 'error', id: 'password-expired' }, '您的密码已过期，请先修改密码再继续使用。') : null,
      card(f));
  },
};
