/* app: login, the reference data, the navigation by role and the hash
 * router (#/rota). Pages are modules listed in pages/index.js; each says
 * which roles see it. See web/README.md. */

import { api, session, dpath, ApiError } from './api.js';
import { el, notice, clearErrors, showFieldErrors } from './ui.js';
import { ROLE } from './text.js';
import { PAGES } from './pages/index.js';

const $ = (id) => document.getElementById(id);
const UNREAD_POLL_MS = 60000;

/* What every page gets: the user, the district's reference data, helpers. */
const ctx = {
  user: null,
  ref: { workrooms: [], members: new Map(), units: [] },
  memberName(id) { const m = ctx.ref.members.get(String(id)); return m ? m.name : '委员' + id; },
  roomName(id) { const w = ctx.ref.workrooms.find((x) => x.id === String(id)); return w ? w.name : '工作室' + id; },
  unitName(id) { const u = ctx.ref.units.find((x) => x.id === String(id)); return u ? u.name : ''; },
  is(...roles) { return roles.includes(ctx.user.role); },
  go(id, arg) {
    const h = '#/' + id + (arg ? '/' + encodeURIComponent(arg) : '');
    if (location.hash === h) route(); else location.hash = h;
  },
  refreshUnread: () => refreshUnread(),
  passwordChanged() {
    if (!ctx.user.password_expired) return;
    ctx.user.password_expired = false;
    enter(ctx.user);
  },
};

let unreadTimer = null;
let rendering = 0;

/* The pages of `role`; only 修改密码 while the user's password has expired. */
function pagesFor(role) {
  if (ctx.user && ctx.user.password_expired) return PAGES.filter((p) => p.id === 'account');
  return PAGES.filter((p) => p.roles.includes(role));
}

async function login(ev) {
  ev.preventDefault();
  const f = ev.target;
  clearErrors(f);
  $('login-error').textContent = '';
  try {
    const r = await api.post('/v1/sessions', {
      username: f.elements.username.value.trim(), password: f.elements.password.value,
    });
    f.elements.password.value = '';
    session.setToken(r.token);
    await enter(Object.assign(r.user, { password_expired: !!r.password_expired }));
  } catch (e) {
    if (e instanceof ApiError) showFieldErrors(f, e.fields);
    $('login-error').textContent = e.message;
  }
}

async function logout(tellServer) {
  if (tellServer && session.token) {
    try { await api.del('/v1/sessions'); } catch (e) { /* gone anyway */ }
  }
  session.setToken(null);
  session.user = null;
  ctx.user = null;
  clearInterval(unreadTimer);
  unreadTimer = null;
  $('app-view').hidden = true;
  $('who').hidden = true;
  $('login-view').hidden = false;
  $('page').replaceChildren();
  $('nav').replaceChildren();
  document.body.dataset.role = '';
  if (location.hash) history.replaceState(null, '', location.pathname);
  $('login-form').elements.username.focus();
}

async function loadReference() {
  try {
    const [rooms, members, units] = await Promise.all([
      api.get(dpath('/workrooms')), api.get(dpath('/members')), api.get(dpath('/units')),
    ]);
    ctx.ref.workrooms = rooms.items;
    ctx.ref.members = new Map(members.items.map((m) => [m.id, m]));
    ctx.ref.units = units.items;
  } catch (e) {
    ctx.ref.workrooms = [];
    ctx.ref.members = new Map();
    ctx.ref.units = [];
    notice(e.message, true);
  }
}

function buildNav() {
  const nav = $('nav');
  nav.replaceChildren(el('ul', {}, pagesFor(ctx.user.role).filter((p) => p.nav !== false).map((p) =>
    el('li', {}, el('a', { href: '#/' + p.id, 'data-page': p.id },
      p.title, p.id === 'inbox' ? el('span', { id: 'unread-count', class: 'badge', hidden: true }) : null)))));
}

async function enter(user) {
  session.user = user;
  ctx.user = user;
  document.body.dataset.role = user.role;
  $('who-name').textContent = (user.display_name || user.username) + '（' + (ROLE[user.role] || user.role) + '）';
  $('district-box').hidden = !!user.district;
  if (!user.district) session.setDistrict($('district').value.trim());
  $('login-view').hidden = true;
  $('who').hidden = false;
  $('app-view').hidden = false;
  buildNav();
  clearInterval(unreadTimer);
  if (!user.password_expired) {
    await loadReference();
    unreadTimer = setInterval(refreshUnread, UNREAD_POLL_MS);
    refreshUnread();
  }
  await route();
}

/* #/<page>[/<arg>]: the page's render(root, ctx, arg). A page the role
 * does not have falls back to the role's first page. */
async function route() {
  if (!ctx.user) return;
  const [, id, arg] = (location.hash.match(/^#\/([a-z-]+)(?:\/(.*))?$/) || []);
  const mine = pagesFor(ctx.user.role);
  const page = mine.find((p) => p.id === id) || mine[0];
  if (!page) return;
  if (page.id !== id) { history.replaceState(null, '', '#/' + page.id); }
  document.querySelectorAll('#nav a').forEach((a) => {
    if (a.dataset.page === page.id) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  });
  const root = $('page');
  const mark = ++rendering;
  root.replaceChildren(el('p', { class: 'empty' }, '加载中…'));
  root.dataset.page = page.id;
  document.title = page.title + ' · 连心';
  try {
    const box = el('div', { class: 'page-body' });
    await page.render(box, ctx, arg ? decodeURIComponent(arg) : undefined);
    if (mark === rendering) root.replaceChildren(box);
  } catch (e) {
    if (mark === rendering) root.replaceChildren(el('p', { class: 'error' }, e.message || String(e)));
  }
  if (mark === rendering) root.focus({ preventScroll: true });
}

async function refreshUnread() {
  if (!session.token) return;
  try {
    const r = await api.get(dpath('/inbox?unread=true&limit=100'));
    const badge = $('unread-count');
    if (!badge) return;
    badge.textContent = r.next_cursor ? '99+' : String(r.items.length);
    badge.hidden = r.items.length === 0;
  } catch (e) { /* the badge is optional */ }
}

async function start() {
  session.onUnauthenticated(() => { logout(false); notice('登录已失效，请重新登录', true); });
  $('login-form').addEventListener('submit', login);
  $('logout').addEventListener('click', () => logout(true));
  $('district').addEventListener('change', async () => {
    session.setDistrict($('district').value.trim());
    await loadReference();
    refreshUnread();
    route();
  });
  window.addEventListener('hashchange', route);
  if (session.token) {
    try {
      await enter(await api.get('/v1/me'));
      return;
    } catch (e) {
      session.setToken(null);
    }
  }
  $('login-view').hidden = false;
}

start();
