/* 协商 (consultations): the list, a new consultation (office), one
 * consultation with its step, participants (6+X), time and place, research
 * tasks, minutes and outcomes, and the forms of the events allowed now.
 *   GET /consultations?state=&cursor=, GET /consultations/{id}, GET /venues,
 *   POST /consultations (office), POST /consultations/{id}/{set-topic|
 *   start-research|hold|publish|implement|close|cancel|schedule|add-participant|
 *   answer|add-task|task-done|task-waive|minutes|outcome|attend},
 *   GET /consultations/{id}/contacts (office: the contacts in clear, audited).
 * A contact's name, phone and e-mail are shown masked as the service stores them.
 * The service decides; a refused step or a booking conflict is shown in the
 * service's own words (who, what and when). */

import { api, dpath, today } from '../api.js';
import { checkinPage } from './checkin.js';
import {
  el, notice, field, input, select, busy, heading, card, table, clearErrors, formError, pagedList, showTime,
  conflictText, transitionForm, toRfc3339,
} from '../ui.js';

const C = (id, rest) => dpath('/consultations/' + encodeURIComponent(id) + (rest || ''));

export const CONSULT_STATE = {
  collecting: '收集议题', topic_set: '确定议题', research: '议前调研', deliberation: '协商议事',
  publicity: '公开公示', implementation: '研究落实', closed: '已办结', cancelled: '已取消',
};
const CONSULT_EVENT = {
  set_topic: '确定议题', start_research: '开展议前调研', hold: '召开协商', publish: '公开公示', implement: '研究落实',
  close: '办结', cancel: '取消', schedule: '安排时间场地', add_participant: '邀请参加人员', answer: '答复邀请',
  add_task: '添加调研任务', task_done: '完成调研任务', task_waive: '免除调研任务', opinion: '提交书面意见',
  minutes: '记录纪要', attend: '登记出席', outcome: '交办协商成果',
};
const FORM = { meeting: '会议协商', communication: '沟通协商', dialogue: '对话协商', written: '书面协商', online: '网络协商' };
const SERIES = { '': '（无）', qingni: '请你来协商', minsheng: '民生议事堂', micro: '微协商' };
const PROLE = {
  member: '委员', expert: '专家学者', department: '部门负责人', social_org: '社会组织', cadre: '村社干部',
  public_rep: '群众代表', topic_group: '利益相关方', leader: '政协领导',
};
const INVITE = { invited: '已邀请', accepted: '已接受', declined: '已谢绝' };
const ATTEND = { present: '出席', absent: '缺席', leave: '请假' };

/* A 409 in the service's words when it gave Chinese ones (a gate, a booking
 * conflict naming who and when), else the machine's state in words. */
const explain = (e) => (e.code === 'conflict' && /[^\x00-\x7f]/.test(e.serverMessage || '') ? e.serverMessage
  : conflictText(e, 'consultation', '协商', CONSULT_STATE, CONSULT_EVENT));

export const consultPage = {
  id: 'consult',
  title: '协商',
  roles: ['office', 'admin', 'leader', 'member'],
  async render(root, ctx, arg) {
    if (arg === 'new') return newPage(root, ctx);
    if (arg) return onePage(root, ctx, arg);
    const state = select([['', '全部'], ...Object.entries(CONSULT_STATE)]);
    const filters = el('form', { class: 'filters', novalidate: true }, field('state', '环节', state),
      el('div', { class: 'buttons' }, el('button', { type: 'submit' }, '查询')));
    const list = el('div', { id: 'consult-list' });
    root.append(heading(ctx.is('member') ? '我参加的协商' : '协商',
      ctx.is('office', 'admin') ? el('a', { href: '#/consult/new', class: 'button', id: 'consult-new' }, '新建协商') : null),
    card(filters, list));
    const pager = pagedList(list, {
      head: ['名称', '形式', '环节', '时间', '场地'],
      empty: '暂无协商',
      load: async (cursor) => {
        const p = new URLSearchParams({ limit: '20' });
        if (state.value) p.set('state', state.value);
        if (cursor) p.set('cursor', cursor);
        return api.get(dpath('/consultations?' + p));
      },
      render: (c) => el('tr', { 'data-consult-id': c.id },
        el('td', {}, el('a', { href: '#/consult/' + c.id }, c.title)),
        el('td', {}, FORM[c.form] + (c.series ? '·' + SERIES[c.series] : '')),
        el('td', {}, CONSULT_STATE[c.state] || c.state),
        el('td', { class: 'nowrap' }, showTime(c.starts_at)), el('td', {}, c.venue || '')),
    });
    filters.addEventListener('submit', (ev) => { ev.preventDefault(); pager.reload(); });
    await pager.reload();
  },
};

