/* 分级处置 (四类): issues raised from visits.
 *   GET /issues?grade=&status= (a unit sees only its own), GET /issues/{id},
 *   POST /issues/{id}/override {grade, reason, unit_id} (office, admin).
 *   Leaders open on class 1; units on what is assigned to them. */

import { api, dpath, today } from '../api.js';
import { el, notice, field, select, busy, heading, card, table, clearErrors, formError, showTime } from '../ui.js';
import { GRADE, ISSUE_ROUTE, ISSUE_STATUS } from '../text.js';

export default {
  id: 'issues',
  title: '分级处置',
  roles: ['office', 'admin', 'leader', 'member', 'unit'],
  async render(root, ctx, arg) {
    if (arg) return issuePage(root, ctx, arg);
    const grade = select([['', '全部'], ...Object.entries(GRADE)], { id: 'issue-grade' });
    const status = select([['', '全部'], ...Object.entries(ISSUE_STATUS)], { id: 'issue-status' });
    if (ctx.is('leader')) grade.value = '1';
    if (ctx.is('office', 'admin', 'unit')) status.value = 'open';
    const list = el('div');
    const title = ctx.is('unit') ? '交办本单位的诉求' : ctx.is('leader') ? '一类诉求（领导阅处）' : '诉求分级处置';
    root.append(heading(title), card(el('div', { class: 'filters' }, field('grade', '类别', grade), field('status', '状态', status)), list));
    async function load() {
      const q = new URLSearchParams();
      if (grade.value) q.set('grade', grade.value);
      if (status.value) q.set('status', status.value);
      try {
        const r = await api.get(dpath('/issues?' + q));
        const now = today();
        list.replaceChildren(r.items.length ? table(['编号', '诉求', '类别', '去向', '办理期限', '状态', '来访'],
          r.items.map((i) => el('tr', { class: i.status === 'open' && i.due_on && i.due_on < now ? 'overdue' : '' },
            el('td', {}, el('a', { href: '#/issues/' + i.id }, i.id)),
            el('td', { class: 'summary' }, i.summary),
            el('td', {}, GRADE[i.grade] || i.grade),
            el('td', {}, (ISSUE_ROUTE[i.route] || i.route) + (i.unit_name ? '：' + i.unit_name : '')),
            el('td', { class: 'nowrap' }, (i.due_on || '') + (i.status === 'open' && i.due_on && i.due_on < now ? '（已逾期）' : '')),
            el('td', {}, ISSUE_STATUS[i.status] || i.status),
            el('td', {}, ctx.is('unit') ? i.visit_id : el('a', { href: '#/log/' + i.visit_id }, i.visit_id))))) :
          el('p', { class: 'empty' }, '暂无诉求'));
        if (r.items.length === 500) list.append(el('p', { class: 'hint' }, '只显示最近 500 件，请用筛选缩小范围。'));
      } catch (e) { notice(e.message, true); }
    }
    grade.addEventListener('change', load);
    status.addEventListener('change', load);
    await load();
  },
};

async function issuePage(root, ctx, id) {
  const i = await api.get(dpath('/issues/' + encodeURIComponent(id)));
  const dl = el('dl', { class: 'facts' }, ...[
    ['编号', i.id], ['诉求', i.summary], ['重要程度', i.importance], ['办理难度', i.difficulty],
    ['当场解决', i.resolved_on_spot ? '是' : '否'], ['本地可解决', i.local ? '是' : '否'],
    ['类别', GRADE[i.grade]], ['去向', ISSUE_ROUTE[i.route] + (i.unit_name ? '：' + i.unit_name : '')],
    ['办理期限', i.due_on || ''], ['状态', ISSUE_STATUS[i.status] || i.status],
    ['调整理由', i.override_reason || ''], ['分级时间', showTime(i.graded_at)],
  ].flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));
  root.append(heading('诉求 ' + i.id, el('a', { href: '#/issues', class: 'button plain' }, '返回列表'),
    ctx.is('unit') ? null : el('a', { href: '#/log/' + i.visit_id, class: 'button plain' }, '查看来访')), card(dl));
  if (!ctx.is('office', 'admin')) return;
  const g = select([['', '请选择'], ...Object.entries(GRADE)]);
  g.value = String(i.grade);
  const unit = select([['', '（无）'], ...ctx.ref.units.map((u) => [u.id, u.name])]);
  unit.value = i.unit_id || '';
  const f = el('form', { novalidate: true, id: 'override-form' },
    el('h3', {}, '调整分级'),
    el('div', { class: 'grid' }, field('grade', '新类别', g), field('unit_id', '承办单位（二类必填）', unit)),
    field('reason', '调整理由', el('textarea', { rows: 2, maxLength: 500 })),
    el('p', { class: 'hint' }, '办理期限从今天重新计算（按工作日）。'),
    el('div', { class: 'buttons' }, el('button', { type: 'submit' }, '调整')),
    el('p', { class: 'error form-error', role: 'alert' }));
  f.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(f);
    await busy(f.querySelector('button'), async () => {
      try {
        const r = await api.post(dpath('/issues/' + i.id + '/override'), {
          grade: g.value ? Number(g.value) : null, reason: f.elements.reason.value.trim() || null,
          unit_id: unit.value || null,
        });
        notice('已调整为' + GRADE[r.grade] + (r.due_on ? '，办理期限 ' + r.due_on : ''));
        ctx.go('issues', i.id);
      } catch (e) { formError(f, e); }
    });
  });
  root.append(card(f));
}
