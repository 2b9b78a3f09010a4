// The reports page (issue 14) in Debian's headless Chromium against the real
// gateway binary: a small data set is built through the gRPC API
// (tobaccoctl, as each organisation), then the tobacco dependency service,
// a named practitioner signed in, sees its exact figures with the charts
// drawn (a Chart.js instance on each canvas, pixels painted), and the GP
// practice sees the same figures under disclosure control (small counts as
// *), and so does the commissioner of the ICB the practice is mapped to.
// No Content-Security-Policy violation, no page error, axe-core clean,
// no patient data in any URL or title. With UPDATE_CONSOLE_SCREENSHOTS=1
// the service's page is written to docs/console/reports.png.
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

import { artifactsDir, openWorld } from './harness/context.mjs';
import { ctl, REPO } from './harness/gateway.mjs';
import { acknowledgedGpRequest, PATIENTS, prescription } from './harness/pathway.mjs';

const require = createRequire(import.meta.url);
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const WCAG_22_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const UPDATE_DOCS = process.env.UPDATE_CONSOLE_SCREENSHOTS === '1';

let world;
let shots;
// The period the test asks for: from the quit date to today (London).
let period;

function londonDay(offsetDays = 0) {
  const when = new Date(Date.now() + offsetDays * 86400_000);
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' })
    .format(when);
}

// Three referrals to TDS01 whose patients are registered at Y90001, each
// with a GP-route request the practice's system acknowledged, recorded a
// week ago (the gateway runs in the past under libfaketime, as in the
// console walk); two set a quit date 37 days ago and have their 4-week
// outcome (one quit, CO-verified; one not quit); the GP declines one at
// once. Back at the real time the deadline scan marks the other two
// overdue on Y90001, and the GP then prescribes one of them: some working
// days after its recommendation.
const DAYS_AGO = 7;

