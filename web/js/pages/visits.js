/* Visits (接待/走访) and the public-opinion log (民情日志):
 *   记录来访  POST /visits
 *   民情日志  GET /visits (filters, cursor paging), GET /workrooms/{id}/log.csv
 *             (office: reveal=visitor, audited); a visit's page: GET /visits/{id},
 *             its history, POST /visits/{id}/edit, its issues and POST
 *             /visits/{id}/issues (grading), GET /visits/{id}/visitor (office). */

import { api, dpath, nowLocal, today } from '../api.js';
import {
  el, notice, field, input, select, clearErrors, formError, busy, showTime, toRfc3339,
  pagedList, heading, card, download, table,
} from '../ui.js';
import { CATEGORIES, CATEGORY, ON_SPOT, VISIT_KIND, GRADE, ISSUE_ROUTE, ISSUE_STATUS } from '../text.js';

/* ---- the visit form (record and edit) ------------------------------------------------ */

function visitForm(ctx, v, submitText) {
  const f = el('form', { class: 'visit-form', novalidate: true });
  const room = select([['', '请选择'], ...ctx.ref.workrooms.map((w) => [w.id, w.name])]);
  const at = input({ type: 'datetime-local' });
  const kind = select(Object.entries(VISIT_KIND));
  const cat = select([['', '请选择'], ...CATEGORIES]);
  const members = el('div', { class: 'choices', id: 'member-choices' });
  const anon = input({ type: 'checkbox', name: 'anonymous', id: 'f-anonymous' });
  const vname = input({ maxLength: 50, autocomplete: 'off' });
  const vphone = input({ maxLength: 20, inputMode: 'tel', autocomplete: 'off' });
  const visitor = el('div', { class: 'grid' }, field('visitor.name', '姓名', vname), field('visitor.phone', '电话', vphone));
  const summary = el('textarea', { rows: 5, maxLength: 4000 });
  const location = input({ maxLength: 200 });
  const spot = select([['', '（未填写）'], ...Object.entries(ON_SPOT)]);
  const promised = el('textarea', { rows: 2, maxLength: 1000 });
  const me = ctx.user.member_id;

  function fillMembers(checked) {
    const w = ctx.ref.workrooms.find((x) => x.id === room.value);
    const ids = w ? w.member_ids : [...ctx.ref.members.keys()];
    const keep = new Set(checked || [...members.querySelectorAll('input:checked')].map((c) => c.value));
    if (!checked && me) keep.add(me);
    const all = [...new Set([...ids, ...keep])];
    members.replaceChildren(...all.map((id) => el('label', { class: 'inline' },
      el('input', { type: 'checkbox', value: id, checked: keep.has(id) }), ctx.memberName(id))));
  }
  room.addEventListener('change', () => fillMembers());
  anon.addEventListener('change', () => { visitor.hidden = anon.checked; });

  if (v) {
    room.value = v.workroom_id;
    at.value = v.received_at.slice(0, 16);
    kind.value = v.kind;
    cat.value = v.category;
    summary.value = v.summary;
    location.value = v.location;
    spot.value = v.on_spot_action || '';
    promised.value = v.promised;
    fillMembers(v.member_ids);
    if (!v.visitor) { anon.checked = true; visitor.hidden = true; }
  } else {
    at.value = nowLocal();
    fillMembers();
  }

  f.append(
    el('div', { class: 'grid' },
      field('workroom_id', '委员工作室', room), field('received_at', '接待时间', at),
      field('kind', '方式', kind), field('category', '类别', cat)),
    el('fieldset', {}, el('legend', {}, '接待委员'), members,
      el('span', { class: 'field-error', 'data-field': 'member_ids', role: 'alert' })),
    el('fieldset', {}, el('legend', {}, '来访群众（可匿名）'),
      el('label', { class: 'inline', for: 'f-anonymous' }, anon, ' 匿名'),
      v && v.visitor ? el('p', { class: 'hint' }, '原登记：' + [v.visitor.name, v.visitor.phone].filter(Boolean).join(' ') + '（不改请留空）') : null,
      visitor),
    field('summary', '诉求内容', summary),
    el('div', { class: 'grid' }, field('location', '地点', location), field('on_spot_action', '现场处理', spot)),
    field('promised', '承诺事项（如有）', promised),
    el('div', { class: 'buttons' }, el('button', { type: 'submit' }, submitText)),
    el('p', { class: 'error form-error', role: 'alert' }));

  f.body = () => {
    const b = {
      workroom_id: room.value || null,
      received_at: toRfc3339(at.value) || null,
      member_ids: [...members.querySelectorAll('input:checked')].map((c) => c.value),
      summary: summary.value.trim() || null,
      category: cat.value || null,
      location: location.value.trim(),
      kind: kind.value,
      promised: promised.value.trim(),
      on_spot_action: spot.value || null,
    };
    if (!b.member_ids.length) b.member_ids = null;
    const name = vname.value.trim();
    const phone = vphone.value.trim();
    if (anon.checked) { if (v && v.visitor) b.visitor = null; } else if (name || phone) {
      b.visitor = {};
      if (name) b.visitor.name = name;
      if (phone) b.visitor.phone = phone;
    }
    return b;
  };
  f.reset = () => {
    summary.value = ''; promised.value = ''; vname.value = ''; vphone.value = ''; location.value = '';
    at.value = nowLocal();
  };
  return f;
}

