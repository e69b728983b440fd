/* 通知公告 (office, admin): a notice to a group — every member, a sector, a
 * liaison group, the units, or members listed by id — sent to the inbox and
 * by e-mail / SMS per each recipient's settings (POST /announcements); the
 * list with how many have read each (GET /announcements); one notice's
 * recipients, read and unread (GET /announcements/{id}); a reminder to the
 * unread (POST /announcements/{id}/remind). */

import { api, dpath } from '../api.js';
import { el, notice, busy, heading, card, field, input, select, formError, clearErrors,
  pagedList, showTime, table } from '../ui.js';

const AUDIENCES = [
  ['members', '全体委员'], ['sector', '某一界别的委员'], ['liaison_group', '某一联络组的委员'],
  ['units', '全部承办单位'], ['list', '指定委员（编号）'],
];
const AUDIENCE_TEXT = Object.fromEntries(AUDIENCES);

function sendForm(done) {
  const audience = select(AUDIENCES, { id: 'announce-audience' });
  const group = input({ type: 'number', min: '1', id: 'announce-group' });
  const ids = input({ type: 'text', id: 'announce-ids', placeholder: '如：3, 5, 8' });
  const title = input({ type: 'text', maxlength: '40', id: 'announce-title' });
  const text = el('textarea', { rows: '5', maxlength: '2000', id: 'announce-body' });
  const groupField = field('group_id', '界别或联络组编号', group);
  const idsField = field('member_ids', '委员编号（以逗号分隔）', ids);
  const show = () => {
    groupField.hidden = !['sector', 'liaison_group'].includes(audience.value);
    idsField.hidden = audience.value !== 'list';
  };
  audience.addEventListener('change', show);
  const f = el('form', { id: 'announce-form', novalidate: true },
    field('title', '标题（不超过40字）', title),
    field('body', '正文（不超过2000字）', text),
    field('audience', '发送范围', audience), groupField, idsField,
    el('div', { class: 'buttons' }, el('button', { type: 'submit' }, '发送')),
    el('p', { class: 'error form-error', role: 'alert' }));
  show();
  f.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(f);
    const body = { title: title.value, body: text.value, audience: audience.value };
    if (!groupField.hidden) body.group_id = Number(group.value || 0);
    if (!idsField.hidden) {
      body.member_ids = ids.value.split(/[,，\s]+/).filter(Boolean).map(Number);
    }
    await busy(f.querySelector('button[type=submit]'), async () => {
      try {
        const r = await api.post(dpath('/announcements'), body);
        notice('通知公告已发送，共 ' + r.recipients + ' 位接收人');
        f.reset();
        show();
        await done();
      } catch (e) { formError(f, e); }
    });
  });
  return f;
}

async function showReceipts(box, id, reload) {
  const a = await api.get(dpath('/announcements/' + encodeURIComponent(id)));
  const unread = a.recipients.filter((r) => !r.read_at);
  const remind = el('button', { type: 'button', id: 'announce-remind', disabled: unread.length === 0 },
    '提醒未读人员（' + unread.length + '）');
  remind.addEventListener('click', async () => {
    remind.disabled = true;
    try {
      const r = await api.post(dpath('/announcements/' + encodeURIComponent(id) + '/remind'));
      notice('已向 ' + r.reminded + ' 位未读人员发送提醒');
      await reload();
    } catch (e) { remind.disabled = false; notice(e.message, true); }
  });
  box.replaceChildren(card(
    el('h3', {}, a.title),
    el('p', { class: 'meta' }, showTime(a.created_at) + ' · ' + (AUDIENCE_TEXT[a.audience] || a.audience) +
      (a.reminders ? ' · 已提醒 ' + a.reminders + ' 次' : '')),
    el('p', {}, a.body),
    el('p', { id: 'announce-counts' }, '已读 ' + (a.recipients.length - unread.length) + ' 人，未读 ' +
      unread.length + ' 人'),
    remind,
    table(['接收人', '阅读情况'], a.recipients.map((r) => el('tr', { class: r.read_at ? 'read' : 'unread' },
      el('td', {}, r.name || r.recipient_id),
      el('td', {}, r.read_at ? '已读（' + showTime(r.read_at) + '）' : '未读')))),
  ));
}

export default {
  id: 'announcements',
  title: '通知公告',
  roles: ['admin', 'office'],
  async render(root) {
    const list = el('div');
    const detail = el('div', { id: 'announce-detail' });
    let pager;
    const reload = async () => { await pager.reload(); };
    root.append(heading('通知公告'), card(sendForm(reload)), list, detail);
    pager = pagedList(list, {
      head: ['时间', '标题', '范围', '已读 / 接收人', ''],
      empty: '暂无通知公告',
      load: (cursor) => {
        const q = new URLSearchParams({ limit: '20' });
        if (cursor) q.set('cursor', cursor);
        return api.get(dpath('/announcements?' + q));
      },
      render: (a) => {
        const open = el('button', { type: 'button', class: 'plain' }, '查看阅读情况');
        const again = async () => {
          await pager.reload();
          await showReceipts(detail, a.id, again);
        };
        open.addEventListener('click', () => showReceipts(detail, a.id, again)
          .catch((e) => notice(e.message, true)));
        return el('tr', { 'data-id': a.id },
          el('td', { class: 'nowrap' }, showTime(a.created_at)),
          el('td', {}, a.title),
          el('td', {}, AUDIENCE_TEXT[a.audience] || a.audience),
          el('td', {}, a.read + ' / ' + a.recipients),
          el('td', { class: 'actions-cell' }, open));
      },
    });
    await pager.reload();
  },
};