async function newPage(root, ctx) {
  const title = input({ maxLength: 200 });
  const form = select(Object.entries(FORM));
  const series = select(Object.entries(SERIES));
  const room = select([['', '（不在工作室）'], ...ctx.ref.workrooms.map((w) => [w.id, w.name])]);
  const f = el('form', { novalidate: true, id: 'consult-form' },
    field('title', '协商名称', title),
    el('div', { class: 'grid' }, field('form', '形式', form), field('series', '品牌', series), field('workroom_id', '工作室', room)),
    el('div', { class: 'buttons' }, el('button', { type: 'submit' }, '创建')),
    el('p', { class: 'error form-error', role: 'alert' }));
  f.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(f);
    await busy(f.querySelector('button'), async () => {
      try {
        const r = await api.post(dpath('/consultations'), {
          title: title.value.trim() || null, form: form.value, series: series.value, workroom_id: room.value || null,
        });
        notice('已创建');
        ctx.go('consult', r.id);
      } catch (e) { formError(f, e); }
    });
  });
  root.append(heading('新建协商', el('a', { href: '#/consult', class: 'button plain' }, '返回列表')), card(f));
}

function participantName(ctx, p) {
  return p.name || (p.member_id ? ctx.memberName(p.member_id) : '');
}

/* Office: the contacts' names, phones and e-mails in clear, after a
 * confirmation (every look is audited by the service). */
function revealButton(ctx, c, people) {
  if (!ctx.is('office', 'admin') || !c.participants.some((p) => p.phone || p.email)) return null;
  const b = el('button', { type: 'button', class: 'plain', id: 'reveal-contacts' }, '查看联系人明文');
  b.addEventListener('click', () => busy(b, async () => {
    if (!confirm('查看联系人姓名、电话和邮箱会留痕记录，确定查看？')) return;
    try {
      const r = await api.get(C(c.id, '/contacts'));
      (r.contacts || []).forEach((k) => {
        const row = people.querySelector('tr[data-seq="' + k.seq + '"]');
        if (!row) return;
        row.querySelector('td.name').textContent = k.name;
        row.querySelector('td.contact').textContent = [k.phone, k.email].filter(Boolean).join(' ') + '（明文，已留痕）';
      });
      b.remove();
    } catch (e) { notice(e.message, true); }
  }));
  return b;
}

