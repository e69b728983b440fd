/* ui: small DOM helpers shared by every page. Server data is only ever set
 * as text (never as HTML). */

import { FIELD_TEXT } from './text.js';
import { api, request } from './api.js';

/* el('tag', {class, data-x, on: {click: fn}, ...props}, ...children) */
export function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'on') for (const [ev, fn] of Object.entries(v)) e.addEventListener(ev, fn);
    else if (k.startsWith('data-') || k.startsWith('aria-') || k === 'role' || k === 'for') {
      e.setAttribute(k, v === true ? '' : v);
    } else e[k] = v;
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

export function notice(text, bad) {
  const n = document.getElementById('notice');
  n.textContent = text || '';
  n.classList.toggle('bad', !!bad);
  n.hidden = !text;
  if (text && !bad) setTimeout(() => { if (n.textContent === text) n.hidden = true; }, 5000);
}

export function showTime(rfc3339) {
  return rfc3339 ? rfc3339.slice(0, 16).replace('T', ' ') : '';
}

/* "2026-11-26T09:30" from <input type=datetime-local> is Beijing time. */
export function toRfc3339(local) {
  if (!local) return '';
  return (local.length === 16 ? local + ':00' : local) + '+08:00';
}

export function weekday(date) {
  const d = new Date(date + 'T00:00:00Z');
  return '周' + '日一二三四五六'[d.getUTCDay()];
}

/* A labelled control with its error slot: field('summary', '诉求内容', control). */
export function field(name, label, control, hint) {
  if (!control.name) control.name = name;
  if (!control.id) control.id = 'f-' + name.replace(/[^a-z0-9_-]/gi, '-') + '-' + (++field.n);
  return el('div', { class: 'field' },
    el('label', { for: control.id }, label),
    control,
    hint ? el('span', { class: 'hint' }, hint) : null,
    el('span', { class: 'field-error', 'data-field': name, role: 'alert' }));
}
field.n = 0;

export function input(attrs) { return el('input', attrs); }

export function select(options, attrs) {
  return el('select', attrs || {}, options.map(([v, l]) => el('option', { value: v }, l)));
}

export function clearErrors(root) {
  root.querySelectorAll('.field-error').forEach((s) => { s.textContent = ''; });
  root.querySelectorAll('[aria-invalid]').forEach((c) => c.removeAttribute('aria-invalid'));
  root.querySelectorAll('.form-error').forEach((s) => { s.textContent = ''; });
}

/* Puts each `fields` entry of an API error next to its field: the slot
 * [data-field=path] (or, for "member_ids[2]", the slot of "member_ids").
 * Returns the paths no slot took. */
export function showFieldErrors(root, fields) {
  const left = [];
  for (const [path, code] of Object.entries(fields || {})) {
    let slot = root.querySelector('.field-error[data-field="' + CSS.escape(path) + '"]');
    if (!slot) {
      slot = root.querySelector('.field-error[data-field="' + CSS.escape(path.replace(/\[\d+\]$/, '')) + '"]');
    }
    if (!slot) { left.push(path + '：' + (FIELD_TEXT[code] || code)); continue; }
    slot.textContent = FIELD_TEXT[code] || code;
    const box = slot.closest('.field, fieldset, td, .row');
    const control = box && box.querySelector('input, select, textarea');
    if (box && box.tagName === 'FIELDSET') box.setAttribute('aria-invalid', 'true');
    else if (control) control.setAttribute('aria-invalid', 'true');
  }
  return left;
}

/* The message of an API error for a form: field errors by their fields, the
 * rest in the form's .form-error line. */
export function formError(form, e) {
  const left = showFieldErrors(form, e.fields);
  const line = form.querySelector('.form-error');
  const text = e.message + (left.length && e.code !== 'conflict' ? '（' + left.join('；') + '）' : '');
  if (line) line.textContent = text;
  else notice(text, true);
  const first = form.querySelector('[aria-invalid="true"]');
  if (first && first.focus) first.focus();
}

/* Runs an async action with the button disabled. */
export async function busy(button, fn) {
  if (button) button.disabled = true;
  try { return await fn(); } finally { if (button) button.disabled = false; }
}

