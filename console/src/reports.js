// Reports (issue 14): the outcome return and pathway performance for a
// period, a breakdown, the quarter-on-quarter trend and the overdue hot
// spots. A tobacco dependency service with a named practitioner signed in
// sees exact figures (its internal view); everyone else, and the service
// before anyone has signed in, gets the controlled figures every export
// gets. Each chart (Chart.js, embedded at build time) has its figures in a
// table beside it; suppressed values are "*" in the tables and no bar in
// the charts. The period and breakdown live in the form, never in the URL.
import '/console/chartjs/chart.umd.min.js';

import { ApiError, call, query } from './api.js';
import { REPORT_ROLES, startPage } from './common.js';
import {
  BREAKDOWNS, breakdownText, countText, countValue, daysText, daysValue, dimensionText, financialQuarter, financialYear,
  lastFourQuarters, londonToday, quartersBetween, rateText,
} from './report_figures.js';
import { byId, clear, dateTime, el, form, inset, notice, showLoadError, statusText, summaryList, table } from './ui.js';

const { Chart } = window;

// The NHS identity colours (blue, dark blue, aqua green, warm yellow).
const COLOURS = ['#005eb8', '#003087', '#00a499', '#ffb81c'];

const charts = new Map();
let session = null;
let period = null;
// Each showing supersedes the one before (a person signing in asks again
// for exact figures): an older answer arriving late is dropped.
let generation = 0;

function exactAllowed(s) {
  return s.role === 'tobacco_service' && Boolean(s.practitioner);
}

function disclosure() {
  return exactAllowed(session) ? 'DISCLOSURE_EXACT' : 'DISCLOSURE_CONTROLLED';
}

function section(id, heading) {
  return el('section', { class: 'console-panel', id, 'aria-labelledby': `${id}-heading` },
    el('h2', { id: `${id}-heading`, text: heading }), el('div', { id: `${id}-body` }, el('p', { text: 'Loading\u2026' })));
}

// A chart drawn on a canvas with a name for screen readers, which are sent
// to the table of the same figures that follows it.
function chart(id, label, config) {
  if (charts.has(id)) charts.get(id).destroy();
  const canvas = el('canvas', { id, role: 'img', 'aria-label': `${label}. The figures are in the table that follows.` });
  const wrapper = el('div', { class: 'console-chart' }, canvas);
  // Drawn once the wrapper is in the page (Chart.js sizes to it).
  queueMicrotask(() => {
    charts.set(id, new Chart(canvas, {
      ...config,
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: { legend: { position: 'bottom' } },
        ...config.options,
      },
    }));
  });
  return wrapper;
}

function dimensionHeadings(by) {
  return by.map(breakdownText);
}

function dimensionCells(row, by) {
  if (row.total) return by.length ? [el('strong', { text: 'Total' }), ...by.slice(1).map(() => '')] : [];
  const dims = row.dimensions || [];
  return by.map((_, i) => dimensionText(dims[i]));
}

// -------------------------------------------------------------------------
// What the gateway says about the figures
// -------------------------------------------------------------------------

function showHeader(header) {
  const exact = header.disclosure === 'DISCLOSURE_EXACT';
  const body = clear(byId('report-header-body'));
  body.append(
    summaryList([
      ['Period', `${header.from} to ${header.to}`],
      ['Whose data', header.scope],
      ['Figures', exact ? 'Exact (your service\u2019s internal view)' : 'Controlled (as every export)'],
      ['Rules applied', header.disclosureRules || (exact ? 'None: exact figures' : '')],
      ['Follow-up windows closed up to', header.asOf],
      ['Produced', dateTime(header.generatedAt)],
    ], 'report-summary'),
    ...(exact ? [] : [inset('A * is a small count withheld, or a figure withheld so that a small count cannot be worked out from the others; a rate from a withheld count is withheld too.', 'suppression-note')]));
  if (session.role === 'tobacco_service' && !session.practitioner) {
    body.append(el('p', { class: 'nhsuk-body-s', id: 'exact-hint', text: 'Enter who you are above to see your service\u2019s exact figures.' }));
  }
}

// -------------------------------------------------------------------------
// The outcome return
// -------------------------------------------------------------------------

