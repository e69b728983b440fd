/* 用户管理 (office: the accounts of their district; admin: every district's):
 *   GET /v1/users[?district=], POST /v1/users, POST /v1/users/{id}/disable,
 *   /enable, /password; GET/POST /v1/users/{id}/keys, DELETE
 *   /v1/users/{id}/keys/{key}; GET /v1/districts/{d}/feed-tokens, DELETE
 *   /v1/districts/{d}/members/{id}/feed-token.
 * Every change is audited by the gateway. A new API key is shown once, in
 * the answer that creates it; nothing else ever shows a key or a password. */

import { api, request, session, dpath } from '../api.js';
import { ROLE } from '../text.js';
import { el, notice, input, select, field, busy, heading, card, table, clearErrors, formError, showTime } from '../ui.js';

/* The roles each caller may create (the gateway refuses the others). */
const CREATABLE = {
  admin: ['member', 'leader', 'unit', 'partner', 'office', 'admin'],
  office: ['member', 'leader', 'unit', 'partner'],
};

function stateText(u) {
  if (u.disabled) return '已停用';
  if (u.locked) return '已锁定';
  return '正常';
}

/* The district this page works on: an office's own, an admin's chosen one. */
function district() { return session.district(); }

function createForm(ctx, onDone) {
  const roles = CREATABLE[ctx.user.role] || [];
  const role = select(roles.map((r) => [r, ROLE[r] || r]));
  const member = select([['', '（不关联）']].concat([...ctx.ref.members.values()].map((m) => [m.id, m.name])));
  const unit = select([['', '（不关联）']].concat(ctx.ref.units.map((u) => [u.id, u.name])));
  const memberBox = field('member_id', '对应委员', member);
  const unitBox = field('unit_id', '所属单位', unit);
  const sync = () => {
    memberBox.hidden = role.value !== 'member';
    unitBox.hidden = role.value !== 'unit';
  };
  role.addEventListener('change', sync);
  const f = el('form', { id: 'user-create', novalidate: true },
    el('div', { class: 'grid' },
      field('username', '用户名', input({ maxLength: 64, autocomplete: 'off', required: true })),
      field('display_name', '姓名', input({ maxLength: 128 })),
      field('role', '角色', role),
      memberBox, unitBox,
      field('password', '初始密码', input({ type: 'password', autocomplete: 'new-password', maxLength: 1024 }),
        '至少 12 个字符，或 8 个字符以上并含大写、小写、数字、符号中的三类；不能与用户名相同')),
    el('div', { class: 'buttons' }, el('button', { type: 'submit' }, '创建用户')),
    el('p', { class: 'error form-error', role: 'alert' }));
  sync();
  f.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(f);
    const e = f.elements;
    const body = { username: e.username.value.trim(), password: e.password.value, role: role.value };
    if (e.display_name.value.trim()) body.display_name = e.display_name.value.trim();
    if (role.value !== 'admin') body.district = district();
    if (role.value === 'member' && member.value) body.member_id = member.value;
    if (role.value === 'unit' && unit.value) body.unit_id = unit.value;
    await busy(f.querySelector('button[type=submit]'), async () => {
      try {
        const r = await api.post('/v1/users', body);
        e.password.value = '';
        notice('已创建用户 ' + r.username + '（' + (ROLE[r.role] || r.role) + '）');
        f.reset();
        sync();
        onDone();
      } catch (err) { formError(f, err); }
    });
  });
  return f;
}

/* The panel of one user's API keys: list, create (shown once), revoke. */
async function keysPanel(box, u) {
  const list = el('div');
  const shown = el('div', { class: 'key-once', hidden: true, role: 'status' });
  const load = async () => {
    const r = await api.get('/v1/users/' + u.id + '/keys');
    list.replaceChildren(r.items.length ? table(['名称', '创建时间', '到期', '状态', ''], r.items.map((k) => {
      const revoke = el('button', { type: 'button', class: 'plain', 'data-key': k.id, hidden: k.revoked }, '吊销');
      revoke.addEventListener('click', () => busy(revoke, async () => {
        if (!window.confirm('吊销密钥“' + k.name + '”？使用它的系统将无法再访问。')) return;
        try {
          await api.del('/v1/users/' + u.id + '/keys/' + k.id);
          notice('已吊销密钥 ' + k.name);
          await load();
        } catch (e) { notice(e.message, true); }
      }));
      return el('tr', { class: 'key-row' }, el('td', {}, k.name), el('td', {}, showTime(k.created_at)),
        el('td', {}, k.expires_at ? showTime(k.expires_at) : '不过期'),
        el('td', {}, k.revoked ? '已吊销' : '有效'), el('td', {}, revoke));
    })) : el('p', { class: 'empty' }, '暂无密钥'));
  };
  const f = el('form', { class: 'key-create', novalidate: true },
    el('div', { class: 'grid' },
      field('name', '密钥名称', input({ maxLength: 128 })),
      field('expires_in_days', '有效天数', input({ type: 'number', min: 1, max: 3650, defaultValue: 365 }))),
    el('div', { class: 'buttons' }, el('button', { type: 'submit' }, '生成密钥')),
    el('p', { class: 'error form-error', role: 'alert' }));
  f.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(f);
    const days = Number(f.elements.expires_in_days.value);
    const body = { name: f.elements.name.value.trim() };
    if (f.elements.expires_in_days.value !== '') body.expires_in_days = days;
    await busy(f.querySelector('button[type=submit]'), async () => {
      try {
        const r = await api.post('/v1/users/' + u.id + '/keys', body);
        shown.replaceChildren(el('p', {}, '新密钥（只显示这一次，请立即复制保存）：'),
          el('code', { class: 'key-value' }, r.key));
        shown.hidden = false;
        f.reset();
        await load();
      } catch (e) { formError(f, e); }
    });
  });
  await load();
  box.replaceChildren(el('h3', {}, (u.display_name || u.username) + ' 的接口密钥'), shown, list, f);
}

