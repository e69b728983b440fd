/* 提案 (proposals), 提案办理统计 (rates) and the print view 提案及答复.
 *   GET /proposals?state=&cursor=, GET /proposals/{id}, POST /proposals (member),
 *   POST /proposals/{id}/edit (the first proposer, drafts), POST /proposals/{id}/
 *   {submit|cosign|close-cosign|accept|refuse|convert|merge|mark-key|assign|hand-back|
 *   contact|opinion|reply|verdict}; GET /units/rates?year=, /units/rates.csv,
 *   /proposals.csv (office, leader, admin).
 * The forms offered follow the machine of docs/api-proposal.md; the service
 * decides, and a 409 names what is allowed now, in words. */

import { api, dpath, today } from '../api.js';
import {
  el, notice, field, input, select, busy, heading, card, table, clearErrors, formError, showTime, pagedList, download,
  conflictText, transitionForm,
} from '../ui.js';
import {
  CATEGORIES, CATEGORY, ROLE, PROPOSAL_STATE, PROPOSAL_EVENT, REPLY_CLASS, VERDICT, CONTACT_STAGE, CONTACT_FORM,
  REFUSE_REASON,
} from '../text.js';

const P = (id, rest) => dpath('/proposals/' + encodeURIComponent(id) + (rest || ''));

/* "proposal is accepted; allowed now: merge, mark_key, assign" in words. */
const stateText = (e) => conflictText(e, 'proposal', '提案', PROPOSAL_STATE, PROPOSAL_EVENT);

const unitNames = (ctx, ids) => (ids || []).map((u) => ctx.unitName(u) || '单位' + u).join('、');
/* The units a proposal is with now: its lead unit and the co-units' names. */
const assignedNow = (ctx, p) => ({
  lead: p.units.find((u) => u.lead && !u.ended),
  co: unitNames(ctx, p.units.filter((u) => !u.lead && !u.ended).map((u) => u.unit_id)),
});
const checks = (items, chosen, name) => el('div', { class: 'choices', 'data-name': name }, items.map(([v, l]) =>
  el('label', { class: 'inline' }, el('input', { type: 'checkbox', value: v, checked: chosen.includes(v) }), l)));
const checked = (box) => [...box.querySelectorAll('input:checked')].map((c) => c.value);

export const proposalsPage = {
  id: 'proposals',
  title: '提案',
  roles: ['member', 'unit', 'office', 'leader', 'admin'],
  async render(root, ctx, arg) {
    if (arg === 'new') return editPage(root, ctx, null);
    if (arg) return proposalPage(root, ctx, arg);
    const state = select([['', '全部'], ...Object.entries(PROPOSAL_STATE).filter(([k]) => k !== 'draft' || ctx.is('member'))]);
    if (ctx.is('office', 'admin')) state.value = 'submitted';
    if (ctx.is('unit')) state.value = 'assigned';
    const filters = el('form', { class: 'filters', novalidate: true }, field('state', '状态', state),
      el('div', { class: 'buttons' }, el('button', { type: 'submit' }, '查询')));
    const list = el('div', { id: 'proposal-list' });
    root.append(heading(ctx.is('member') ? '我的提案' : ctx.is('unit') ? '交本单位办理的提案' : '提案',
      ctx.is('member') ? el('a', { href: '#/proposals/new', class: 'button', id: 'proposal-new' }, '撰写提案') : null),
    card(filters, list));
    const pager = pagedList(list, {
      head: ['编号', '标题', '类别', '状态', '主办单位', '答复期限'],
      empty: '暂无提案',
      load: async (cursor) => {
        const p = new URLSearchParams({ limit: '20' });
        if (state.value) p.set('state', state.value);
        if (cursor) p.set('cursor', cursor);
        return api.get(dpath('/proposals?' + p));
      },
      render: (p) => el('tr', { 'data-proposal-id': p.id },
        el('td', { class: 'nowrap' }, p.number || '（未立案）'),
        el('td', {}, el('a', { href: '#/proposals/' + p.id }, p.title), p.key ? el('span', { class: 'badge' }, '重点') : null),
        el('td', {}, CATEGORY[p.category] || ''),
        el('td', {}, PROPOSAL_STATE[p.state] || p.state),
        el('td', {}, p.lead_unit_id ? ctx.unitName(p.lead_unit_id) : ''),
        el('td', { class: 'nowrap' }, p.due_date || '')),
    });
    filters.addEventListener('submit', (ev) => { ev.preventDefault(); pager.reload(); });
    await pager.reload();
  },
};