const OUTCOME_COLUMNS = [
  ['Referrals received', (r) => countText(r.referralsReceived)],
  ['Quit dates set', (r) => countText(r.quitDatesSet)],
  ['Quit at 4 weeks (self-reported)', (r) => countText(r.quit4wkSelfReported)],
  ['Of whom CO-verified', (r) => countText(r.quit4wkCoVerified)],
  ['Not quit at 4 weeks', (r) => countText(r.notQuit4wk)],
  ['Lost to follow-up at 4 weeks', (r) => countText(r.lostToFollowUp4wk)],
  ['Quit at 12 weeks', (r) => countText(r.quit12wk)],
  ['Quit at 52 weeks', (r) => countText(r.quit52wk)],
  ['4-week quit rate', (r) => rateText(r.quitRate4wk)],
  ['CO-verified share', (r) => rateText(r.coVerifiedShare)],
];

// With a breakdown, a row per value and the total last; without one, the
// total alone, one figure a line (easier to read than one wide row).
function figuresTable(caption, headings, rows, by, cellsOf, id) {
  if (by.length === 0) {
    const total = rows.find((r) => r.total) || {};
    const cells = cellsOf(total);
    return table(caption, ['Figure', 'Total'], headings.map((h, i) => [h, cells[i]]), id);
  }
  return table(caption, [...dimensionHeadings(by), ...headings],
    rows.map((r) => [...dimensionCells(r, by), ...cellsOf(r)]), id);
}

function showOutcomes(report, by) {
  clear(byId('outcomes-body')).append(figuresTable(
    `Outcome return, ${report.header.from} to ${report.header.to}${by.length ? `, by ${by.map(breakdownText).join(' and ').toLowerCase()}` : ''}`,
    OUTCOME_COLUMNS.map(([h]) => h), report.rows || [], by,
    (r) => OUTCOME_COLUMNS.map(([, f]) => f(r)), 'outcomes-table'));
}

// -------------------------------------------------------------------------
// Quarter on quarter
// -------------------------------------------------------------------------

let trendCalls = 0;

async function showTrend(span) {
  const mine = ++trendCalls;
  const shown = generation;
  const stale = () => mine !== trendCalls || shown !== generation;
  const body = byId('trend-body');
  const today = period ? period.to : londonToday();
  const range = span === 'year' ? financialYear(today) : lastFourQuarters(today);
  try {
    const report = await call('GET', `/v1/reports/outcomes${query({ from: range.from, to: range.to, by: 'REPORT_BREAKDOWN_QUARTER', disclosure: disclosure() })}`);
    if (stale()) return;
    const byQuarter = new Map();
    for (const row of report.rows || []) {
      if (!row.total) byQuarter.set((row.dimensions || [])[0]?.value, row);
    }
    // A quarter with no row had nothing in it: its counts are 0.
    const quarters = quartersBetween(range.from, range.to).map((label) => ({ label, row: byQuarter.get(label) || {} }));
    const series = [
      ['Referrals received', (r) => r.referralsReceived],
      ['Quit dates set', (r) => r.quitDatesSet],
      ['Quit at 4 weeks', (r) => r.quit4wkSelfReported],
      ['Of whom CO-verified', (r) => r.quit4wkCoVerified],
    ];
    const caption = `Quarter on quarter, ${range.from} to ${range.to}`;
    clear(body).append(
      chart('trend-chart', `Bar chart: ${caption}: referrals received, quit dates set and quit at 4 weeks per quarter`, {
        type: 'bar',
        data: {
          labels: quarters.map((q) => q.label),
          datasets: series.map(([label, f], i) => ({ label, data: quarters.map((q) => countValue(f(q.row))), backgroundColor: COLOURS[i] })),
        },
        options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
      }),
      table(caption, ['Quarter', ...series.map(([h]) => h), '4-week quit rate'],
        quarters.map((q) => [q.label, ...series.map(([, f]) => countText(f(q.row))), rateText(q.row.quitRate4wk)]),
        'trend-table'));
  } catch (error) {
    if (!stale()) showLoadError(body, error);
  }
}

function trendControls() {
  const select = el('select', { class: 'nhsuk-select', id: 'trend-span', name: 'trend-span' },
    el('option', { value: 'quarters', text: 'The last four quarters' }),
    el('option', { value: 'year', text: 'The financial year' }));
  select.addEventListener('change', () => showTrend(select.value));
  return el('div', { class: 'nhsuk-form-group' },
    el('label', { class: 'nhsuk-label', for: 'trend-span', text: 'Show the trend over' }), select);
}