/* An inline form that sets a new password for `u`. */
function resetForm(u, done) {
  const f = el('form', { class: 'user-reset', novalidate: true },
    field('password', '新密码', input({ type: 'password', autocomplete: 'new-password', maxLength: 1024 })),
    el('div', { class: 'buttons' }, el('button', { type: 'submit' }, '确认重置'),
      el('button', { type: 'button', class: 'plain', on: { click: done } }, '取消')),
    el('p', { class: 'error form-error', role: 'alert' }));
  f.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(f);
    await busy(f.querySelector('button[type=submit]'), async () => {
      try {
        await api.post('/v1/users/' + u.id + '/password', { password: f.elements.password.value });
        f.elements.password.value = '';
        notice('已重置 ' + u.username + ' 的密码，其已登录的会话均已退出');
        done();
      } catch (e) { formError(f, e); }
    });
  });
  return f;
}

function userRow(ctx, u, reload, panel) {
  const acts = el('td', { class: 'actions' });
  const tr = el('tr', { class: 'user-row', 'data-username': u.username },
    el('td', {}, u.username), el('td', {}, u.display_name || ''),
    el('td', {}, ROLE[u.role] || u.role), el('td', {}, u.district || '全市'),
    el('td', { class: 'user-state' }, stateText(u)), el('td', {}, showTime(u.created_at)), acts);
  const mine = String(u.id) === String(ctx.user.id);
  const manageable = ctx.user.role === 'admin' || !['admin', 'office'].includes(u.role);
  if (!manageable || mine) return tr;
  const toggle = el('button', { type: 'button', class: 'plain user-toggle' }, u.disabled ? '启用' : '停用');
  toggle.addEventListener('click', () => busy(toggle, async () => {
    try {
      await request('POST', '/v1/users/' + u.id + (u.disabled ? '/enable' : '/disable'));   /* no body */
      notice((u.disabled ? '已启用 ' : '已停用 ') + u.username);
      await reload();
    } catch (e) { notice(e.message, true); }
  }));
  const reset = el('button', { type: 'button', class: 'plain user-reset-open' }, '重置密码');
  reset.addEventListener('click', () => {
    panel.replaceChildren(el('h3', {}, '重置 ' + u.username + ' 的密码'), resetForm(u, () => panel.replaceChildren()));
    panel.querySelector('input').focus();
  });
  const keys = el('button', { type: 'button', class: 'plain user-keys-open' }, '接口密钥');
  keys.addEventListener('click', () => busy(keys, async () => {
    try { await keysPanel(panel, u); } catch (e) { notice(e.message, true); }
  }));
  acts.append(toggle, reset, keys);
  return tr;
}

async function feedsCard(ctx) {
  const box = el('div', { id: 'feed-tokens' });
  const load = async () => {
    const r = await api.get(dpath('/feed-tokens'));
    box.replaceChildren(r.items.length ? table(['委员', '生成时间', '到期', ''], r.items.map((t) => {
      const revoke = el('button', { type: 'button', class: 'plain' }, '作废');
      revoke.addEventListener('click', () => busy(revoke, async () => {
        try {
          await api.del(dpath('/members/' + t.member_id + '/feed-token'));
          notice('已作废 ' + ctx.memberName(t.member_id) + ' 的订阅链接');
          await load();
        } catch (e) { notice(e.message, true); }
      }));
      return el('tr', { class: 'feed-row' }, el('td', {}, ctx.memberName(t.member_id)),
        el('td', {}, showTime(t.created_at)), el('td', {}, t.expires_at ? showTime(t.expires_at) : '不过期'),
        el('td', {}, revoke));
    })) : el('p', { class: 'empty' }, '暂无订阅链接'));
  };
  await load();
  return card(el('h3', {}, '值班日历订阅链接'),
    el('p', { class: 'hint' }, '委员生成的日历订阅链接；作废后原链接立即失效，委员可重新生成。'), box);
}

export default {
  id: 'users',
  title: '用户管理',
  roles: ['office', 'admin'],
  async render(root, ctx) {
    const list = el('div', { id: 'user-list' });
    const panel = el('div', { id: 'user-panel', class: 'card' });
    const scope = ctx.user.role === 'admin' && district() ? '?district=' + encodeURIComponent(district()) : '';
    const reload = async () => {
      const r = await api.get('/v1/users' + scope);
      list.replaceChildren(table(['用户名', '姓名', '角色', '行政区', '状态', '创建时间', '操作'],
        r.items.map((u) => userRow(ctx, u, reload, panel))));
    };
    await reload();
    root.append(
      heading('用户管理' + (district() ? '（' + district() + '）' : '')),
      card(el('h3', {}, '新建用户'), createForm(ctx, reload)),
      card(list), panel,
      district() ? await feedsCard(ctx) : null);
  },
};