/* ---- writing (the first proposer, drafts) ------------------------------------------------ */

async function editPage(root, ctx, p) {
  const title = input({ maxLength: 200, value: p ? p.title : '' });
  const cat = select([['', '请选择'], ...CATEGORIES]);
  cat.value = p ? p.category : '';
  const session = select([['between', '闭会期间'], ['plenary', '大会期间']]);
  session.value = p ? p.session || 'between' : 'between';
  const text = (name, v) => el('textarea', { rows: 6, value: v || '', name });
  const units = checks(ctx.ref.units.map((u) => [u.id, u.name]), p ? p.unit_ids : [], 'unit_ids');
  const invited = p ? p.proposers.filter((x) => x.status !== 'first').map((x) => x.member_id) : [];
  const cosigners = checks([...ctx.ref.members.values()].filter((m) => m.id !== ctx.user.member_id).map((m) => [m.id, m.name]),
    invited, 'cosigner_ids');
  const f = el('form', { novalidate: true, id: 'proposal-form' },
    field('title', '案题', title),
    el('div', { class: 'grid' }, field('category', '类别', cat), field('session', '提出时间', session)),
    field('reasons', '案由', text('reasons', p && p.reasons)),
    field('measures', '办法', text('measures', p && p.measures)),
    el('details', {}, el('summary', {}, '建议承办单位'), units,
      el('span', { class: 'field-error', 'data-field': 'unit_ids', role: 'alert' })),
    el('details', {}, el('summary', {}, '邀请联名委员（需在期限内确认附议）'), cosigners,
      el('span', { class: 'field-error', 'data-field': 'cosigner_ids', role: 'alert' })),
    el('div', { class: 'buttons' }, el('button', { type: 'submit' }, p ? '保存' : '保存草稿')),
    el('p', { class: 'error form-error', role: 'alert' }));
  f.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(f);
    const body = {
      title: title.value.trim() || null, category: cat.value || null, session: session.value,
      reasons: f.elements.reasons.value.trim(), measures: f.elements.measures.value.trim(),
      unit_ids: checked(units), cosigner_ids: checked(cosigners),
    };
    await busy(f.querySelector('button'), async () => {
      try {
        const r = p ? await api.post(P(p.id, '/edit'), body) : await api.post(dpath('/proposals'), body);
        notice(p ? '已保存' : '草稿已保存');
        ctx.go('proposals', r.id || p.id);
      } catch (err) { formError(f, err); }
    });
  });
  root.append(heading(p ? '修改提案' : '撰写提案', el('a', { href: '#/proposals', class: 'button plain' }, '返回列表')), card(f));
}

/* ---- one proposal --------------------------------------------------------------------------- */

