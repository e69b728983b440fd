/* checkin: the one page a QR check-in link opens (a member, on a phone, not in
 * the menu): a button that posts the link's token to its service, and the
 * answer (签到成功, or the server's reason). Assess's meetings, consult's
 * consultations and supervise's activities each declare theirs with it. */
import { api } from '../api.js';
import { el, heading, card, busy } from '../ui.js';

/* A page `id` titled `title`; pathOf(id, token) is the check-in route, where
 * `id` is the token's first part ("<object id>.<expiry>.<mac>"). */
export function checkinPage(id, title, pathOf) {
  return {
    id,
    title,
    roles: ['member'],
    nav: false,
    async render(root, ctx, arg) {
      const token = arg || '';
      const go = el('button', { type: 'button', id: 'checkin-now' }, '确认签到');
      const result = el('p', { id: 'checkin-result', role: 'status' });
      go.addEventListener('click', () => busy(go, () => api.post(pathOf(token.split('.')[0]), { token })
        .then(() => { result.className = 'ok'; result.textContent = '签到成功'; go.hidden = true; },
          (e) => { result.className = 'error'; result.textContent = e.serverMessage || e.message; })));
      root.append(heading(title), card(el('p', {}, ctx.user.display_name || ''), go, result));
    },
  };
}
