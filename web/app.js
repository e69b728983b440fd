/* 连心 web console: login, recording a visit, the public-opinion log and
 * the inbox, against the gateway's /v1 API. Plain JS, no build step. Never
 * writes server data as HTML (textContent only) and keeps the session token
 * in sessionStorage only (gone when the tab closes). */
'use strict';

(function () {
  const CATEGORIES = [
    ['urban_construction', '城乡建设'], ['transport', '交通'], ['education', '教育'],
    ['health', '医疗卫生'], ['social_security', '社会保障'], ['environment', '生态环境'],
    ['public_security', '社会治安'], ['business', '营商环境'], ['other', '其他'],
  ];
  const CATEGORY_LABEL = Object.fromEntries(CATEGORIES);
  const FIELD_CODES = {
    required: '必填', too_long: '过长', invalid: '格式不正确', not_found: '不存在',
    wrong_type: '类型不正确', out_of_range: '超出允许范围', unknown_field: '未知字段',
    too_many: '数量过多', duplicate: '重复', in_future: '不能晚于当前时间',
  };
  const ERROR_CODES = {
    invalid_credentials: '用户名或密码错误',
    account_locked: '登录失败次数过多，账号已临时锁定，请稍后再试',
    unauthenticated: '登录已失效，请重新登录',
    forbidden: '无权进行此操作',
    not_found: '记录不存在',
    rate_limited: '操作过于频繁，请稍后再试',
    unavailable: '服务暂时不可用，请稍后重试',
    body_too_large: '内容过长',
    validation_failed: '请检查标红的内容',
    unprocessable: '工作室或委员不存在',
    malformed_json: '请求格式错误',
    bad_request: '请求参数不正确',
    internal: '服务器内部错误，请联系管理员',
    bad_gateway: '服务应答异常，请稍后重试',
  };

  const $ = (id) => document.getElementById(id);
  const state = {
    token: sessionStorage.getItem('lianxin.token'),
    user: null,
    workrooms: [],
    members: new Map(),
    logCursor: null,
    inboxCursor: null,
    unreadTimer: null,
  };
  const UNREAD_POLL_MS = 60000;

  /* ---- the API ------------------------------------------------------------ */

  class ApiError extends Error {
    constructor(status, body) {
      const err = (body && body.error) || {};
      super(ERROR_CODES[err.code] || err.message || ('请求失败 (' + status + ')'));
      this.status = status;
      this.code = err.code || '';
      this.fields = err.fields || {};
    }
  }

  async function api(method, path, body) {
    const headers = {};
    if (state.token) headers.Authorization = 'Bearer ' + state.token;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let res;
    try {
      res = await fetch(path, {
        method, headers, body: body === undefined ? undefined : JSON.stringify(body),
        cache: 'no-store',
      });
    } catch (e) {
      throw new ApiError(0, { error: { code: 'unavailable' } });
    }
    /* an unread body, even an empty one, shows up as a cancelled request */
    const data = res.status === 204 ? (await res.text(), null) : await res.json().catch(() => null);
    if (!res.ok) {
      const e = new ApiError(res.status, data);
      if (res.status === 401 && path !== '/v1/sessions') logout(false);
      throw e;
    }
    return data;
  }

  function district() {
    if (state.user && state.user.district) return state.user.district;
    return $('district').value.trim();
  }

  function dpath(rest) {
    return '/v1/districts/' + encodeURIComponent(district()) + rest;
  }

  /* ---- small helpers ---------------------------------------------------------- */

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') e.className = v;
      else if (k.startsWith('data-')) e.setAttribute(k, v);
      else e[k] = v;
    }
    for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(c ?? ''));
    return e;
  }

  function notice(text, bad) {
    const n = $('notice');
    n.textContent = text;
    n.classList.toggle('bad', !!bad);
    n.hidden = !text;
    if (text && !bad) setTimeout(() => { if (n.textContent === text) n.hidden = true; }, 4000);
  }

  function showTime(rfc3339) {
    return rfc3339 ? rfc3339.slice(0, 16).replace('T', ' ') : '';
  }

  /* "2026-11-26T09:30" from <input type=datetime-local> is Beijing time. */
  function toRfc3339(local) {
    if (!local) return '';
    return (local.length === 16 ? local + ':00' : local) + '+08:00';
  }

  function nowLocalCst() {
    return new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 16);
  }

  function clearFieldErrors(form) {
    form.querySelectorAll('.field-error').forEach((s) => { s.textContent = ''; });
    form.querySelectorAll('[aria-invalid]').forEach((c) => c.removeAttribute('aria-invalid'));
  }

  /* Each error goes under its field, whose control is outlined in red. */
  function showFieldErrors(form, fields) {
    for (const [path, code] of Object.entries(fields)) {
      const key = path.replace(/\[\d+\]$/, '');
      const slot = form.querySelector('.field-error[data-field="' + CSS.escape(key) + '"]');
      if (!slot) continue;
      slot.textContent = FIELD_CODES[code] || code;
      const box = slot.closest('label, fieldset');
      const control = box && box.querySelector('input, select, textarea');
      if (box && box.tagName === 'FIELDSET') box.setAttribute('aria-invalid', 'true');
      else if (control) control.setAttribute('aria-invalid', 'true');
    }
  }

  /* ---- login ---------------------------------------------------------------- */

  async function login(ev) {
    ev.preventDefault();
    const f = ev.target;
    $('login-error').textContent = '';
    try {
      const r = await api('POST', '/v1/sessions', {
        username: f.elements.username.value.trim(), password: f.elements.password.value,
      });
      f.elements.password.value = '';
      state.token = r.token;
      sessionStorage.setItem('lianxin.token', r.token);
      await enter(r.user);
    } catch (e) {
      $('login-error').textContent = e.message;
    }
  }

  async function logout(tellServer) {
    if (tellServer && state.token) {
      try { await api('DELETE', '/v1/sessions'); } catch (e) { /* gone anyway */ }
    }
    state.token = null;
    state.user = null;
    clearInterval(state.unreadTimer);
    state.unreadTimer = null;
    sessionStorage.removeItem('lianxin.token');
    $('app-view').hidden = true;
    $('who').hidden = true;
    $('login-view').hidden = false;
  }

  async function enter(user) {
    state.user = user;
    $('who-name').textContent = (user.display_name || user.username) + '（' + roleName(user.role) + '）';
    $('district-box').hidden = !!user.district;
    $('login-view').hidden = true;
    $('who').hidden = false;
    $('app-view').hidden = false;
    await loadReference();
    showTab('record');
    clearInterval(state.unreadTimer);
    state.unreadTimer = setInterval(refreshUnread, UNREAD_POLL_MS);
  }

  function roleName(r) {
    return { admin: '管理员', office: '政协办公室', leader: '领导', member: '委员',
             unit: '承办单位', partner: '协作单位' }[r] || r;
  }

  /* ---- reference data ---------------------------------------------------------- */

  async function loadReference() {
    try {
      const [rooms, members] = await Promise.all([
        api('GET', dpath('/workrooms')), api('GET', dpath('/members')),
      ]);
      state.workrooms = rooms.items;
      state.members = new Map(members.items.map((m) => [m.id, m]));
    } catch (e) {
      state.workrooms = [];
      state.members = new Map();
      notice(e.message, true);
    }
    fillRooms();
  }

  function fillRooms() {
    const form = $('visit-form');
    form.elements.workroom_id.replaceChildren(el('option', { value: '' }, '请选择'),
      ...state.workrooms.map((w) => el('option', { value: w.id }, w.name)));
    const filter = $('log-filter').elements.workroom_id;
    filter.replaceChildren(el('option', { value: '' }, '全部'),
      ...state.workrooms.map((w) => el('option', { value: w.id }, w.name)));
    fillMembers();
  }

  /* The members of the chosen room (all of the district before a room is chosen). */
  function fillMembers() {
    const form = $('visit-form');
    const room = state.workrooms.find((w) => w.id === form.elements.workroom_id.value);
    const own = room ? room.member_ids : [];
    const rest = [...state.members.keys()].filter((id) => !own.includes(id));
    const me = state.user && state.user.member_id;
    const box = $('member-choices');
    box.replaceChildren(...[...own, ...(room ? [] : rest)].map((id) => {
      const m = state.members.get(id);
      const cb = el('input', { type: 'checkbox', value: id, checked: id === me });
      return el('label', {}, cb, m ? m.name : id);
    }));
  }

  function fillCategories() {
    const opts = () => CATEGORIES.map(([v, l]) => el('option', { value: v }, l));
    $('visit-form').elements.category.replaceChildren(el('option', { value: '' }, '请选择'), ...opts());
    $('log-filter').elements.category.replaceChildren(el('option', { value: '' }, '全部'), ...opts());
  }

  /* ---- 记录来访 ------------------------------------------------------------------ */

  function visitBody(f) {
    const body = {
      workroom_id: f.elements.workroom_id.value || null,
      received_at: toRfc3339(f.elements.received_at.value) || null,
      member_ids: [...$('member-choices').querySelectorAll('input:checked')].map((c) => c.value),
      summary: f.elements.summary.value.trim() || null,
      category: f.elements.category.value || null,
      location: f.elements.location.value.trim(),
      kind: f.elements.kind.value,
      promised: f.elements.promised.value.trim(),
    };
    if (f.elements.on_spot_action.value) body.on_spot_action = f.elements.on_spot_action.value;
    const name = f.elements.visitor_name.value.trim();
    const phone = f.elements.visitor_phone.value.trim();
    if (!f.elements.anonymous.checked && (name || phone)) {
      body.visitor = {};
      if (name) body.visitor.name = name;
      if (phone) body.visitor.phone = phone;
    }
    if (!body.member_ids.length) body.member_ids = null;
    return body;
  }

  async function recordVisit(ev) {
    ev.preventDefault();
    const f = ev.target;
    clearFieldErrors(f);
    $('visit-error').textContent = '';
    const button = f.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      const r = await api('POST', dpath('/visits'), visitBody(f));
      notice('已记录（编号 ' + r.id + '）');
      f.elements.summary.value = '';
      f.elements.promised.value = '';
      f.elements.visitor_name.value = '';
      f.elements.visitor_phone.value = '';
      f.elements.location.value = '';
      f.elements.received_at.value = nowLocalCst();
    } catch (e) {
      showFieldErrors(f, e.fields);
      $('visit-error').textContent = e.status === 403 && state.user && state.user.role === 'member'
        ? '委员只能记录本人参与的接待：请在接待委员中勾选本人' : e.message;
    } finally {
      button.disabled = false;
    }
  }

  /* ---- 民情日志 ------------------------------------------------------------------- */

  function visitRow(v) {
    const visitor = v.visitor ? [v.visitor.name, v.visitor.phone].filter(Boolean).join(' ') : '匿名';
    const names = v.member_ids.map((id) => (state.members.get(id) || {}).name || id).join('、');
    return el('tr', {},
      el('td', {}, showTime(v.received_at)),
      el('td', {}, v.workroom_name),
      el('td', {}, CATEGORY_LABEL[v.category] || v.category),
      el('td', { class: 'summary' }, v.summary),
      el('td', {}, visitor),
      el('td', {}, names));
  }

  async function loadLog(more) {
    const f = $('log-filter');
    const q = new URLSearchParams({ limit: '20' });
    if (f.elements.workroom_id.value) q.set('workroom_id', f.elements.workroom_id.value);
    if (f.elements.category.value) q.set('category', f.elements.category.value);
    if (f.elements.from.value) q.set('from', f.elements.from.value);
    if (f.elements.to.value) q.set('to', f.elements.to.value);
    if (more && state.logCursor) q.set('cursor', state.logCursor);
    try {
      const r = await api('GET', dpath('/visits?' + q));
      const rows = $('log-rows');
      if (!more) rows.replaceChildren();
      rows.append(...r.items.map(visitRow));
      state.logCursor = r.next_cursor;
      $('log-more').hidden = !r.next_cursor;
      $('log-empty').hidden = rows.children.length > 0;
    } catch (e) {
      notice(e.message, true);
    }
  }

  /* ---- 消息 ------------------------------------------------------------------------ */

  function inboxItem(it) {
    const li = el('li', { class: it.read_at ? '' : 'unread' },
      el('div', {},
        el('div', { class: 'title' }, it.title),
        el('div', {}, it.body),
        el('div', { class: 'meta' }, showTime(it.created_at) + (it.read_at ? ' · 已读' : ''))));
    if (!it.read_at) {
      const b = el('button', { type: 'button', class: 'plain' }, '标记已读');
      b.addEventListener('click', async () => {
        b.disabled = true;
        try {
          await api('POST', dpath('/inbox/' + encodeURIComponent(it.id) + '/read'));
          li.classList.remove('unread');
          li.querySelector('.meta').append(' · 已读');
          b.remove();
          refreshUnread();
        } catch (e) {
          b.disabled = false;
          notice(e.message, true);
        }
      });
      li.append(b);
    }
    return li;
  }

  async function loadInbox(more) {
    const q = new URLSearchParams({ limit: '20' });
    if ($('inbox-unread').checked) q.set('unread', 'true');
    if (more && state.inboxCursor) q.set('cursor', state.inboxCursor);
    try {
      const r = await api('GET', dpath('/inbox?' + q));
      const list = $('inbox-items');
      if (!more) list.replaceChildren();
      list.append(...r.items.map(inboxItem));
      state.inboxCursor = r.next_cursor;
      $('inbox-more').hidden = !r.next_cursor;
      $('inbox-empty').hidden = list.children.length > 0;
      if (!more) refreshUnread();
    } catch (e) {
      notice(e.message, true);
    }
  }

  /* The unread badge: on login, on every tab change, after reading, and
   * every minute (new items arrive as other people record visits). */
  async function refreshUnread() {
    if (!state.token) return;
    try {
      const r = await api('GET', dpath('/inbox?unread=true&limit=100'));
      const n = r.items.length;
      const badge = $('unread-count');
      badge.textContent = r.next_cursor ? '99+' : String(n);
      badge.hidden = n === 0;
    } catch (e) { /* the badge is optional */ }
  }

  /* ---- tabs and start ------------------------------------------------------------- */

  function showTab(name) {
    document.querySelectorAll('.tabs button').forEach((b) => {
      b.classList.toggle('active', b.dataset.tab === name);
    });
    for (const t of ['record', 'log', 'inbox']) $('tab-' + t).hidden = t !== name;
    if (name === 'log') loadLog(false);
    if (name === 'inbox') loadInbox(false);   /* refreshes the badge too */
    else refreshUnread();
  }

  async function start() {
    fillCategories();
    $('visit-form').elements.received_at.value = nowLocalCst();
    $('login-form').addEventListener('submit', login);
    $('logout').addEventListener('click', () => logout(true));
    $('visit-form').addEventListener('submit', recordVisit);
    $('visit-form').elements.workroom_id.addEventListener('change', fillMembers);
    $('visit-form').elements.anonymous.addEventListener('change', (e) => {
      $('visitor-fields').hidden = e.target.checked;
    });
    $('log-filter').addEventListener('submit', (e) => { e.preventDefault(); loadLog(false); });
    $('log-more').addEventListener('click', () => loadLog(true));
    $('inbox-more').addEventListener('click', () => loadInbox(true));
    $('inbox-unread').addEventListener('change', () => loadInbox(false));
    $('district').addEventListener('change', () => { loadReference(); refreshUnread(); });
    document.querySelectorAll('.tabs button').forEach((b) => {
      b.addEventListener('click', () => showTab(b.dataset.tab));
    });
    if (state.token) {
      try {
        await enter(await api('GET', '/v1/me'));
      } catch (e) {
        logout(false);
      }
    }
  }

  document.addEventListener('DOMContentLoaded', start);
})();
