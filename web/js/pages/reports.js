/* 社情民意 (public-opinion reports).
 *   GET /reports?q=&state=&cursor= (members: their own), GET /reports/{id},
 *   POST /reports (member, office, admin), POST /reports/{id}/edit (an author),
 *   POST /reports/{id}/{submit|resubmit|return|merge|accept|forward|adopt|instruct|tell-authors}. */

import { api, dpath, today } from '../api.js';
import {
  el, notice, field, input, select, busy, heading, card, table, clearErrors, formError, showTime, pagedList,
  conflictText, transitionForm,
} from '../ui.js';
import {
  CATEGORIES, CATEGORY, REPORT_STATE, REPORT_EVENT, FORWARD_TO, ADOPT_LEVEL, ROLE,
} from '../text.js';

/* "report is submitted; allowed now: accept, return" in words. */
const stateText = (e) => conflictText(e, 'report', '信息', REPORT_STATE, REPORT_EVENT);

export default {
  id: 'reports',
  title: '社情民意',
  roles: ['office', 'admin', 'leader', 'member'],
  async render(root, ctx, arg) {
    if (arg === 'new') return editPage(root, ctx, null);
    if (arg) return reportPage(root, ctx, arg);
    const q = input({ type: 'search', maxLength: 100 });
    const state = select([['', '全部'], ...Object.entries(REPORT_STATE).filter(([k]) => k !== 'draft' || ctx.is('member'))]);
    if (ctx.is('office', 'admin')) state.value = 'submitted';
    const adoptedOnly = el('input', { type: 'checkbox', id: 'rep-adopted', checked: ctx.is('leader') });
    const filters = el('form', { class: 'filters', novalidate: true },
      field('q', '关键词', q), field('state', '状态', state),
      el('label', { class: 'inline', for: 'rep-adopted' }, adoptedOnly, ' 只看已采用'),
      el('div', { class: 'buttons' }, el('button', { type: 'submit' }, '查询')));
    const list = el('div', { id: 'report-list' });
    const canWrite = ctx.is('member', 'office', 'admin');
    root.append(heading(ctx.is('member') ? '我的社情民意信息' : '社情民意信息',
      canWrite ? el('a', { href: '#/reports/new', class: 'button' }, '撰写新信息') : null), card(filters, list));
    const pager = pagedList(list, {
      head: ['编号', '标题', '类别', '状态', '报送时间', '作者'],
      empty: '暂无信息',
      load: async (cursor) => {
        const p = new URLSearchParams({ limit: '20' });
        if (q.value.trim()) p.set('q', q.value.trim());
        if (state.value) p.set('state', state.value);
        if (cursor) p.set('cursor', cursor);
        const r = await api.get(dpath('/reports?' + p));
        if (adoptedOnly.checked) r.items = r.items.filter((x) => x.adopted);
        return r;
      },
      render: (r) => el('tr', { 'data-report-id': r.id },
        el('td', { class: 'nowrap' }, r.number || '（未编号）'),
        el('td', {}, el('a', { href: '#/reports/' + r.id }, r.title || '（无标题）')),
        el('td', {}, CATEGORY[r.category] || ''),
        el('td', {}, (REPORT_STATE[r.state] || r.state) + (r.adopted ? ' · 已采用' : '') + (r.instructed ? ' · 有批示' : '')),
        el('td', { class: 'nowrap' }, showTime(r.submitted_at)),
        el('td', {}, r.author_ids.map((id) => ctx.memberName(id)).join('、'))),
    });
    filters.addEventListener('submit', (ev) => { ev.preventDefault(); pager.reload(); });
    adoptedOnly.addEventListener('change', () => pager.reload());
    await pager.reload();
  },
};

/* ---- writing ------------------------------------------------------------------------------ */