export const recordPage = {
  id: 'record',
  title: '记录来访',
  roles: ['member', 'office', 'admin'],
  async render(root, ctx) {
    const f = visitForm(ctx, null, '提交');
    f.id = 'visit-form';
    f.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearErrors(f);
      await busy(f.querySelector('button[type=submit]'), async () => {
        try {
          const r = await api.post(dpath('/visits'), f.body());
          notice('已记录（编号 ' + r.id + '）');
          f.reset();
        } catch (e) {
          if (e.status === 403 && ctx.is('member')) e.message = '委员只能记录本人参与的接待：请在接待委员中勾选本人';
          formError(f, e);
        }
      });
    });
    root.append(card(el('h2', {}, '记录来访'), f));
  },
};

/* ---- the log ------------------------------------------------------------------------------ */

function visitorText(v) {
  return v.visitor ? [v.visitor.name, v.visitor.phone].filter(Boolean).join(' ') : '匿名';
}

export const logPage = {
  id: 'log',
  title: '民情日志',
  roles: ['member', 'office', 'admin', 'leader'],
  async render(root, ctx, arg) {
    if (arg) return visitPage(root, ctx, arg);
    const rooms = [['', '全部'], ...ctx.ref.workrooms.map((w) => [w.id, w.name])];
    const filters = el('form', { class: 'filters', novalidate: true },
      field('workroom_id', '工作室', select(rooms)),
      field('category', '类别', select([['', '全部'], ...CATEGORIES])),
      field('from', '起始日期', input({ type: 'date' })),
      field('to', '截止日期', input({ type: 'date' })),
      el('div', { class: 'buttons' }, el('button', { type: 'submit' }, '查询')),
      el('p', { class: 'error form-error', role: 'alert' }));
    const list = el('div');
    const me = ctx.user.member_id;
    /* the API has no member filter: a member's own visits are picked from each page */
    const mine = me ? el('input', { type: 'checkbox', id: 'log-mine', checked: true }) : null;
    if (mine) filters.insertBefore(el('label', { class: 'inline', for: 'log-mine' }, mine, ' 只看我参与的'), filters.querySelector('.buttons'));
    const status = el('span', { class: 'meta', role: 'status' });
    const reveal = ctx.is('office', 'admin')
      ? el('label', { class: 'inline', for: 'csv-reveal' }, el('input', { type: 'checkbox', id: 'csv-reveal' }), ' 含来访人明文（留痕）') : null;
    const csv = el('button', { type: 'button', class: 'plain' }, '导出 CSV');
    csv.addEventListener('click', () => busy(csv, async () => {
      const fe = filters.elements;
      clearErrors(filters);
      if (!fe.workroom_id.value) { formError(filters, { message: '导出请先选择工作室', fields: { workroom_id: 'required' } }); return; }
      const q = new URLSearchParams();
      q.set('from', fe.from.value || today().slice(0, 8) + '01');
      q.set('to', fe.to.value || today());
      if (reveal && reveal.querySelector('input').checked) q.set('reveal', 'visitor');
      status.textContent = '正在导出…';
      try {
        await download(dpath('/workrooms/' + fe.workroom_id.value + '/log.csv?' + q),
          '民情日志-' + ctx.roomName(fe.workroom_id.value) + '-' + q.get('from') + '至' + q.get('to') + '.csv', status);
      } catch (e) { status.textContent = ''; formError(filters, e); }
    }));
    root.append(heading(me ? '民情日志（我的来访）' : '民情日志', reveal, csv, status), card(filters, list));
    if (mine) mine.addEventListener('change', () => pager.reload());
    const pager = pagedList(list, {
      head: ['接待时间', '工作室', '类别', '诉求内容', '来访群众', '接待委员'],
      load: async (cursor) => {
        const fe = filters.elements;
        const q = new URLSearchParams({ limit: '20' });
        for (const k of ['workroom_id', 'category', 'from', 'to']) if (fe[k].value) q.set(k, fe[k].value);
        if (cursor) q.set('cursor', cursor);
        const r = await api.get(dpath('/visits?' + q));
        if (mine && mine.checked) r.items = r.items.filter((v) => v.member_ids.includes(me));
        return r;
      },
      render: (v) => el('tr', { 'data-visit-id': v.id },
        el('td', { class: 'nowrap' }, el('a', { href: '#/log/' + v.id }, showTime(v.received_at))),
        el('td', {}, v.workroom_name),
        el('td', {}, CATEGORY[v.category] || v.category),
        el('td', { class: 'summary' }, v.summary),
        el('td', {}, visitorText(v)),
        el('td', {}, v.member_ids.map((id) => ctx.memberName(id)).join('、'))),
    });
    filters.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearErrors(filters);
      try {
        const fe = filters.elements;
        const q = new URLSearchParams({ limit: '1' });
        for (const k of ['from', 'to']) if (fe[k].value) q.set(k, fe[k].value);
        await api.get(dpath('/visits?' + q));   /* a bad period: its field error */
        pager.reload();
      } catch (e) { formError(filters, e); }
    });
    await pager.reload();
  },
};