async function onePage(root, ctx, id) {
  const [c, venues] = await Promise.all([api.get(C(id)), api.get(dpath('/venues'))]);
  const venueName = (v) => (venues.items.find((x) => x.id === v) || {}).name || '';
  const facts = [
    ['环节', CONSULT_STATE[c.state] || c.state], ['形式', FORM[c.form]], ['品牌', c.series ? SERIES[c.series] : ''],
    ['时间', c.starts_at ? showTime(c.starts_at) + ' 至 ' + showTime(c.ends_at).slice(11) : '（未安排）'],
    ['场地', c.venue_id ? venueName(c.venue_id) : ''], ['公示期', c.notice_from ? c.notice_from + ' 至 ' + c.notice_until : ''],
  ].filter(([, v]) => v !== '');
  root.append(heading(c.title, el('a', { href: '#/consult', class: 'button plain' }, '返回列表')),
    card(el('dl', { class: 'facts', id: 'consult-facts' }, facts.flatMap(([k, v]) => [el('dt', {}, k), el('dd', { 'data-key': k }, v)])),
      c.minutes ? el('div', {}, el('h3', {}, '协商纪要'), el('p', { class: 'prose' }, c.minutes)) : null));
  const reach = (p) => el('td', { class: 'contact' }, [p.phone, p.email].filter(Boolean).join(' '));
  const people = table(['姓名', '界别/身份', '单位', '联系方式', '邀请', '出席'],
    c.participants.map((p) => el('tr', { 'data-seq': p.seq }, el('td', { class: 'name' }, participantName(ctx, p)), el('td', {}, PROLE[p.role] || p.role),
      el('td', {}, p.organisation || p.group || ''), reach(p), el('td', {}, (INVITE[p.invitation] || '') + (p.decline_reason ? '（' + p.decline_reason + '）' : '')),
      el('td', {}, ATTEND[p.attendance] || ''))), 'participants');
  root.append(card(el('h3', {}, '参加人员（6+X）'), people, revealButton(ctx, c, people)));
  if (c.tasks.length) {
    root.append(card(el('h3', {}, '议前调研'), table(['序号', '任务', '负责', '期限', '状态'], c.tasks.map((t) => el('tr', {},
      el('td', {}, String(t.seq)), el('td', {}, t.title), el('td', {}, t.owner), el('td', { class: 'nowrap' }, t.due_date),
      el('td', {}, { open: '进行中', done: '已完成', waived: '已免除（' + (t.reason || '') + '）' }[t.state]))))));
  }
  if (c.outcomes.length) {
    root.append(card(el('h3', {}, '协商成果'), table(['成果', '承办单位', '答复期限', '办结期限'], c.outcomes.map((o) => el('tr', {},
      el('td', {}, o.title), el('td', {}, ctx.unitName(o.unit_id)), el('td', {}, o.answer_due), el('td', {}, o.close_due))))));
  }
  const actions = actionsFor(ctx, c, venues.items);
  if (actions.length) root.append(card(el('h3', {}, '办理'), el('div', { class: 'consult-actions' }, actions)));
}