async function proposalPage(root, ctx, arg) {
  const [id, sub] = arg.split('/');
  const p = await api.get(P(id));
  if (sub === 'edit') return editPage(root, ctx, p);
  const { lead, co } = assignedNow(ctx, p);
  const facts = [
    ['编号', p.number || '（立案后编号）'], ['状态', (PROPOSAL_STATE[p.state] || p.state) + (p.round > 1 ? '（第二轮办理）' : '')],
    ['类别', CATEGORY[p.category] || ''],
    ['提案人', p.proposers.map((x) => ctx.memberName(x.member_id) + (x.status === 'first' ? '（领衔）'
      : x.status === 'invited' ? '（待附议）' : x.status === 'dropped' ? '（未附议）' : '')).join('、')],
    ['重点提案', p.key ? '是' + (p.key_leader ? '，督办领导：' + p.key_leader : '') : ''],
    ['主办单位', lead ? ctx.unitName(lead.unit_id) : ''],
    ['会办单位', co],
    ['交办日期', p.assigned_on || ''], ['答复期限', p.due_date || ''], ['负责领导', p.responsible_leader || ''],
    ['不予立案理由', p.refuse_reason ? REFUSE_REASON[p.refuse_reason] || p.refuse_reason : ''],
    ['并入', p.merged_into || ''], ['并入本案', (p.merged_from || []).join('、')],
    ['转为', p.converted_to ? (p.converted_to === 'report' ? '社情民意信息' : '意见建议函') : ''],
  ].filter(([, v]) => v !== '');
  root.append(
    heading(p.title, el('a', { href: '#/proposal-print/' + p.id, class: 'button plain', id: 'proposal-print-link' }, '打印提案及答复'),
      el('a', { href: '#/proposals', class: 'button plain' }, '返回列表')),
    card(el('dl', { class: 'facts', id: 'proposal-facts' }, facts.flatMap(([k, v]) => [el('dt', {}, k), el('dd', { 'data-key': k }, v)])),
      el('h3', {}, '案由'), el('p', { class: 'prose' }, p.reasons || ''),
      el('h3', {}, '办法'), el('p', { class: 'prose' }, p.measures || '')));
  if (p.replies.length) {
    root.append(card(el('h3', {}, '答复'), ...p.replies.map((r) => el('div', { class: 'reply', 'data-round': r.round },
      el('p', { class: 'meta' }, '第 ' + r.round + ' 轮 · ' + ctx.unitName(r.unit_id) + ' · ' + showTime(r.replied_at) + ' · ' +
        (REPLY_CLASS[r.class] || r.class) + (r.promised_date ? ' · 承诺 ' + r.promised_date + ' 前解决' : '')),
      el('p', { class: 'prose' }, r.text || ''), r.reason ? el('p', { class: 'prose' }, '原因：' + r.reason) : null))));
  }
  if (p.verdicts.length) {
    root.append(card(el('h3', {}, '提案人意见'), el('ul', { class: 'plain-list', id: 'proposal-verdicts' },
      p.verdicts.map((v) => el('li', {}, '第 ' + v.round + ' 轮：' + (VERDICT[v.verdict] || v.verdict) + (v.reasons ? '（' + v.reasons + '）' : ''))))));
  }
  if (p.contacts.length || (p.opinions || []).length) {
    root.append(card(el('h3', {}, '沟通与会办'),
      p.contacts.length ? table(['日期', '单位', '阶段', '方式', '情况'], p.contacts.map((c) => el('tr', {},
        el('td', { class: 'nowrap' }, c.date), el('td', {}, ctx.unitName(c.unit_id)), el('td', {}, CONTACT_STAGE[c.stage] || c.stage),
        el('td', {}, CONTACT_FORM[c.form] || c.form), el('td', {}, c.note || '')))) : null,
      (p.opinions || []).map((o) => el('p', { class: 'prose' }, ctx.unitName(o.unit_id) + '的会办意见：' + o.text))));
  }
  const actions = actionsFor(ctx, p);
  if (actions.length) root.append(card(el('h3', {}, '办理'), el('div', { class: 'proposal-actions' }, actions)));
  root.append(card(el('h3', {}, '办理记录'), table(['时间', '操作', '状态', '角色', '说明'],
    p.timeline.map((l) => el('tr', {}, el('td', { class: 'nowrap' }, showTime(l.at)), el('td', {}, PROPOSAL_EVENT[l.event] || l.event),
      el('td', {}, (PROPOSAL_STATE[l.from] || l.from || '') + ' → ' + (PROPOSAL_STATE[l.to] || l.to || '')),
      el('td', {}, ROLE[l.role] || l.role || ''), el('td', {}, l.note || ''))))));
}