async function buildDataSet() {
  const [a, b, c] = PATIENTS.map((p) => acknowledgedGpRequest(world.gateway, world.pki, p));
  const quitDate = londonDay(-DAYS_AGO - 30);
  const then = londonDay(-DAYS_AGO);
  const service = (args) => ctl(world.gateway, world.pki, 'service', args);
  const gp = (args) => ctl(world.gateway, world.pki, 'gp', args);
  for (const [record, status, co] of [[a, 'quit_co_verified', '3'], [b, 'not_quit', '18']]) {
    service(['referrals', 'quit-date', record.referral, quitDate, '--actor-ods', 'TDS01']);
    service(['outcomes', 'record', '--referral', record.referral, '--follow-up', '4', '--status', status,
      '--co-ppm', co, '--recorded-on', then, '--actor-ods', 'TDS01']);
  }
  gp(['prescriptions', 'decline', b.rx, '--reason', 'PATIENT_DECLINED', '--actor-ods', 'Y90001']);
  await world.gateway.restart({ scanIntervalSeconds: 1 });
  const deadline = Date.now() + 15_000;
  for (const record of [a, c]) {
    while (!prescription(world.gateway, world.pki, record.rx).overdue) {
      assert.ok(Date.now() < deadline, `${record.rx} never went overdue`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  gp(['prescriptions', 'prescribe', a.rx, '--eps-id', '4D7E1A-Y90001-0003FX', '--actor-ods', 'Y90001']);
  return { from: quitDate, to: londonDay() };
}

before(async () => {
  shots = artifactsDir('console_reports');
  // The organisation registry maps the patients' practice to ICB QE1 (no
  // route: nothing is delivered in these tests).
  world = await openWorld({
    roles: ['service', 'gp', 'icb'],
    clockOffsetSeconds: -DAYS_AGO * 86400,
    extraConfig: 'organisations { ods_code: "Y90001" name: "Example Medical Practice" role: "gp" icb_ods_code: "QE1" }',
  });
  period = await buildDataSet();
});

after(async () => {
  if (world && process.exitCode) {
    fs.writeFileSync(path.join(shots, 'gateway.log'), world.gateway?.log ?? '');
  }
  await world?.close();
});

const openContexts = new Set();
afterEach(async () => {
  for (const ctx of openContexts) await ctx.close().catch(() => {});
  openContexts.clear();
});

// A page that records every CSP violation (the listener is added by the
// DevTools protocol, which the page's CSP does not govern), page error,
// console error and request URL.
async function openReports(role) {
  const ctx = await world.browsers[role].newContext({ viewport: { width: 1100, height: 900 } });
  openContexts.add(ctx);
  await ctx.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  const page = await ctx.newPage();
  page.problems = [];
  page.urls = [];
  page.on('pageerror', (err) => page.problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') page.problems.push(`console error: ${msg.text()}`);
  });
  page.on('request', (request) => page.urls.push(request.url()));
  const response = await page.goto(`${world.origin}/console/reports.html`, { timeout: 20_000 });
  assert.equal(response.status(), 200);
  assert.match(response.headers()['content-security-policy'] ?? '', /script-src 'self'; style-src 'self'/);
  await page.locator('#organisation').filter({ hasNotText: 'Loading' }).waitFor({ timeout: 15_000 });
  return page;
}

// Asks for the test's period (and a breakdown) through the form and waits
// for every figure.
async function showPeriod(page, disclosure, breakdown = 'No breakdown: totals only') {
  const formNode = page.locator('#report-form');
  await formNode.getByLabel('From (first day)').fill(period.from);
  await formNode.getByLabel('To (last day)').fill(period.to);
  await formNode.getByLabel('Break the figures down by').selectOption({ label: breakdown });
  await page.locator('#report-results').evaluate((node) => node.removeAttribute('data-loaded'));
  await formNode.getByRole('button', { name: 'Show the reports' }).click();
  await page.locator(`#report-results[data-loaded="${disclosure}"]`).waitFor({ timeout: 15_000 });
  await page.locator('#report-summary').getByText(`${period.from} to ${period.to}`).waitFor({ timeout: 15_000 });
}

// A table's rows as {heading: cell text}.
async function rowsOf(page, id) {
  return page.locator(`#${id}`).evaluate((tableNode) => {
    const headings = [...tableNode.querySelectorAll('thead th')].map((th) => th.innerText.trim());
    return [...tableNode.querySelectorAll('tbody tr')].map((tr) => Object.fromEntries(
      [...tr.children].map((td, i) => [headings[i], td.innerText.trim()])));
  });
}

// A totals-only table (one figure a line) as {figure: total}.
async function totalsOf(page, id) {
  return Object.fromEntries((await rowsOf(page, id)).map((r) => [r.Figure, r.Total]));
}

// A canvas that Chart.js owns and has painted on.
async function drawnChart(page, id) {
  return page.locator(`#${id}`).evaluate((canvas) => {
    const chart = window.Chart && window.Chart.getChart(canvas);
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let painted = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) painted += 1;
    return { chart: Boolean(chart), type: chart?.config.type, datasets: chart?.data.datasets.length ?? 0, painted };
  });
}

async function seriousViolations(page, name) {
  await page.evaluate(AXE_SOURCE);
  const results = await page.evaluate((tags) => window.axe.run(document, {
    runOnly: { type: 'tag', values: tags },
  }), WCAG_22_AA);
  fs.writeFileSync(path.join(shots, `axe-${name}.json`), JSON.stringify(results.violations, null, 2));
  assert.ok(results.passes.length >= 10, `axe-core checked almost nothing on ${name}`);
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

// No CSP violation, page error or console error; and the detector works:
// an injected inline script is reported.
async function assertCleanUnderCsp(page) {
  assert.deepEqual(page.problems, []);
  assert.deepEqual(await page.evaluate(() => window.__cspViolations), []);
  await page.evaluate(() => {
    const script = document.createElement('script');
    script.textContent = 'window.__inlineRan = true;';
    document.head.append(script);
  });
  await page.waitForFunction(() => window.__cspViolations.length > 0, null, { timeout: 5000 });
  assert.equal(await page.evaluate(() => window.__inlineRan === true), false, 'an inline script ran');
}

function assertNoPatientData(page) {
  for (const { nhsNumber, given, family } of PATIENTS) {
    for (const url of page.urls) {
      assert.ok(!url.includes(nhsNumber) && !url.includes(given) && !url.includes(family), `patient data in ${url}`);
    }
  }
}

test('the service, a named practitioner signed in, sees its exact figures with drawn charts', async () => {
  const page = await openReports('service');
  const formNode = page.locator('#practitioner-form');
  await formNode.getByLabel('Professional register').selectOption({ label: 'NMC (nurses)' });
  await formNode.getByLabel('Registration number').fill('12A3456B');
  await formNode.getByLabel('Your name').fill('Nurse Example');
  await formNode.getByRole('button', { name: 'Continue' }).click();
  await page.locator('#practitioner-name').getByText('Nurse Example').waitFor({ timeout: 10_000 });
  await showPeriod(page, 'DISCLOSURE_EXACT');

  const header = await page.locator('#report-summary').innerText();
  assert.match(header, /Exact/);
  assert.match(header, /TDS01/);
  assert.deepEqual(await totalsOf(page, 'outcomes-table'), {
    'Referrals received': '3', 'Quit dates set': '2', 'Quit at 4 weeks (self-reported)': '1',
    'Of whom CO-verified': '1', 'Not quit at 4 weeks': '1', 'Lost to follow-up at 4 weeks': '0',
    'Quit at 12 weeks': '0', 'Quit at 52 weeks': '0', '4-week quit rate': '50.0%', 'CO-verified share': '100.0%',
  });
  const pathway = await totalsOf(page, 'pathway-table');
  assert.equal(pathway.Requests, '3');
  assert.equal(pathway['GP decline rate'], '50.0%');
  assert.equal(pathway['Went overdue'], '2');
  const steps = await rowsOf(page, 'steps-table');
  assert.deepEqual(steps.map((s) => s['Requests that reached it']), ['3', '1', '0']);
  // Acknowledged the day it was recommended; prescribed a week later (the
  // working days depend on today's weekday and bank holidays).
  assert.equal(steps[0]['Median (working days)'], '0');
  assert.ok(Number(steps[1]['Median (working days)']) >= 3, JSON.stringify(steps[1]));
  // The hot spot: both requests went overdue waiting on the practice.
  assert.deepEqual(await rowsOf(page, 'overdue-organisations-table'),
                   [{ Organisation: 'Example Medical Practice (Y90001)', 'Requests that went overdue': '2' }]);
  assert.deepEqual(await rowsOf(page, 'decline-reasons-table'), [{ Reason: 'Patient declined', Declined: '1' }]);
  const statuses = Object.fromEntries((await rowsOf(page, 'status-table')).map((r) => [r.Status, r.Requests]));
  assert.deepEqual(statuses, { Acknowledged: '1', Prescribed: '1', Declined: '1' });

  // The trend: four quarters, this one holding the three referrals.
  const trend = await rowsOf(page, 'trend-table');
  assert.equal(trend.length, 4);
  assert.equal(trend.reduce((n, r) => n + Number(r['Referrals received']), 0), 3);
  for (const id of ['trend-chart', 'steps-chart', 'overdue-chart']) {
    const drawn = await drawnChart(page, id);
    assert.ok(drawn.chart && drawn.type === 'bar' && drawn.datasets >= 1, `${id}: ${JSON.stringify(drawn)}`);
    assert.ok(drawn.painted > 1000, `${id} painted only ${drawn.painted} pixels`);
  }
  // Switching the trend to the financial year redraws it.
  await page.getByLabel('Show the trend over').selectOption({ label: 'The financial year' });
  await page.locator('#trend-table caption').filter({ hasText: /-04-01 to / }).waitFor({ timeout: 10_000 });

  // Broken down by route: one row per route and the total.
  await showPeriod(page, 'DISCLOSURE_EXACT', 'Route');
  const byRoute = await rowsOf(page, 'outcomes-table');
  assert.deepEqual(byRoute.map((r) => [r.Route, r['Referrals received'], r['Quit dates set']]),
                   [['GP prescription', '3', '2'], ['Total', '3', '2']]);
  assert.deepEqual((await rowsOf(page, 'pathway-table')).map((r) => [r.Route, r.Requests]),
                   [['GP prescription', '3'], ['Total', '3']]);

  const file = path.join(shots, 'service-reports.png');
  await page.screenshot({ path: file, fullPage: true });
  if (UPDATE_DOCS) fs.copyFileSync(file, path.join(REPO, 'docs', 'console', 'reports.png'));
  assert.deepEqual(await seriousViolations(page, 'service-reports'), []);
  assert.ok(page.urls.some((u) => u.includes('disclosure=DISCLOSURE_EXACT')));
  assertNoPatientData(page);
  assert.doesNotMatch(await page.title(), /\d{3} ?\d{3} ?\d{4}/);
  await assertCleanUnderCsp(page);
});

test('the GP practice sees the same figures under disclosure control', async () => {
  const page = await openReports('gp');
  await showPeriod(page, 'DISCLOSURE_CONTROLLED');
  const header = await page.locator('#report-summary').innerText();
  assert.match(header, /Controlled/);
  assert.match(header, /Y90001/);
  // The rules the gateway applied, as it words them.
  assert.match(await page.locator('#report-summary .nhsuk-summary-list__row').filter({ hasText: 'Rules applied' }).innerText(), /\*/);
  const total = await totalsOf(page, 'outcomes-table');
  // 3 and 2 are small counts: withheld, and so are the rates from them; 0
  // is published as 0.
  assert.equal(total['Referrals received'], '*');
  assert.equal(total['Quit dates set'], '*');
  assert.equal(total['4-week quit rate'], '*');
  assert.equal(total['Lost to follow-up at 4 weeks'], '0');
  assert.equal((await totalsOf(page, 'pathway-table')).Requests, '*');
  assert.equal((await rowsOf(page, 'overdue-organisations-table'))[0]['Requests that went overdue'], '*');
  assert.ok(!page.urls.some((u) => u.includes('DISCLOSURE_EXACT')), 'a GP asked for exact figures');
  assert.ok((await drawnChart(page, 'trend-chart')).chart);
  await page.screenshot({ path: path.join(shots, 'gp-reports.png'), fullPage: true });
  assert.deepEqual(await seriousViolations(page, 'gp-reports'), []);
  assertNoPatientData(page);
  await assertCleanUnderCsp(page);
});

test('the ICB commissioner sees its mapped organisations\' figures, controlled, on its only page', async () => {
  const page = await openReports('icb');
  assert.match(await page.locator('#organisation').innerText(), /Integrated care board commissioner/);
  await showPeriod(page, 'DISCLOSURE_CONTROLLED');
  const header = await page.locator('#report-summary').innerText();
  assert.match(header, /Controlled/);
  assert.match(header, /QE1/);
  const total = await totalsOf(page, 'outcomes-table');
  assert.equal(total['Referrals received'], '*');
  assert.equal(total['Lost to follow-up at 4 weeks'], '0');
  assert.ok((await drawnChart(page, 'trend-chart')).chart);
  assert.deepEqual(await seriousViolations(page, 'icb-reports'), []);
  assertNoPatientData(page);
  await assertCleanUnderCsp(page);
});
