/* 通知发送: the office's view of the external deliveries (GET /notifications
 * ?status=, paged): what went out by e-mail, SMS and webhook, what waits,
 * what failed and why; a dead delivery is retried by hand
 * (POST /notifications/{id}/retry). Addresses are never shown. */

import { api, dpath } from '../api.js';
import { el, notice, showTime, pagedList, heading, select } from '../ui.js';

const CHANNELS = { email: '电子邮件', sms: '短信', webhook: '接口推送' };
const STATUSES = [
  ['', '全部'], ['pending', '待发送'], ['sending', '发送中'], ['sent', '已发送'],
  ['dead', '发送失败'], ['digest', '待汇总'],
];
const STATUS_TEXT = Object.fromEntries(STATUSES);
const KINDS = { member: '委员', unit: '承办单位', partner: '协作单位' };

export default {
  id: 'notifications',
  title: '通知发送',
  roles: ['admin', 'office'],
  async render(root) {
    const status = select(STATUSES, { id: 'notifications-status' });
    const list = el('div');
    root.append(
      heading('通知发送', el('label', { class: 'inline', for: 'notifications-status' }, '状态 ', status)),
      list);
    const pager = pagedList(list, {
      head: ['时间', '渠道', '接收方', '内容', '状态', ''],
      empty: '暂无发送记录',
      load: (cursor) => {
        const q = new URLSearchParams({ limit: '20' });
        if (status.value) q.set('status', status.value);
        if (cursor) q.set('cursor', cursor);
        return api.get(dpath('/notifications?' + q));
      },
      render: (d) => {
        const state = el('span', { class: d.status === 'dead' ? 'bad' : '' },
          STATUS_TEXT[d.status] || d.status,
          d.attempts ? '（已尝试' + d.attempts + '次）' : '');
        const why = d.last_error ? el('div', { class: 'meta' }, '原因：' + d.last_error) : null;
        const retry = d.status !== 'dead' ? null : el('button', {
          type: 'button', class: 'plain',
          on: { click: async () => {
            retry.disabled = true;
            try {
              await api.post(dpath('/notifications/' + encodeURIComponent(d.id) + '/retry'));
              notice('已重新加入发送队列');
              await pager.reload();
            } catch (e) { retry.disabled = false; notice(e.message, true); }
          } },
        }, '重新发送');
        return el('tr', {},
          el('td', { class: 'nowrap' }, showTime(d.created_at)),
          el('td', {}, CHANNELS[d.channel] || d.channel),
          el('td', {}, (KINDS[d.recipient_kind] || d.recipient_kind) +
            (d.recipient_id !== '0' ? ' ' + d.recipient_id : '')),
          el('td', {}, d.subject || '—'),
          el('td', {}, state, why),
          el('td', { class: 'actions-cell' }, retry));
      },
    });
    status.addEventListener('change', () => pager.reload());
    await pager.reload();
  },
};