// -------------------------------------------------------------------------
// Pathway performance
// -------------------------------------------------------------------------

const STEPS = [
  ['Acknowledgement', (r) => r.toAcknowledgement],
  ['Prescription or supply', (r) => r.toPrescriptionOrSupply],
  ['Dispense', (r) => r.toDispense],
];

// A table, or a line saying there is nothing to list.
function tableOrNone(caption, headings, rows, id, none) {
  if (rows.length) return table(caption, headings, rows, id);
  return el('p', { id, class: 'nhsuk-body-s', text: `${caption}: ${none}` });
}

function showPathway(report, by) {
  const rows = report.rows || [];
  const total = rows.find((r) => r.total) || {};
  const body = clear(byId('pathway-body'));
  const headings = ['Requests', 'Went overdue',
    ...STEPS.flatMap(([s]) => [`To ${s.toLowerCase()}: median`, `To ${s.toLowerCase()}: 90th percentile`]),
    'GP decline rate', 'Pharmacy not-supplied rate'];
  body.append(
    el('p', { class: 'nhsuk-body-s', text: 'Times are in working days from the recommendation (weekends and bank holidays do not count).' }),
    figuresTable(`Pathway performance, ${report.header.from} to ${report.header.to}${by.length ? `, by ${by.map(breakdownText).join(' and ').toLowerCase()}` : ''}`,
      headings, rows, by,
      (r) => [countText(r.requests), countText(r.wentOverdue),
        ...STEPS.flatMap(([, f]) => [daysText(f(r), 'medianWorkingDays'), daysText(f(r), 'p90WorkingDays')]),
        rateText(r.gpDeclineRate), rateText(r.notSuppliedRate)],
      'pathway-table'));

  const stepsCaption = 'Working days from recommendation to each step, all requests';
  body.append(
    el('h3', { text: 'Where the pathway takes time' }),
    chart('steps-chart', `Bar chart: ${stepsCaption}: median and 90th percentile per step`, {
      type: 'bar',
      data: {
        labels: STEPS.map(([s]) => s),
        datasets: [
          { label: 'Median', data: STEPS.map(([, f]) => daysValue(f(total), 'medianWorkingDays')), backgroundColor: COLOURS[0] },
          { label: '90th percentile', data: STEPS.map(([, f]) => daysValue(f(total), 'p90WorkingDays')), backgroundColor: COLOURS[2] },
        ],
      },
      options: { scales: { y: { beginAtZero: true, title: { display: true, text: 'Working days' } } } },
    }),
    table(stepsCaption, ['Step', 'Requests that reached it', 'Median (working days)', '90th percentile (working days)'],
      STEPS.map(([s, f]) => [s, countText(f(total)?.reached), daysText(f(total), 'medianWorkingDays'), daysText(f(total), 'p90WorkingDays')]),
      'steps-table'));

  body.append(
    el('h3', { text: 'Requests by status now' }),
    tableOrNone('Requests recommended in the period, by status now', ['Status', 'Requests'],
      (total.byStatus || []).map((s) => [statusText(s.status), countText(s.count)]), 'status-table', 'none'),
    el('h3', { text: 'GP declines' }),
    tableOrNone(`GP decisions: ${countText(total.gpDecided)} decided, ${countText(total.gpDeclined)} declined (${rateText(total.gpDeclineRate) || 'no rate'})`,
      ['Reason', 'Declined'], (total.declineReasons || []).map((r) => [r.display || r.code, countText(r.count)]), 'decline-reasons-table', 'no reasons to list'),
    el('h3', { text: 'Pharmacy not supplied' }),
    tableOrNone(`Pharmacy decisions: ${countText(total.pharmacyDecided)} decided, ${countText(total.notSupplied)} not supplied (${rateText(total.notSuppliedRate) || 'no rate'})`,
      ['Reason', 'Not supplied'], (total.notSuppliedReasons || []).map((r) => [r.display || r.code, countText(r.count)]), 'not-supplied-reasons-table', 'no reasons to list'));
}

// -------------------------------------------------------------------------
// Hot spots
// -------------------------------------------------------------------------

function organisationName(o) {
  return o.display ? `${o.display} (${o.odsCode})` : o.odsCode;
}