/* ---- one visit --------------------------------------------------------------------------- */

async function visitPage(root, ctx, id) {
  const v = await api.get(dpath('/visits/' + encodeURIComponent(id)));
  const mine = ctx.user.member_id && v.member_ids.includes(ctx.user.member_id);
  const canEdit = ctx.is('office', 'admin') || mine;
  const visitorCell = el('span', {}, visitorText(v));
  const locationCell = el('span', {}, v.location);
  const dl = el('dl', { class: 'facts' },
    ...[['编号', v.id], ['接待时间', showTime(v.received_at)], ['工作室', v.workroom_name],
      ['方式', VISIT_KIND[v.kind]], ['类别', CATEGORY[v.category]],
      ['接待委员', v.member_ids.map((m) => ctx.memberName(m)).join('、')],
      ['来访群众', visitorCell], ['诉求内容', v.summary], ['地点', locationCell],
      ['现场处理', ON_SPOT[v.on_spot_action] || ''], ['承诺事项', v.promised]]
      .flatMap(([k, val]) => [el('dt', {}, k), el('dd', {}, val)]));
  const actions = [];
  if (ctx.is('office', 'admin') && v.visitor) {
    const b = el('button', { type: 'button', class: 'plain' }, '查看来访人明文');
    b.addEventListener('click', () => busy(b, async () => {
      if (!confirm('查看来访人姓名、电话和走访地点会留痕记录，确定查看？')) return;
      try {
        const r = await api.get(dpath('/visits/' + v.id + '/visitor'));
        visitorCell.textContent = [r.name, r.phone].filter(Boolean).join(' ') + '（明文，已留痕）';
        if (v.kind === 'home_visit' && r.location) locationCell.textContent = r.location + '（明文，已留痕）';
        b.remove();
      } catch (e) { notice(e.message, true); }
    }));
    actions.push(b);
  }
  root.append(heading('来访记录 ' + v.id, el('a', { href: '#/log', class: 'button plain' }, '返回日志'), ...actions), card(dl));

  if (canEdit) {
    const f = visitForm(ctx, v, '保存修改');
    f.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearErrors(f);
      const b = f.body();
      const body = {};
      for (const [k, val] of Object.entries(b)) {
        const old = k === 'received_at' ? v.received_at.slice(0, 16) + ':00+08:00' : v[k];
        if (k === 'visitor') { body.visitor = val; continue; }
        if (JSON.stringify(val ?? '') !== JSON.stringify(old ?? '')) body[k] = val;
      }
      await busy(f.querySelector('button[type=submit]'), async () => {
        try {
          const r = await api.post(dpath('/visits/' + v.id + '/edit'), body);
          notice(r.changed && r.changed.length ? '已保存（第 ' + r.version + ' 版）' : '没有改动');
          ctx.go('log', v.id);
        } catch (e) { formError(f, e); }
      });
    });
    root.append(el('details', { class: 'card' }, el('summary', {}, '修改记录'), f));
  }

  const hist = await api.get(dpath('/visits/' + v.id + '/history'));
  root.append(card(el('h3', {}, '修改历史'), hist.items.length ? table(['版本', '时间', '修改人', '改动'],
    hist.items.map((h) => el('tr', {}, el('td', {}, h.version), el('td', {}, showTime(h.changed_at)),
      el('td', {}, h.changed_by_role), el('td', {}, Object.keys(h.changes || {}).join('、'))))) : el('p', { class: 'empty' }, '未修改过')));

  const issues = await api.get(dpath('/issues?visit_id=' + v.id));
  const issueBox = card(el('h3', {}, '诉求分级（四类）'), issues.items.length ? table(['编号', '诉求', '类别', '去向', '期限', '状态'],
    issues.items.map((i) => el('tr', {}, el('td', {}, el('a', { href: '#/issues/' + i.id }, i.id)), el('td', {}, i.summary),
      el('td', {}, GRADE[i.grade]), el('td', {}, ISSUE_ROUTE[i.route] + (i.unit_name ? '：' + i.unit_name : '')),
      el('td', {}, i.due_on || ''), el('td', {}, ISSUE_STATUS[i.status] || i.status)))) : el('p', { class: 'empty' }, '尚未分级'));
  root.append(issueBox);
  if (canEdit) issueBox.append(gradeForm(ctx, v));
}