async function editPage(root, ctx, r) {
  const title = input({ maxLength: 200, value: r ? r.title : '' });
  const cat = select([['', '请选择'], ...CATEGORIES]);
  cat.value = r ? r.category : '';
  const room = select([['', '（无）'], ...ctx.ref.workrooms.map((w) => [w.id, w.name])]);
  room.value = r && r.workroom_id && r.workroom_id !== '0' ? r.workroom_id : '';
  const text = (name, v) => el('textarea', { rows: 5, value: v || '', name });
  const coauthors = el('div', { class: 'choices' }, [...ctx.ref.members.values()]
    .filter((m) => m.id !== ctx.user.member_id)
    .map((m) => el('label', { class: 'inline' }, el('input', { type: 'checkbox', value: m.id, checked: !!(r && r.author_ids.includes(m.id)) }), m.name)));
  const visits = input({ value: r ? r.visit_ids.join(',') : '', placeholder: '来访记录编号，用逗号分隔' });
  const f = el('form', { novalidate: true, id: 'report-form' },
    field('title', '标题', title),
    el('div', { class: 'grid' }, field('category', '类别', cat), field('workroom_id', '所属工作室', room)),
    field('facts', '基本情况', text('facts', r && r.facts)),
    field('analysis', '分析', text('analysis', r && r.analysis)),
    field('suggestions', '建议', text('suggestions', r && r.suggestions)),
    el('details', {}, el('summary', {}, ctx.is('member') ? '联名委员' : '作者'), coauthors,
      el('span', { class: 'field-error', 'data-field': 'author_ids', role: 'alert' })),
    field('visit_ids', '关联来访', visits),
    el('div', { class: 'buttons' }, el('button', { type: 'submit' }, r ? '保存' : '保存草稿')),
    el('p', { class: 'error form-error', role: 'alert' }));
  f.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(f);
    const e = f.elements;
    const authors = [...coauthors.querySelectorAll('input:checked')].map((c) => c.value);
    const body = {
      title: title.value.trim() || null, category: cat.value || null,
      facts: e.facts.value.trim(), analysis: e.analysis.value.trim(), suggestions: e.suggestions.value.trim(),
      workroom_id: room.value || null,
      visit_ids: visits.value.split(/[,，\s]+/).filter(Boolean),
    };
    if (authors.length || !ctx.is('member')) body.author_ids = ctx.is('member') ? [ctx.user.member_id, ...authors] : authors;
    await busy(f.querySelector('button'), async () => {
      try {
        const res = r ? await api.post(dpath('/reports/' + r.id + '/edit'), body) : await api.post(dpath('/reports'), body);
        notice(r ? '已保存' : '草稿已保存');
        ctx.go('reports', res.id || r.id);
      } catch (err) { formError(f, err); }
    });
  });
  root.append(heading(r ? '修改信息' : '撰写社情民意信息', el('a', { href: '#/reports', class: 'button plain' }, '返回列表')), card(f));
}

/* ---- one report ---------------------------------------------------------------------------- */