/* One form per transition the caller may send now (the service decides). */
function actionsFor(ctx, p) {
  const out = [];
  const me = ctx.user.member_id;
  const first = me && p.proposers.some((x) => x.member_id === me && x.status === 'first');
  const invited = me && p.proposers.some((x) => x.member_id === me && x.status === 'invited');
  const mine = ctx.is('unit') && p.units.find((u) => u.unit_id === ctx.user.unit_id && !u.ended);
  const act = (event, label, fields, build) => out.push(transitionForm(P(p.id, '/' + event),
    event, label, fields, build, () => ctx.go('proposals', p.id), stateText));
  const text = (name, label, rows) => field(name, label, el('textarea', { rows: rows || 2 }));
  const val = (e, n) => (e[n].value.trim() || null);
  if (first && p.state === 'draft') {
    out.push(el('a', { href: '#/proposals/' + p.id + '/edit', class: 'button plain' }, '修改'));
    act('submit', p.proposers.length > 1 ? '提交并邀请附议' : '提交', []);
  }
  if (invited && p.state === 'cosigning') act('cosign', '确认附议', []);
  if (first && p.state === 'replied') {
    act('verdict', '提交办理意见', [
      field('verdict', '对办理结果', select([['', '请选择'], ...Object.entries(VERDICT)])),
      text('reasons', '意见和理由（不满意时必填）')],
    (e) => ({ verdict: e.verdict.value || null, reasons: val(e, 'reasons') }));
  }
  if (mine && p.state === 'assigned') {
    if (mine.lead) {
      act('reply', '答复（须单位负责人账号）', [
        field('class', '答复类别', select([['', '请选择'], ...Object.entries(REPLY_CLASS)])),
        text('text', '答复内容', 4),
        field('promised_date', '承诺解决日期（B 类）', input({ type: 'date', min: today() })),
        text('reason', '暂不能解决的原因（C 类）')],
      (e) => ({ class: e.class.value || null, text: val(e, 'text'), promised_date: e.promised_date.value || null, reason: val(e, 'reason') }));
      act('hand-back', '退回（交办后 10 个工作日内）', [text('reason', '退回理由')], (e) => ({ reason: val(e, 'reason') }));
    } else {
      act('opinion', '提交会办意见', [text('text', '会办意见', 3)], (e) => ({ text: val(e, 'text') }));
    }
  }
  if (mine && ['assigned', 'replied', 'closed'].includes(p.state)) {
    act('contact', '记录沟通', [
      el('div', { class: 'grid' },
        field('stage', '阶段', select(Object.entries(CONTACT_STAGE))),
        field('form', '方式', select(Object.entries(CONTACT_FORM))),
        field('date', '日期', input({ type: 'date', value: today(), max: today() }))),
      text('note', '沟通情况')],
    (e) => ({ stage: e.stage.value, form: e.form.value, date: e.date.value || null, note: val(e, 'note') }));
  }
  if (!ctx.is('office', 'admin')) return out;
  if (p.state === 'cosigning') act('close-cosign', '结束附议', []);
  if (p.state === 'submitted') {
    act('accept', '立案', []);
    act('refuse', '不予立案', [field('reason', '理由', select([['', '请选择'], ...Object.entries(REFUSE_REASON)]))],
      (e) => ({ reason: e.reason.value || null }));
    act('convert', '转为', [field('to', '转为', select([['report', '社情民意信息'], ['letter', '意见建议函']]))],
      (e) => ({ to: e.to.value }));
  }
  if (['submitted', 'accepted'].includes(p.state)) {
    act('merge', '并案', [field('into_proposal_id', '并入（提案 id）', input({ inputMode: 'numeric' }))],
      (e) => ({ into_proposal_id: val(e, 'into_proposal_id') }));
  }
  if (['accepted', 'handed_back'].includes(p.state)) {
    const units = ctx.ref.units.map((u) => [u.id, u.name]);
    const co = checks(units, [], 'co_unit_ids');
    act('assign', '交办', [
      el('div', { class: 'grid' },
        field('lead_unit_id', '主办单位', select([['', '请选择'], ...units])),
        field('workdays', '答复期限（工作日，留空按默认）', input({ type: 'number', min: 1, max: 250 })),
        field('leader', '负责领导', input({ maxLength: 50 }))),
      el('details', {}, el('summary', {}, '会办单位'), co, el('span', { class: 'field-error', 'data-field': 'co_unit_ids', role: 'alert' }))],
    (e) => {
      const b = { lead_unit_id: e.lead_unit_id.value || null, co_unit_ids: checked(co), leader: val(e, 'leader') };
      if (e.workdays.value) b.workdays = Number(e.workdays.value);
      return b;
    });
  }
  if (['accepted', 'assigned', 'handed_back', 'replied'].includes(p.state) && !p.key) {
    act('mark-key', '列为重点提案', [field('leader', '督办领导', input({ maxLength: 50 }))], (e) => ({ leader: val(e, 'leader') }));
  }
  return out;
}

/* ---- rates ----------------------------------------------------------------------------------- */

const pct = (v) => (v === null || v === undefined ? '—' : v + '%');