export function table(headers, rows, cls) {
  return el('div', { class: 'table-wrap' },
    el('table', { class: 'list ' + (cls || '') },
      el('thead', {}, el('tr', {}, headers.map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, rows)));
}

/* A cursor-paged list: load(cursor) -> {items, next_cursor}; render(item) -> row. */
export function pagedList(container, { load, render, empty, head }) {
  const body = el('tbody');
  const more = el('button', { type: 'button', class: 'plain', hidden: true }, '加载更多');
  const none = el('p', { class: 'empty', hidden: true }, empty || '暂无记录');
  let cursor = null;
  async function fetchPage(reset) {
    try {
      const r = await load(reset ? null : cursor);
      if (reset) body.replaceChildren();
      body.append(...r.items.map(render));
      cursor = r.next_cursor;
      more.hidden = !cursor;
      none.hidden = body.children.length > 0;
    } catch (e) {
      notice(e.message, true);
    }
  }
  more.addEventListener('click', () => busy(more, () => fetchPage(false)));
  container.replaceChildren(
    el('div', { class: 'table-wrap' },
      el('table', { class: 'list' }, el('thead', {}, el('tr', {}, head.map((h) => el('th', { scope: 'col' }, h)))), body)),
    none, more);
  return { reload: () => fetchPage(true) };
}

/* Downloads an API file (CSV, iCalendar) with the session, showing progress
 * in `status` as bytes arrive. */
export async function download(path, filename, status) {
  const res = await request('GET', path, undefined, true);
  const total = Number(res.headers.get('Content-Length')) || 0;
  const reader = res.body.getReader();
  const chunks = [];
  let got = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    got += value.length;
    if (status) {
      status.textContent = '已接收 ' + Math.round(got / 1024) + ' KB' +
        (total ? '（' + Math.round((100 * got) / total) + '%）' : '');
    }
  }
  saveBlob(new Blob(chunks, { type: res.headers.get('Content-Type') || 'text/csv' }), filename);
  if (status) status.textContent = '已下载 ' + filename + '（' + Math.max(1, Math.round(got / 1024)) + ' KB）';
}

export function saveBlob(blob, filename) {
  const url = URL.createObjectURL(blob);
  const a = el('a', { href: url, download: filename, class: 'hidden-link' });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

/* CSV text (UTF-8 with a BOM, CRLF) from rows of cells, for Excel. */
export function csvBlob(rows) {
  const cell = (v) => {
    let s = v === null || v === undefined ? '' : String(v);
    if (/^[=+\-@]/.test(s)) s = "'" + s;
    return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  };
  const text = rows.map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
  return new Blob(['\ufeff' + text], { type: 'text/csv;charset=utf-8' });
}

/* A section heading with actions on its right. */
export function heading(text, ...actions) {
  return el('div', { class: 'heading' }, el('h2', {}, text), el('div', { class: 'actions' }, actions));
}

export function card(...children) {
  return el('section', { class: 'card' }, children);
}

/* A 409 of a state machine ("<what> is <state>; allowed now: a, b") in
 * words: 该<noun>当前状态为「…」，现在只能：…。 Other errors keep their message. */
export function conflictText(e, what, noun, states, events) {
  const m = new RegExp(what + ' is ([a-z_]+); allowed now: ?(.*)$').exec(e.serverMessage || '');
  if (e.code !== 'conflict' || !m) return e.message;
  const allowed = m[2].split(/,\s*/).filter(Boolean).map((x) => events[x] || x);
  return '该' + noun + '当前状态为「' + (states[m[1]] || m[1]) + '」，' +
    (allowed.length ? '现在只能：' + allowed.join('、') + '。' : '不能再办理。');
}

/* The form of one transition: POSTs `path` with build(form.elements) (or
 * {}), tells `label`：已完成 and calls done(); an error goes next to its
 * field, a 409 through explain(e). */
export function transitionForm(path, event, label, fields, build, done, explain) {
  const f = el('form', { novalidate: true, class: 'action', 'data-event': event },
    ...fields, el('div', { class: 'buttons' }, el('button', { type: 'submit' }, label)),
    el('p', { class: 'error form-error', role: 'alert' }));
  f.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(f);
    await busy(f.querySelector('button'), async () => {
      try {
        await api.post(path, build ? build(f.elements) : {});
        notice(label + '：已完成');
        done();
      } catch (e) { e.message = explain(e); formError(f, e); }
    });
  });
  return f;
}