function gradeForm(ctx, v) {
  const scale = () => select([['', '请选择'], ['1', '1'], ['2', '2'], ['3', '3'], ['4', '4'], ['5', '5']]);
  const f = el('form', { novalidate: true, class: 'grade-form' },
    el('h4', {}, '新增分级'),
    field('summary', '诉求', el('textarea', { rows: 2, maxLength: 1000 })),
    el('div', { class: 'grid' },
      field('importance', '重要程度（1-5）', scale()),
      field('difficulty', '办理难度（1-5）', scale()),
      field('unit_id', '承办单位（二类必填）', select([['', '（无）'], ...ctx.ref.units.map((u) => [u.id, u.name])]))),
    el('label', { class: 'inline' }, el('input', { type: 'checkbox', name: 'resolved_on_spot' }), ' 已当场解决'),
    el('label', { class: 'inline' }, el('input', { type: 'checkbox', name: 'local' }), ' 可在本地协商解决'),
    el('div', { class: 'buttons' }, el('button', { type: 'submit' }, '分级')),
    el('p', { class: 'error form-error', role: 'alert' }));
  f.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(f);
    const e = f.elements;
    const body = {
      summary: e.summary.value.trim() || null,
      importance: e.importance.value ? Number(e.importance.value) : null,
      difficulty: e.difficulty.value ? Number(e.difficulty.value) : null,
      resolved_on_spot: e.resolved_on_spot.checked, local: e.local.checked,
      unit_id: e.unit_id.value || null,
    };
    await busy(f.querySelector('button[type=submit]'), async () => {
      try {
        const r = await api.post(dpath('/visits/' + v.id + '/issues'), body);
        notice('已分级：' + GRADE[r.grade] + (r.due_on ? '，办理期限 ' + r.due_on : ''));
        ctx.go('log', v.id);
      } catch (err) { formError(f, err); }
    });
  });
  return f;
}