function showHotSpots(report) {
  const body = clear(byId('hotspots-body'));
  const overdue = report.overdueByOrganisation || [];
  const dead = report.deadLettersByDestination || [];
  if (overdue.length === 0) {
    body.append(el('h3', { text: 'Requests that went overdue' }));
    notice(body.appendChild(el('div', { id: 'overdue-none' })), 'No request recommended in the period went overdue.');
  } else {
    const caption = 'Requests that went overdue, by the organisation they waited on';
    body.append(
      el('h3', { text: 'Requests that went overdue' }),
      chart('overdue-chart', `Bar chart: ${caption}`, {
        type: 'bar',
        data: {
          labels: overdue.map(organisationName),
          datasets: [{ label: 'Went overdue', data: overdue.map((o) => countValue(o.count)), backgroundColor: COLOURS[3] }],
        },
        options: { indexAxis: 'y', scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } },
      }),
      table(caption, ['Organisation', 'Requests that went overdue'], overdue.map((o) => [organisationName(o), countText(o.count)]), 'overdue-organisations-table'));
  }
  body.append(el('h3', { text: 'Dead letters' }));
  if (dead.length === 0) {
    notice(body.appendChild(el('div', { id: 'dead-letters-none' })), 'No message to another organisation failed in the period.');
  } else {
    body.append(table('Messages that could not be delivered, by destination', ['Destination', 'Dead letters'],
      dead.map((o) => [organisationName(o), countText(o.count)]), 'dead-letters-table'));
  }
}

// -------------------------------------------------------------------------
// The page
// -------------------------------------------------------------------------

async function showReports(from, to, by) {
  const mine = ++generation;
  period = { from, to, by };
  const params = { from, to, disclosure: disclosure() };
  const path = (name) => `/v1/reports/${name}${query(params)}${by.map((b) => `&by=${encodeURIComponent(b)}`).join('')}`;
  const results = byId('report-results');
  clear(results).append(
    section('report-header', 'About these figures'),
    section('outcomes', 'Outcome return'),
    section('trend', 'Quarter on quarter'),
    section('pathway', 'Pathway performance'),
    section('hotspots', 'Overdue hot spots'));
  byId('trend').insertBefore(trendControls(), byId('trend-body'));
  const [outcomes, pathway] = await Promise.all([call('GET', path('outcomes')), call('GET', path('pathway'))]);
  if (mine !== generation) return;
  showHeader(outcomes.header);
  showOutcomes(outcomes, by);
  showPathway(pathway, by);
  showHotSpots(pathway);
  await showTrend('quarters');
  if (mine !== generation) return;
  byId('report-results').setAttribute('data-loaded', disclosure());
}

function render(s) {
  session = s;
  const content = clear(byId('page-content'));
  const quarter = financialQuarter(londonToday());
  const last = period || { from: quarter.from, to: quarter.to, by: [] };
  const results = el('div', { id: 'report-results' });
  content.append(
    el('p', { text: 'The figures for a period: the outcome return, where the pathway loses time and people, and the quarter-on-quarter trend. The period starts as the current NHS financial quarter.' }),
    form({
      id: 'report-form',
      submit: 'Show the reports',
      fields: [
        { name: 'from', label: 'From (first day)', type: 'date', value: last.from, required: true, requiredMessage: 'Enter the first day of the period', api: ['from'] },
        { name: 'to', label: 'To (last day)', type: 'date', value: last.to, required: true, requiredMessage: 'Enter the last day of the period', api: ['to'] },
        { name: 'by', label: 'Break the figures down by (optional)', type: 'select', placeholder: 'No breakdown: totals only', options: BREAKDOWNS, value: last.by[0] || '', api: ['by'] },
      ],
      onSubmit: async (v) => {
        if (v.to < v.from) throw formProblem('to', 'The last day must not be before the first day');
        await showReports(v.from, v.to, v.by ? [v.by] : []);
      },
    }),
    results);
  const mine = generation + 1;
  showReports(last.from, last.to, last.by).catch((error) => {
    if (mine === generation) showLoadError(results, error);
  });
}

// A check of the form's own, shown like the gateway's field violations.
function formProblem(field, description) {
  return new ApiError(400, { message: description, details: [{ fieldViolations: [{ field, description }] }] });
}

startPage(REPORT_ROLES, render, { needsPractitioner: (s) => s.role === 'tobacco_service' });