async function reportPage(root, ctx, arg) {
  const [id, sub] = arg.split('/');
  const r = await api.get(dpath('/reports/' + encodeURIComponent(id)));
  if (sub === 'edit') return editPage(root, ctx, r);
  const facts = [
    ['编号', r.number || '（报送后编号）'], ['状态', REPORT_STATE[r.state] || r.state], ['类别', CATEGORY[r.category] || ''],
    ['作者', r.author_ids.map((a) => ctx.memberName(a)).join('、')],
    ['所属工作室', r.workroom_id && r.workroom_id !== '0' ? ctx.roomName(r.workroom_id) : ''],
    ['关联来访', r.visit_ids.join('、')],
    ['退回意见', r.comments || ''],
    ['合并入', r.merged_into || ''], ['合并了', (r.merged_from || []).join('、')],
    ['转送', r.forwarded_to ? (FORWARD_TO[r.forwarded_to] || r.forwarded_to) + ' ' + (r.forwarded_on || '') : ''],
    ['采用', r.adopted_level ? (ADOPT_LEVEL[r.adopted_level] || r.adopted_level) + ' ' + (r.adopted_on || '') : ''],
    ['已告知作者', showTime(r.told_at)],
  ].filter(([, v]) => v !== '');
  root.append(
    heading(r.title || '（无标题）', el('a', { href: '#/reports', class: 'button plain' }, '返回列表')),
    card(el('dl', { class: 'facts', id: 'report-facts' }, facts.flatMap(([k, v]) => [el('dt', {}, k), el('dd', { 'data-key': k }, v)])),
      el('h3', {}, '基本情况'), el('p', { class: 'prose' }, r.facts),
      el('h3', {}, '分析'), el('p', { class: 'prose' }, r.analysis),
      el('h3', {}, '建议'), el('p', { class: 'prose' }, r.suggestions)));
  if (r.instructions.length) {
    root.append(card(el('h3', {}, '领导批示'), el('ul', { class: 'plain-list' },
      r.instructions.map((i) => el('li', {}, i.date + ' ' + i.leader + '：' + i.text)))));
  }
  const actions = actionsFor(ctx, r);
  if (actions.length) root.append(card(el('h3', {}, '办理'), el('div', { class: 'report-actions' }, actions)));
  root.append(card(el('h3', {}, '办理记录'), table(['时间', '操作', '状态', '角色', '说明'],
    r.log.map((l) => el('tr', {}, el('td', { class: 'nowrap' }, showTime(l.at)), el('td', {}, REPORT_EVENT[l.event] || l.event),
      el('td', {}, (REPORT_STATE[l.from] || l.from || '') + ' → ' + (REPORT_STATE[l.to] || l.to)),
      el('td', {}, ROLE[l.role] || l.role), el('td', {}, l.note || ''))))));
}

/* One form per transition the caller may send now. */
function actionsFor(ctx, r) {
  const out = [];
  const author = ctx.user.member_id && r.author_ids.includes(ctx.user.member_id);
  const office = ctx.is('office', 'admin');
  const act = (event, label, fields, build) => out.push(transitionForm(dpath('/reports/' + r.id + '/' + event),
    event, label, fields, build, () => ctx.go('reports', r.id), stateText));
  if (author && ['draft', 'returned'].includes(r.state)) {
    out.push(el('a', { href: '#/reports/' + r.id + '/edit', class: 'button plain' }, '修改'));
  }
  if (author && r.state === 'draft') act('submit', '报送', []);
  if (author && r.state === 'returned') act('resubmit', '重新报送', []);
  if (!office) return out;
  if (r.state === 'submitted') {
    act('accept', '录用', []);
    act('return', '退回修改', [field('comments', '退回意见', el('textarea', { rows: 2 }))],
      (e) => ({ comments: e.comments.value.trim() || null }));
  }
  if (['submitted', 'accepted'].includes(r.state)) {
    act('merge', '合并', [field('into_report_id', '合并入（信息编号 id）', input({ inputMode: 'numeric' }))],
      (e) => ({ into_report_id: e.into_report_id.value.trim() || null }));
  }
  if (r.state === 'accepted') {
    act('forward', '转送', [
      field('forwarded_to', '转送至', select([['', '请选择'], ...Object.entries(FORWARD_TO)])),
      field('date', '转送日期', input({ type: 'date', value: today() }))],
    (e) => ({ forwarded_to: e.forwarded_to.value || null, date: e.date.value || null }));
  }
  if (['forwarded', 'authors_told'].includes(r.state)) {
    if (!r.adopted) {
      act('adopt', '记录采用', [
        field('level', '采用层级', select([['', '请选择'], ...Object.entries(ADOPT_LEVEL)])),
        field('date', '采用日期', input({ type: 'date', value: today() }))],
      (e) => ({ level: e.level.value || null, date: e.date.value || null }));
    }
    act('instruct', '记录批示', [
      field('leader', '批示领导', input({ maxLength: 50 })),
      field('text', '批示内容', el('textarea', { rows: 2 })),
      field('date', '批示日期', input({ type: 'date', value: today() }))],
    (e) => ({ leader: e.leader.value.trim() || null, text: e.text.value.trim() || null, date: e.date.value || null }));
  }
  if (r.state === 'forwarded') act('tell-authors', '告知作者', []);
  return out;
}