/* One form per event that fits the step; the service has the last word. */
function actionsFor(ctx, c, venues) {
  const out = [];
  const act = (event, label, fields, build) => out.push(transitionForm(C(c.id, '/' + event), event, label, fields, build,
    () => ctx.go('consult', c.id), explain));
  const val = (e, n) => (e[n].value.trim() || null);
  const before = ['collecting', 'topic_set', 'research'].includes(c.state);
  if (ctx.is('member', 'leader') && before) {
    act('answer', '接受邀请', [], () => ({ accept: true }));
    act('answer', '谢绝邀请', [field('reason', '谢绝理由', input({}))], (e) => ({ accept: false, reason: val(e, 'reason') }));
  }
  if (!ctx.is('office', 'admin')) return out;
  if (before) {
    const day = input({ type: 'date', min: today() });
    act('schedule', '安排时间和场地', [
      field('venue_id', '场地', select([['', '请选择'], ...venues.map((v) => [v.id, v.name + '（' + v.capacity + '人）'])])),
      el('div', { class: 'grid' }, field('date', '日期', day), field('starts_at', '开始', input({ type: 'time', step: 900 })),
        field('ends_at', '结束', input({ type: 'time', step: 900 })))],
    (e) => ({
      venue_id: e.venue_id.value || null,
      starts_at: e.date.value && e.starts_at.value ? toRfc3339(e.date.value + 'T' + e.starts_at.value) : null,
      ends_at: e.date.value && e.ends_at.value ? toRfc3339(e.date.value + 'T' + e.ends_at.value) : null,
    }));
    const members = select([['', '请选择'], ...[...ctx.ref.members.values()].map((m) => [m.id, m.name])]);
    act('add-participant', '邀请委员', [field('participant.member_id', '委员', members)],
      () => ({ participant: { role: 'member', member_id: members.value || null } }));
    act('add-participant', '邀请其他参加人员', [
      field('participant.role', '身份', select(Object.entries(PROLE).filter(([k]) => k !== 'member' && k !== 'leader'))),
      field('participant.name', '姓名', input({ maxLength: 40 })), field('participant.organisation', '单位', input({ maxLength: 40 })),
      el('div', { class: 'grid' }, field('participant.phone', '电话', input({ type: 'tel', maxLength: 20 })),
        field('participant.email', '邮箱', input({ type: 'email', maxLength: 100 }))),
      el('p', { class: 'hint' }, '电话、邮箱至少填一项；加密保存，列表中只显示部分。')],
    (e) => ({ participant: { role: e['participant.role'].value, name: val(e, 'participant.name'), organisation: val(e, 'participant.organisation'),
      phone: val(e, 'participant.phone'), email: val(e, 'participant.email') } }));
  }
  const contacts = c.participants.filter((p) => !p.member_id && !p.leader_user_id);
  if (before && contacts.length) {
    const who = select(contacts.map((p) => [String(p.seq), participantName(ctx, p) + (p.organisation ? '（' + p.organisation + '）' : '')]));
    const yes = select([['true', '接受'], ['false', '谢绝']]);
    act('answer', '记录联系人答复', [field('seq', '联系人', who), field('accept', '答复', yes), field('reason', '谢绝理由', input({}))],
      (e) => ({ seq: Number(who.value), accept: yes.value === 'true', reason: yes.value === 'true' ? null : val(e, 'reason') }));
  }
  if (c.state === 'collecting') act('set-topic', '确定议题', []);
  if (c.state === 'topic_set' && c.form === 'meeting') act('start-research', '开展议前调研', []);
  if (c.state === 'topic_set' || c.state === 'research') {
    act('add-task', '添加调研任务', [field('title', '任务', input({})), field('owner', '负责', input({})),
      field('due_date', '期限', input({ type: 'date', min: today() }))],
    (e) => ({ title: val(e, 'title'), owner: val(e, 'owner'), due_date: e.due_date.value || null }));
    c.tasks.filter((t) => t.state === 'open').forEach((t) => act('task-done', '完成：' + t.title, [], () => ({ task: t.seq })));
    act('hold', '召开协商', []);
  }
  if (c.state === 'deliberation') {
    act('minutes', '记录纪要', [field('text', '纪要', el('textarea', { rows: 4 }))], (e) => ({ text: val(e, 'text') }));
    act('publish', '公开公示', [field('notice_days', '公示天数', input({ type: 'number', min: 1, max: 90, value: 7 }))],
      (e) => ({ notice_days: Number(e.notice_days.value) || 0 }));
  }
  if (c.state === 'publicity' || c.state === 'implementation') {
    act('outcome', '交办协商成果', [field('title', '成果', input({})),
      field('unit_id', '承办单位', select([['', '请选择'], ...ctx.ref.units.map((u) => [u.id, u.name])]))],
    (e) => ({ title: val(e, 'title'), unit_id: e.unit_id.value || null }));
  }
  if (c.state === 'publicity') act('implement', '转入研究落实', []);
  if (c.state === 'implementation') act('close', '办结', []);
  if (before) act('cancel', '取消协商', [field('reason', '取消理由', input({}))], (e) => ({ reason: val(e, 'reason') }));
  return out;
}

/* 协商签到 (a member, opened by the consultation's QR code, not in the menu):
 * the token "<consultation id>.<expiry>.<mac>" names its consultation; a
 * refusal shows the server's reason.
 *   POST /consultations/{id}/checkin {token}. */
export const consultCheckinPage = checkinPage('consult-checkin', '协商签到', (id) => C(id, '/checkin'));