export const ratesPage = {
  id: 'proposal-rates',
  title: '提案办理统计',
  roles: ['office', 'leader', 'admin'],
  async render(root, ctx, arg) {
    const year = Number(arg) || Number(today().slice(0, 4));
    const r = await api.get(dpath('/units/rates?year=' + year));
    const yearBox = input({ type: 'number', min: 2000, max: 9999, value: year, id: 'rates-year', 'aria-label': '年份' });
    yearBox.addEventListener('change', () => ctx.go('proposal-rates', yearBox.value));
    const status = el('span', { class: 'meta', role: 'status' });
    const dl = (path, name, label) => {
      const b = el('button', { type: 'button', class: 'plain' }, label);
      b.addEventListener('click', () => busy(b, async () => {
        try { await download(dpath(path + '?year=' + year), name, status); } catch (e) { notice(e.message, true); }
      }));
      return b;
    };
    root.append(
      heading(year + ' 年提案办理统计', el('label', { class: 'inline', for: 'rates-year' }, '年份 ', yearBox),
        dl('/units/rates.csv', '承办单位办理情况-' + year + '.csv', '下载单位统计 CSV'),
        dl('/proposals.csv', '提案清单-' + year + '.csv', '下载提案清单 CSV'), status),
      card(table(['承办单位', '交办件数', '答复件数', '办复率', '满意率', '见面率', '超期件数'],
        r.items.map((u) => el('tr', { class: 'rate-row', 'data-unit-id': u.unit_id },
          el('td', {}, u.name), el('td', {}, String(u.assigned)), el('td', {}, String(u.replied)),
          el('td', {}, pct(u.reply_rate)), el('td', {}, pct(u.satisfaction_rate)), el('td', {}, pct(u.contact_rate)),
          el('td', {}, String(u.overdue)))), 'rates'),
      el('p', { class: 'hint' }, '办复率 = 已答复 ÷ 交办；满意率 = 满意和基本满意 ÷ 已评价；见面率 = 有沟通记录 ÷ 交办。')));
  },
};

/* ---- print view (A4; the browser prints it to PDF) --------------------------------------- */

export const printPage = {
  id: 'proposal-print',
  title: '提案及答复',
  roles: ['member', 'unit', 'office', 'leader', 'admin'],
  nav: false,
  async render(root, ctx, arg) {
    const p = await api.get(P(arg));
    const { lead, co } = assignedNow(ctx, p);
    const row = (k, v) => el('tr', {}, el('th', { scope: 'row' }, k), el('td', {}, v || ''));
    const print = el('button', { type: 'button', class: 'no-print', id: 'print-now' }, '打印 / 另存为 PDF');
    print.addEventListener('click', () => window.print());
    root.append(el('div', { class: 'no-print buttons' }, print,
      el('a', { href: '#/proposals/' + p.id, class: 'button plain' }, '返回提案')),
    el('article', { class: 'print-sheet', id: 'print-sheet' },
      el('h1', {}, '政协提案及答复'),
      el('p', { class: 'print-number' }, '第 ' + (p.number || '（未立案）') + ' 号'),
      el('table', { class: 'print-table' }, el('tbody', {},
        row('案题', p.title), row('提案人', p.proposers.filter((x) => x.status === 'first' || x.status === 'confirmed')
          .map((x) => ctx.memberName(x.member_id)).join('、')),
        row('类别', CATEGORY[p.category]), row('主办单位', lead ? ctx.unitName(lead.unit_id) : ''),
        row('会办单位', co),
        row('交办日期', p.assigned_on), row('答复期限', p.due_date))),
      el('h2', {}, '案由'), el('p', { class: 'prose' }, p.reasons || ''),
      el('h2', {}, '办法'), el('p', { class: 'prose' }, p.measures || ''),
      el('h2', {}, '答复'),
      p.replies.length ? p.replies.map((r) => el('section', { class: 'print-reply' },
        el('p', { class: 'meta' }, '第 ' + r.round + ' 轮答复 · ' + (REPLY_CLASS[r.class] || r.class) + ' · ' + showTime(r.replied_at).slice(0, 10) +
          (r.promised_date ? ' · 承诺 ' + r.promised_date + ' 前解决' : '')),
        el('p', { class: 'prose' }, r.text || ''), r.reason ? el('p', { class: 'prose' }, '原因：' + r.reason) : null))
        : el('p', { class: 'prose' }, '（尚未答复）'),
      p.verdicts.length ? el('p', { class: 'print-verdict' }, '提案人意见：' + p.verdicts.map((v) => VERDICT[v.verdict] || v.verdict).join(' → ')) : null));
  },
};
