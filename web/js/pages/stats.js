/* 统计分析 (office, admin, leader): charts drawn with Apache ECharts
 * (web/vendor/, installed by `make deps` from the npm registry), each with
 * its numbers one click away and a CSV download.
 *   GET /reports/stats?by=member|workroom|category&period=, GET /reports/stats.csv;
 *   visits by category and month, and by room: GET /visits (every page of the
 *   year, with progress), counted here. */

import { api, dpath, today, pageAll } from '../api.js';
import { el, notice, field, input, select, busy, heading, card, table, download, saveBlob, csvBlob } from '../ui.js';
import { CATEGORIES, CATEGORY } from '../text.js';

let echartsPromise = null;
function loadECharts() {
  if (!echartsPromise) echartsPromise = import('../../vendor/echarts.esm.min.js').catch(() => null);
  return echartsPromise;
}

const BY = [['member', '按委员'], ['workroom', '按工作室'], ['category', '按类别']];
const PARTS = [['', '全年'], ['H1', '上半年'], ['H2', '下半年'], ['Q1', '一季度'], ['Q2', '二季度'], ['Q3', '三季度'], ['Q4', '四季度']];
const REPORT_SERIES = [['submitted', '报送'], ['accepted', '录用'], ['adopted', '采用'], ['instructions', '批示']];

/* A chart with its numbers and CSV: {box, draw(option), setTable(headers, rows), csv}. */
export function chartCard(id, title, csvAction) {
  const canvas = el('div', { class: 'chart', id: 'chart-' + id, role: 'img', 'aria-label': title });
  const data = el('div', { class: 'chart-data', id: 'data-' + id, hidden: true });
  const toggle = el('button', { type: 'button', class: 'plain', 'aria-expanded': 'false', 'aria-controls': 'data-' + id }, '查看数据');
  toggle.addEventListener('click', () => {
    data.hidden = !data.hidden;
    toggle.setAttribute('aria-expanded', String(!data.hidden));
    toggle.textContent = data.hidden ? '查看数据' : '收起数据';
  });
  const csv = el('button', { type: 'button', class: 'plain' }, '下载 CSV');
  const status = el('span', { class: 'meta', role: 'status' });
  csv.addEventListener('click', () => busy(csv, () => csvAction(status).catch((e) => notice(e.message, true))));
  const box = el('section', { class: 'card chart-card', 'data-chart': id },
    el('div', { class: 'heading' }, el('h3', {}, title), el('div', { class: 'actions' }, toggle, csv, status)),
    canvas, data);
  let chart = null;
  return {
    box,
    async draw(option) {
      const echarts = await loadECharts();
      if (!echarts) { canvas.replaceChildren(el('p', { class: 'error' }, '图表组件未安装（请运行 make deps），数据见下表。')); data.hidden = false; return; }
      /* the page is attached after render(): a chart needs its size */
      while (!canvas.isConnected || !canvas.clientWidth) await new Promise((r) => setTimeout(r, 50));
      if (!chart) {
        chart = echarts.init(canvas, null, { renderer: 'canvas' });
        window.addEventListener('resize', () => chart.resize());
      }
      chart.setOption(option, true);
    },
    setTable(headers, rows) { data.replaceChildren(table(headers, rows.map((r) => el('tr', {}, r.map((c) => el('td', {}, c)))))); },
  };
}

function periodRange(year, part) {
  const y = Number(year);
  const q = { '': [1, 12], H1: [1, 6], H2: [7, 12], Q1: [1, 3], Q2: [4, 6], Q3: [7, 9], Q4: [10, 12] }[part];
  const last = new Date(Date.UTC(y, q[1], 0)).getUTCDate();
  return { from: y + '-' + String(q[0]).padStart(2, '0') + '-01', to: y + '-' + String(q[1]).padStart(2, '0') + '-' + last, months: q };
}

const BAR = (names, series, horizontal) => ({
  tooltip: { trigger: 'axis', renderMode: 'richText' },
  legend: { top: 0 },
  grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
  [horizontal ? 'yAxis' : 'xAxis']: { type: 'category', data: names, axisLabel: { interval: 0, rotate: horizontal ? 0 : 30 } },
  [horizontal ? 'xAxis' : 'yAxis']: { type: 'value', minInterval: 1 },
  series,
  animation: false,
});

