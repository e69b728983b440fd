/* 消息: the caller's inbox (GET /inbox, POST /inbox/{id}/read), paged. */

import { api, dpath } from '../api.js';
import { el, notice, showTime, pagedList, heading } from '../ui.js';

const LINKS = { visit: 'log', report: 'reports', issue: 'issues', rota: 'duties', calendar: 'calendar' };

export default {
  id: 'inbox',
  title: '消息',
  roles: ['admin', 'office', 'leader', 'member', 'unit', 'partner'],
  async render(root, ctx) {
    const unread = el('input', { type: 'checkbox', id: 'inbox-unread' });
    const list = el('div');
    root.append(
      heading('消息', el('label', { class: 'inline', for: 'inbox-unread' }, unread, ' 只看未读')),
      list);
    const pager = pagedList(list, {
      head: ['时间', '内容', ''],
      empty: '暂无消息',
      load: (cursor) => {
        const q = new URLSearchParams({ limit: '20' });
        if (unread.checked) q.set('unread', 'true');
        if (cursor) q.set('cursor', cursor);
        return api.get(dpath('/inbox?' + q));
      },
      render: (it) => {
        const tr = el('tr', { class: it.read_at ? '' : 'unread' });
        const target = LINKS[it.object_type];
        const open = target && ctx.user && pagesHas(ctx, target)
          ? el('a', { href: '#/' + target + (it.object_type === 'calendar' ? '' : '/' + it.object_id) }, '查看') : null;
        const mark = it.read_at ? el('span', { class: 'meta' }, '已读') : el('button', {
          type: 'button', class: 'plain',
          on: { click: async () => {
            mark.disabled = true;
            try {
              await api.post(dpath('/inbox/' + encodeURIComponent(it.id) + '/read'));
              tr.classList.remove('unread');
              mark.replaceWith(el('span', { class: 'meta' }, '已读'));
              ctx.refreshUnread();
            } catch (e) { mark.disabled = false; notice(e.message, true); }
          } },
        }, '标记已读');
        tr.append(
          el('td', { class: 'nowrap' }, showTime(it.created_at)),
          el('td', {}, el('div', { class: 'title' }, it.title), el('div', {}, it.body)),
          el('td', { class: 'actions-cell' }, open, ' ', mark));
        return tr;
      },
    });
    unread.addEventListener('change', () => pager.reload());
    await pager.reload();
    ctx.refreshUnread();
  },
};

function pagesHas(ctx, id) {
  return !!document.querySelector('#nav a[data-page="' + id + '"]');
}
