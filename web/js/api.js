/* api: the one way the console talks to the gateway's /v1 API. Keeps the
 * session token in sessionStorage only (gone when the tab closes), turns
 * error bodies into ApiError (with `fields`), and learns the server's clock
 * from each answer's Date header so that "today" is the server's day in
 * UTC+8, not the browser's. */

import { ERROR_TEXT } from './text.js';

const state = {
  token: sessionStorage.getItem('lianxin.token'),
  user: null,
  district: '',
  clockOffsetMs: 0,
  onUnauthenticated: null,
};

export class ApiError extends Error {
  constructor(status, body) {
    const err = (body && body.error) || {};
    super(ERROR_TEXT[err.code] || (status ? '请求失败（' + status + '）' : '无法连接服务器'));
    this.status = status;
    this.code = err.code || '';
    this.serverMessage = err.message || '';
    this.fields = err.fields || {};
  }
}

function noteClock(res) {
  const d = res.headers.get('Date');
  if (d) {
    const t = Date.parse(d);
    if (!Number.isNaN(t)) state.clockOffsetMs = t - Date.now();
  }
}

/* fetch with the session; `raw` returns the Response (exports). */
export async function request(method, path, body, raw) {
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
    throw new ApiError(0, { error: { code: 'network' } });
  }
  noteClock(res);
  if (raw && res.ok) return res;
  /* an unread body, even an empty one, shows up as a cancelled request */
  const data = res.status === 204 ? (await res.text(), null) : await res.json().catch(() => null);
  if (!res.ok) {
    const e = new ApiError(res.status, data);
    if (res.status === 401 && path !== '/v1/sessions' && state.onUnauthenticated) {
      state.onUnauthenticated();
    }
    throw e;
  }
  return data;
}

export const api = {
  get: (path) => request('GET', path),
  post: (path, body) => request('POST', path, body === undefined ? {} : body),
  put: (path, body) => request('PUT', path, body),
  del: (path) => request('DELETE', path),
};

export const session = {
  get token() { return state.token; },
  get user() { return state.user; },
  set user(u) { state.user = u; },
  setToken(t) {
    state.token = t;
    if (t) sessionStorage.setItem('lianxin.token', t);
    else sessionStorage.removeItem('lianxin.token');
  },
  onUnauthenticated(fn) { state.onUnauthenticated = fn; },
  setDistrict(d) { state.district = d; },
  district() {
    return (state.user && state.user.district) || state.district;
  },
};

/* "/v1/districts/<d><rest>" for the caller's district (an admin's chosen one). */
export function dpath(rest) {
  return '/v1/districts/' + encodeURIComponent(session.district()) + rest;
}

/* The server's present time, as a Date. */
export function serverNow() {
  return new Date(Date.now() + state.clockOffsetMs);
}

/* The server's date in UTC+8: "2026-12-05". */
export function today() {
  return new Date(serverNow().getTime() + 8 * 3600e3).toISOString().slice(0, 10);
}

/* The server's wall time in UTC+8 for <input type=datetime-local>: "2026-12-05T09:30". */
export function nowLocal() {
  return new Date(serverNow().getTime() + 8 * 3600e3).toISOString().slice(0, 16);
}

/* Every page of a cursor-paged list, with progress(count) after each page. */
export async function pageAll(path, params, progress, cap) {
  const items = [];
  let cursor = null;
  do {
    const q = new URLSearchParams(params);
    q.set('limit', '100');
    if (cursor) q.set('cursor', cursor);
    const r = await api.get(path + '?' + q);
    items.push(...r.items);
    cursor = r.next_cursor;
    if (progress) progress(items.length, !!cursor);
  } while (cursor && (!cap || items.length < cap));
  return { items, truncated: !!cursor };
}