export default {
  id: 'stats',
  title: '统计分析',
  roles: ['office', 'admin', 'leader'],
  async render(root, ctx) {
    const d = today();
    const year = input({ type: 'number', min: 2000, max: 9999, value: d.slice(0, 4), id: 'stats-year' });
    const part = select(PARTS, { id: 'stats-part' });
    part.value = 'Q' + Math.ceil(Number(d.slice(5, 7)) / 3);
    const by = select(BY, { id: 'stats-by' });
    const go = el('button', { type: 'submit' }, '统计');
    const filters = el('form', { class: 'filters', novalidate: true },
      field('year', '年份', year), field('period', '期间', part), field('by', '社情民意统计口径', by),
      el('div', { class: 'buttons' }, go), el('p', { class: 'error form-error', role: 'alert' }));
    const period = () => year.value + (part.value ? '-' + part.value : '');
    const reports = chartCard('reports', '社情民意信息：报送、录用、采用和批示',
      (status) => download(dpath('/reports/stats.csv?by=' + by.value + '&period=' + period()), '社情民意统计-' + period() + '.csv', status));
    let visitRows = [];
    let roomRows = [];
    const visits = chartCard('visits', '来访：各月各类别件数', async () => {
      saveBlob(csvBlob([['月份', ...CATEGORIES.map((c) => c[1]), '合计'], ...visitRows]), '来访分类统计-' + year.value + '.csv');
    });
    const rooms = chartCard('rooms', '来访：各工作室接待量（所选期间）', async () => {
      saveBlob(csvBlob([['工作室', '接待', '走访', '合计'], ...roomRows]), '工作室接待统计-' + period() + '.csv');
    });
    const progress = el('p', { class: 'meta', role: 'status', id: 'stats-progress' });
    root.append(heading('统计分析'), card(filters), reports.box, visits.box, progress, rooms.box);

    async function drawReports() {
      const r = await api.get(dpath('/reports/stats?by=' + by.value + '&period=' + period()));
      const items = r.items.slice(0, 30);
      const names = items.map((i) => i.name || i.key);
      reports.setTable(['排名', '名称', ...REPORT_SERIES.map((s) => s[1])],
        r.items.map((i) => [i.rank, i.name || CATEGORY[i.key] || i.key, ...REPORT_SERIES.map(([k]) => i[k])]));
      await reports.draw(BAR(names.map((n, k) => CATEGORY[items[k].key] && by.value === 'category' ? CATEGORY[items[k].key] : n),
        REPORT_SERIES.map(([k, label]) => ({ name: label, type: 'bar', data: items.map((i) => i[k]) }))));
    }

    async function drawVisits() {
      const y = year.value;
      progress.textContent = '正在读取 ' + y + ' 年来访记录…';
      const all = await pageAll(dpath('/visits'), { from: y + '-01-01', to: y + '-12-31' },
        (n, more) => { progress.textContent = '正在读取 ' + y + ' 年来访记录：已读 ' + n + ' 条' + (more ? '…' : ''); }, 20000);
      progress.textContent = '共 ' + all.items.length + ' 条来访记录' + (all.truncated ? '（超过 20000 条，只统计前 20000 条）' : '');
      const byMonth = Array.from({ length: 12 }, () => Object.fromEntries(CATEGORIES.map(([c]) => [c, 0])));
      for (const v of all.items) byMonth[Number(v.received_at.slice(5, 7)) - 1][v.category] += 1;
      visitRows = byMonth.map((m, i) => [y + '-' + String(i + 1).padStart(2, '0'), ...CATEGORIES.map(([c]) => m[c]),
        CATEGORIES.reduce((s, [c]) => s + m[c], 0)]);
      visits.setTable(['月份', ...CATEGORIES.map((c) => c[1]), '合计'], visitRows);
      await visits.draw(BAR(visitRows.map((r) => r[0].slice(5) + '月'),
        CATEGORIES.map(([c, label]) => ({ name: label, type: 'bar', stack: 'v', data: byMonth.map((m) => m[c]) }))));
      const range = periodRange(y, part.value);
      const counts = new Map(ctx.ref.workrooms.map((w) => [w.id, { reception: 0, home_visit: 0 }]));
      for (const v of all.items) {
        const day = v.received_at.slice(0, 10);
        if (day < range.from || day > range.to) continue;
        if (!counts.has(v.workroom_id)) counts.set(v.workroom_id, { reception: 0, home_visit: 0 });
        counts.get(v.workroom_id)[v.kind] += 1;
      }
      roomRows = [...counts.entries()].map(([id, c]) => [ctx.roomName(id), c.reception, c.home_visit, c.reception + c.home_visit]);
      rooms.setTable(['工作室', '接待', '走访', '合计'], roomRows);
      await rooms.draw(BAR(roomRows.map((r) => r[0]), [
        { name: '接待', type: 'bar', stack: 'r', data: roomRows.map((r) => r[1]) },
        { name: '走访', type: 'bar', stack: 'r', data: roomRows.map((r) => r[2]) }], true));
    }

    filters.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      await busy(go, async () => {
        try { await Promise.all([drawReports(), drawVisits()]); } catch (e) { notice(e.message, true); }
      });
    });
    /* not awaited: the charts draw once the page is on screen */
    Promise.all([drawReports(), drawVisits()]).catch((e) => notice(e.message, true));
  },
};
