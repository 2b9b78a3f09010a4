// The reports page's pure helpers (no DOM), run by Node in
// console/test/console_scripts.test.mjs: NHS financial quarters in
// Europe/London days, and a report's published figures as text. A suppressed
// count or rate is "*", an undefined rate (denominator 0) is empty; the
// gateway's JSON leaves zero values out, so an absent value is 0.

// Today as a Europe/London day, YYYY-MM-DD.
export function londonToday(now = new Date()) {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' })
    .format(now);
}

function pad(n) {
  return String(n).padStart(2, '0');
}

function lastDay(year, month) {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

// The NHS financial quarter holding `day` (YYYY-MM-DD): Q1 April to June,
// Q2 July to September, Q3 October to December, Q4 January to March.
// `offset` quarters later (negative: earlier).
export function financialQuarter(day, offset = 0) {
  const [y, m] = day.split('-').map(Number);
  // Quarters counted from April of year 0.
  const fyStart = m >= 4 ? y : y - 1;
  const index = fyStart * 4 + Math.floor(((m + 8) % 12) / 3) + offset;
  const startYear = Math.floor(index / 4);
  const q = index - startYear * 4;
  const startMonthFromApril = q * 3;
  const month = ((3 + startMonthFromApril) % 12) + 1;
  const year = startYear + (q === 3 ? 1 : 0);
  const endMonth = month + 2;
  return {
    label: `${startYear}-${pad((startYear + 1) % 100)} Q${q + 1}`,
    from: `${year}-${pad(month)}-01`,
    to: `${year}-${pad(endMonth)}-${pad(lastDay(year, endMonth))}`,
  };
}

// The four quarters up to and including the one holding `day`.
export function lastFourQuarters(day) {
  return { from: financialQuarter(day, -3).from, to: financialQuarter(day).to };
}

// The financial year (April to March) holding `day`.
export function financialYear(day) {
  const [y, m] = day.split('-').map(Number);
  const start = m >= 4 ? y : y - 1;
  return { from: `${start}-04-01`, to: `${start + 1}-03-31`, label: `${start}-${pad((start + 1) % 100)}` };
}

// Every quarter label from `from` to `to`, in order.
export function quartersBetween(from, to) {
  const labels = [];
  for (let offset = 0; offset < 40; ++offset) {
    const q = financialQuarter(from, offset);
    if (q.from > to) break;
    labels.push(q.label);
  }
  return labels;
}

export function countText(c) {
  if (!c) return '0';
  if (c.suppressed) return '*';
  return String(Number(c.value || 0));
}

// For a chart: a withheld count is no bar at all (null), never 0.
export function countValue(c) {
  if (!c) return 0;
  if (c.suppressed) return null;
  return Number(c.value || 0);
}

// A fraction published to 0.1 percentage point.
export function rateText(r) {
  if (!r) return '';
  if (r.suppressed) return '*';
  if (r.undefined) return '';
  return `${(Number(r.value || 0) * 100).toFixed(1)}%`;
}

// A working-day percentile: withheld ("*") with its `reached` count, empty
// when no request reached the step.
export function daysText(stats, key) {
  if (!stats) return '';
  if (stats.reached && stats.reached.suppressed) return '*';
  const v = stats[key];
  if (v === undefined || v === null) return '';
  return String(Number(v));
}

export function daysValue(stats, key) {
  if (!stats || (stats.reached && stats.reached.suppressed)) return null;
  const v = stats[key];
  return v === undefined || v === null ? null : Number(v);
}

// A breakdown value for people: an organisation "Name (ODS)", a code's
// words, or the code itself.
export function dimensionText(d) {
  if (!d) return '';
  if (!d.display || d.display === d.value) return d.value || '';
  if (/^[A-Z0-9]{3,8}$/.test(d.value || '')) return `${d.display} (${d.value})`;
  return d.display;
}

export const BREAKDOWNS = [
  { value: 'REPORT_BREAKDOWN_SOURCE', text: 'Referral source' },
  { value: 'REPORT_BREAKDOWN_SMI', text: 'SMI register' },
  { value: 'REPORT_BREAKDOWN_DIAGNOSIS', text: 'Diagnosis category' },
  { value: 'REPORT_BREAKDOWN_ROUTE', text: 'Route' },
  { value: 'REPORT_BREAKDOWN_PRODUCT_KIND', text: 'Product kind' },
  { value: 'REPORT_BREAKDOWN_GP_PRACTICE', text: 'GP practice' },
  { value: 'REPORT_BREAKDOWN_PHARMACY', text: 'Pharmacy' },
  { value: 'REPORT_BREAKDOWN_SERVICE', text: 'Tobacco dependency service' },
  { value: 'REPORT_BREAKDOWN_ICB', text: 'Integrated care board' },
  { value: 'REPORT_BREAKDOWN_QUARTER', text: 'Quarter' },
];

export function breakdownText(value) {
  const b = BREAKDOWNS.find((x) => x.value === value);
  return b ? b.text : value;
}
