// The walk of issue 13's Tests section, in Debian's headless Chromium
// against the real gateway binary, each organisation's browser presenting
// its own development certificate: the service watches a request go
// overdue on its open, live timeline; the GP practice prescribes in the
// console; the pharmacy records the dispense; the service's timeline shows
// both without a reload. The walk is done twice: once with the pointer,
// once with the keyboard alone (Tab to each control, then Enter, Space,
// typing, arrow keys). Screenshots of every step are kept under
// BROWSER_ARTIFACTS_DIR/console_walk. Then: no NHS number in the operator's
// pages or in any response they read; a forged cross-site POST from a page
// on another origin is refused and changes nothing; axe-core finds no
// serious or critical WCAG 2.2 AA violation on each role's pages.
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { createRequire } from 'node:module';

import { artifactsDir, openWorld } from './harness/context.mjs';
import { chooseOption, press, typeInto } from './harness/keyboard.mjs';
import { acknowledgedGpRequest, PATIENTS, prescription } from './harness/pathway.mjs';
import { REPO } from './harness/gateway.mjs';

const require = createRequire(import.meta.url);
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const WCAG_22_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
// The first deadline scan after the restart at the real time comes this
// long after it: the service's timeline must be open before then, so the
// overdue event is seen arriving.
const SCAN_INTERVAL_SECONDS = 25;
const LIVE_TIMEOUT_MS = 20_000;
const EPS_IDS = ['4D7E1A-Y90001-0003FX', '24F5DA-A83008-7EFE6Z'];
// Written to docs/console/ (the README's screenshots) when set.
const UPDATE_DOCS = process.env.UPDATE_CONSOLE_SCREENSHOTS === '1';

let world;
let shots;
let records;
let restartedAt;

before(async () => {
  shots = artifactsDir('console_walk');
  world = await openWorld({
    roles: ['service', 'gp', 'pharmacy', 'admin'], clockOffsetSeconds: -5 * 86400,
  });
  records = PATIENTS.map((p) => acknowledgedGpRequest(world.gateway, world.pki, p));
  await world.gateway.restart({ scanIntervalSeconds: SCAN_INTERVAL_SECONDS });
  restartedAt = Date.now();
});

after(async () => {
  if (world && process.exitCode) {
    fs.writeFileSync(path.join(shots, 'gateway.log'), world.gateway?.log ?? '');
  }
  await world?.close();
});

// ---------------------------------------------------------------------------
// Pages, input by pointer or by keyboard
// ---------------------------------------------------------------------------

// Every browser context a test opened is closed after it, pass or fail,
// so no page keeps connections (or a live event stream) open into the next.
const openContexts = new Set();
afterEach(async () => {
  for (const ctx of openContexts) await ctx.close().catch(() => {});
  openContexts.clear();
});

let step = 0;
async function shot(page, name) {
  step += 1;
  const file = path.join(shots, `${String(step).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

// Every console page must load its scripts and styles under the strict CSP:
// a violation, a page error or a console error fails the walk.
async function openPage(role, file, { context } = {}) {
  const ctx = context ?? await world.browsers[role].newContext({ viewport: { width: 1100, height: 900 } });
  openContexts.add(ctx);
  const page = await ctx.newPage();
  page.problems = [];
  page.on('pageerror', (err) => page.problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') page.problems.push(`console error: ${msg.text()}`);
  });
  const response = await page.goto(`${world.origin}/console/${file}`, { timeout: 20_000 });
  assert.equal(response.status(), 200, `${role} ${file}`);
  assert.match(response.headers()['content-security-policy'] ?? '', /script-src 'self'/);
  try {
    await page.locator('#organisation').filter({ hasNotText: 'Loading' }).waitFor({ timeout: 15_000 });
  } catch (err) {
    await shot(page, `${role}-${file}-did-not-load`);
    throw new Error(`${role} ${file} did not load: ${await page.locator('main').innerText()}\n${page.problems.join('\n')}`);
  }
  return page;
}

function noProblems(page) {
  // The EventSource reconnect after the gateway restart logs nothing; any
  // error here is the console's.
  assert.deepEqual(page.problems.filter((p) => !/ERR_NETWORK_CHANGED/.test(p)), []);
}

const pointer = {
  name: 'pointer',
  click: (page, locator) => locator.click(),
  fill: (page, locator, text) => locator.fill(text),
  choose: (page, locator, label) => locator.selectOption({ label }),
  // A <details> disclosure.
  open: (page, summary) => summary.click(),
};

const keyboard = {
  name: 'keyboard',
  click: (page, locator, what) => press(page, locator, 'Enter', what),
  fill: (page, locator, text, what) => typeInto(page, locator, text, what),
  choose: (page, locator, label, what) => chooseOption(page, locator, label, what),
  open: (page, summary, what) => press(page, summary, 'Enter', what),
};

// The person at the GP practice or pharmacy names themselves before any
// clinical act (the certificate names no person).
async function signInPractitioner(page, input, { register, number, name }) {
  const formNode = page.locator('#practitioner-form');
  await input.choose(page, formNode.getByLabel('Professional register'), register, 'register');
  await input.fill(page, formNode.getByLabel('Registration number'), number, 'number');
  await input.fill(page, formNode.getByLabel('Your name'), name, 'name');
  await input.click(page, formNode.getByRole('button', { name: 'Continue' }), 'Continue');
  await page.locator('#practitioner-name').getByText(name).waitFor({ timeout: 10_000 });
}

// The service opens a referral from its list, then the request, whose
// timeline goes live.
async function openTimeline(page, input, record) {
  const row = page.locator('#referrals-table tr').filter({ hasText: record.patient.spaced });
  await input.click(page, row.getByRole('button', { name: /^Open/ }), 'the referral');
  const requests = page.locator('#referral-prescriptions tr').filter({ hasText: 'Varenicline' });
  await input.click(page, requests.getByRole('button', { name: /^Open/ }), 'the request');
  await page.locator('#timeline-live').filter({ hasText: 'Live:' }).waitFor({ timeout: LIVE_TIMEOUT_MS });
  return page.locator('#timeline');
}

async function waitForTimelineLine(timeline, pattern) {
  await timeline.locator('li').filter({ hasText: pattern }).first()
    .waitFor({ timeout: LIVE_TIMEOUT_MS });
}

// Waits (tobaccoctl) until the deadline scan has marked `record` overdue.
async function overdueByNow(record) {
  const deadline = Date.now() + SCAN_INTERVAL_SECONDS * 1000 + LIVE_TIMEOUT_MS;
  while (!prescription(world.gateway, world.pki, record.rx).overdue) {
    assert.ok(Date.now() < deadline, `${record.rx} never went overdue`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

// No page load happened since `page` was marked: the update was live.
async function markPage(page) {
  await page.evaluate(() => { window.__tobaccoNoReload = true; });
}
async function assertNotReloaded(page) {
  assert.equal(await page.evaluate(() => window.__tobaccoNoReload === true), true,
               'the page was reloaded');
}

// ---------------------------------------------------------------------------
// The walk
// ---------------------------------------------------------------------------

async function walk(input, record, epsId, { seeItGoOverdue }) {
  const tag = input.name;
  // The service: the request's timeline, open and live.
  const service = await openPage('service', 'service.html');
  await service.locator('#referrals-table').waitFor({ timeout: 15_000 });
  const timeline = await openTimeline(service, input, record);
  await markPage(service);
  if (seeItGoOverdue) {
    assert.ok(Date.now() - restartedAt < SCAN_INTERVAL_SECONDS * 1000,
              'the timeline opened after the first deadline scan: the machine is too slow for this check');
    assert.equal(await timeline.locator('li').filter({ hasText: /overdue/i }).count(), 0);
    await shot(service, `${tag}-service-timeline-before-overdue`);
    await timeline.locator('li').filter({ hasText: /overdue/i }).first()
      .waitFor({ timeout: SCAN_INTERVAL_SECONDS * 1000 + LIVE_TIMEOUT_MS });
  } else {
    await waitForTimelineLine(timeline, /overdue/i);
  }
  await service.locator('#prescription-summary').getByText(/Yes, by/).waitFor({ timeout: LIVE_TIMEOUT_MS });
  await shot(service, `${tag}-service-sees-overdue`);
  // ... and the overdue list names how long and on whom.
  await input.click(service, service.getByRole('button', { name: 'Refresh' }), 'Refresh');
  const overdueRow = service.locator('#overdue-table tr').filter({ hasText: 'Y90001' }).first();
  await overdueRow.waitFor({ timeout: 15_000 });
  assert.match(await overdueRow.innerText(), /day/);
  await shot(service, `${tag}-service-overdue-list`);

  // The GP practice prescribes.
  const gp = await openPage('gp', 'gp.html');
  await signInPractitioner(gp, input, { register: 'GMC (doctors)', number: '7654321', name: 'Dr Example GP' });
  const recommendation = gp.locator(`#recommendation-${record.rx}`);
  await recommendation.waitFor({ timeout: 15_000 });
  assert.match(await recommendation.locator('.console-letter').innerText(), /Dear colleague/);
  await input.open(gp, recommendation.locator('summary').filter({ hasText: 'Prescribe' }), 'Prescribe disclosure');
  const eps = recommendation.getByLabel('EPS prescription ID');
  // Checked as it is typed: a wrong check character is named at once.
  await input.fill(gp, eps, epsId.slice(0, -1), 'EPS prescription ID');
  await gp.locator(`#prescribe-${record.rx}-epsPrescriptionId-live`).filter({ hasNotText: 'This is a valid' })
    .filter({ hasText: /./ }).waitFor({ timeout: 5000 });
  await gp.keyboard.type(epsId.slice(-1));
  await gp.locator(`#prescribe-${record.rx}-epsPrescriptionId-live`).getByText('This is a valid EPS prescription ID')
    .waitFor({ timeout: 5000 });
  await shot(gp, `${tag}-gp-prescribes`);
  await input.click(gp, gp.locator(`#prescribe-${record.rx}-submit`), 'Prescribe');
  await gp.locator('#gp-status').getByText(/Prescribed/).waitFor({ timeout: 15_000 });
  await shot(gp, `${tag}-gp-prescribed`);
  noProblems(gp);

  // The service's open timeline shows it without a reload.
  await waitForTimelineLine(timeline, /prescribed/i);
  await assertNotReloaded(service);
  await shot(service, `${tag}-service-timeline-prescribed`);

  noProblems(service);
  assert.equal(prescription(world.gateway, world.pki, record.rx).status, 'PRESCRIPTION_STATUS_PRESCRIBED');
  for (const page of [service, gp]) await page.context().close();
}

// The pharmacy records the dispense while the service's timeline is open.
async function dispense(input, record, epsId) {
  const tag = input.name;
  const service = await openPage('service', 'service.html');
  await service.locator('#referrals-table').waitFor({ timeout: 15_000 });
  const timeline = await openTimeline(service, input, record);
  await markPage(service);
  const pharmacy = await openPage('pharmacy', 'pharmacy.html');
  await signInPractitioner(pharmacy, input, { register: 'GPhC (pharmacists, pharmacy technicians)', number: '2012345', name: 'Example Pharmacist' });
  await pharmacy.locator('#requests-heading').waitFor({ timeout: 15_000 });
  // A GP prescription reaches the pharmacy as the EPS prescription the
  // patient brings (the access rule: the EPS id's holder), so the pharmacist
  // quotes it with the request id from the prescription notice.
  const form = pharmacy.locator('#dispense-eps');
  await input.fill(pharmacy, form.getByLabel('Prescription request ID'), record.rx, 'Prescription request ID');
  await input.fill(pharmacy, form.getByLabel('EPS prescription ID'), epsId, 'EPS prescription ID');
  await shot(pharmacy, `${tag}-pharmacy-quotes-eps`);
  await input.click(pharmacy, form.getByRole('button', { name: 'Record as dispensed' }), 'Record as dispensed');
  await pharmacy.locator('#pharmacy-status').getByText(/dispensed/i).waitFor({ timeout: 15_000 });
  await shot(pharmacy, `${tag}-pharmacy-dispensed`);
  noProblems(pharmacy);

  await waitForTimelineLine(timeline, /dispensed/i);
  await assertNotReloaded(service);
  await shot(service, `${tag}-service-timeline-dispensed`);
  noProblems(service);

  const stored = prescription(world.gateway, world.pki, record.rx);
  assert.equal(stored.status, 'PRESCRIPTION_STATUS_DISPENSED');
  assert.equal(stored.epsPrescriptionId, epsId);
  for (const page of [service, pharmacy]) await page.context().close();
}

test('the pathway walked with the pointer: overdue and prescribed, live on the service\'s timeline', async () => {
  await walk(pointer, records[0], EPS_IDS[0], { seeItGoOverdue: true });
});

test('the same walk with the keyboard alone', async () => {
  await walk(keyboard, records[1], EPS_IDS[1], { seeItGoOverdue: false });
});

test('the pharmacy records the dispense with the pointer, live on the service\'s timeline', async () => {
  await dispense(pointer, records[0], EPS_IDS[0]);
});

test('the pharmacy records the dispense with the keyboard alone', async () => {
  await dispense(keyboard, records[1], EPS_IDS[1]);
});

// ---------------------------------------------------------------------------
// The operator sees no patient data
// ---------------------------------------------------------------------------

test('no NHS number in the operator\'s pages or in any response they read', async () => {
  const context = await world.browsers.admin.newContext();
  const bodies = [];
  context.on('response', async (response) => {
    try {
      bodies.push({ url: response.url(), text: (await response.body()).toString('utf8') });
    } catch { /* a stream or a redirect has no body */ }
  });
  const admin = await openPage('admin', 'admin.html', { context });
  await admin.locator('#outbox-body, #dead-letters-body, #audit-body').first().waitFor();
  await admin.waitForLoadState('networkidle');
  await admin.getByRole('button', { name: /Verify the audit chain/ }).click();
  await admin.locator('#audit-result').getByText('Intact').waitFor({ timeout: 15_000 });
  await admin.waitForLoadState('networkidle');
  const file = await shot(admin, 'admin');
  if (UPDATE_DOCS) fs.copyFileSync(file, path.join(REPO, 'docs', 'console', 'admin.png'));
  const text = await admin.locator('body').innerText();
  const html = await admin.content();
  assert.ok(bodies.some((b) => b.url.includes('/v1/')), 'the admin page read nothing from /v1');
  for (const { nhsNumber, spaced } of PATIENTS) {
    for (const form of [nhsNumber, spaced]) {
      assert.ok(!text.includes(form) && !html.includes(form), `NHS number ${form} on the admin page`);
      for (const b of bodies) assert.ok(!b.text.includes(form), `NHS number ${form} in ${b.url}`);
    }
  }
  noProblems(admin);
  await context.close();
});

// ---------------------------------------------------------------------------
// Accessibility
// ---------------------------------------------------------------------------

// axe-core runs inside the page through the DevTools protocol (the page's
// CSP forbids injected script tags, rightly).
async function seriousViolations(page, name, { minPasses = 10 } = {}) {
  await page.evaluate(AXE_SOURCE);
  const results = await page.evaluate((tags) => window.axe.run(document, {
    runOnly: { type: 'tag', values: tags },
  }), WCAG_22_AA);
  fs.writeFileSync(path.join(shots, `axe-${name}.json`), JSON.stringify(results.violations, null, 2));
  assert.ok(results.passes.length >= minPasses, `axe-core checked almost nothing on ${name}`);
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

test('axe-core finds no serious or critical WCAG 2.2 AA violation on each role\'s pages', async () => {
  // The check can fail: a field with no label is a critical violation.
  const control = await (await world.browsers.service.newContext()).newPage();
  await control.setContent('<!DOCTYPE html><html lang="en"><title>t</title><main><input type="text"></main></html>');
  assert.ok((await seriousViolations(control, 'control-unlabelled-field', { minPasses: 1 })).some((v) => v.startsWith('label ')));
  await control.context().close();
  const found = {};
  const check = async (page, name) => {
    const violations = await seriousViolations(page, name);
    if (violations.length) found[name] = violations;
  };
  // The service: its main page (an overdue request listed), then a request
  // open with its timeline.
  await overdueByNow(records[2]);
  const service = await openPage('service', 'service.html');
  await service.locator('#overdue-table').waitFor({ timeout: 15_000 });
  await service.waitForLoadState('networkidle');
  const serviceShot = await shot(service, 'service-main');
  await check(service, 'service-main');
  await openTimeline(service, pointer, records[2]);
  await check(service, 'service-prescription');
  // The GP practice: the sign-in form, then the recommendations with the
  // prescribe form open and an error summary showing.
  const gp = await openPage('gp', 'gp.html');
  await gp.locator('#practitioner-form').waitFor();
  await check(gp, 'gp-sign-in');
  await signInPractitioner(gp, pointer, { register: 'GMC (doctors)', number: '7654321', name: 'Dr Example GP' });
  const recommendation = gp.locator(`#recommendation-${records[2].rx}`);
  await recommendation.waitFor({ timeout: 15_000 });
  const gpShot = await shot(gp, 'gp-main');
  await recommendation.locator('summary').filter({ hasText: 'Prescribe' }).click();
  await gp.locator(`#prescribe-${records[2].rx}-submit`).click();
  await recommendation.locator('.nhsuk-error-summary').first().waitFor({ timeout: 5000 });
  await check(gp, 'gp-recommendations');
  // The pharmacy: its page with the sign-in form and its list.
  const pharmacy = await openPage('pharmacy', 'pharmacy.html');
  await pharmacy.locator('#requests-heading').waitFor({ timeout: 15_000 });
  const pharmacyShot = await shot(pharmacy, 'pharmacy-main');
  await check(pharmacy, 'pharmacy');
  const admin = await openPage('admin', 'admin.html');
  await admin.waitForLoadState('networkidle');
  await check(admin, 'admin');
  const index = await openPage('service', 'index.html');
  await check(index, 'start-page');
  if (UPDATE_DOCS) {
    fs.copyFileSync(serviceShot, path.join(REPO, 'docs', 'console', 'service.png'));
    fs.copyFileSync(gpShot, path.join(REPO, 'docs', 'console', 'gp.png'));
    fs.copyFileSync(pharmacyShot, path.join(REPO, 'docs', 'console', 'pharmacy.png'));
  }
  assert.deepEqual(found, {});
});

// ---------------------------------------------------------------------------
// Cross-site request forgery
// ---------------------------------------------------------------------------

test('a forged cross-site POST from a page on another origin is refused and changes nothing', async () => {
  const target = records[2];
  const before = prescription(world.gateway, world.pki, target.rx);
  // The service is signed in to the console in this browser (a session
  // cookie and a client certificate the browser presents by itself).
  const context = await world.browsers.service.newContext();
  const console_ = await openPage('service', 'service.html', { context });
  await console_.locator('#referrals-table').waitFor({ timeout: 15_000 });
  // The attacker's page, on another origin, posts a form to the gateway.
  const cancelUrl = `${world.origin}/v1/prescriptions/${target.rx}:cancel`;
  const evil = http.createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end(`<!DOCTYPE html><html lang="en"><title>Win a prize</title><body>
      <form id="f" method="POST" action="${cancelUrl}" enctype="text/plain">
      <input type="hidden" name='{"requestId":"forged-1","reasonCode":"PATIENT_WITHDREW","x":"' value='"}'>
      </form>
      <script>
        fetch(${JSON.stringify(cancelUrl)}, { method: 'POST', mode: 'no-cors', credentials: 'include',
          body: JSON.stringify({ requestId: 'forged-2', reasonCode: 'PATIENT_WITHDREW' }) })
          .finally(() => document.getElementById('f').submit());
      </script></body></html>`);
  });
  await new Promise((resolve) => evil.listen(0, '127.0.0.1', resolve));
  try {
    const page = await context.newPage();
    const refused = page.waitForResponse((r) => r.url() === cancelUrl && r.request().resourceType() === 'document',
                                         { timeout: 15_000 });
    await page.goto(`http://127.0.0.1:${evil.address().port}/`);
    const response = await refused;
    await shot(page, 'forged-cross-site-post');
    assert.equal(response.status(), 403);
    const body = JSON.parse(await response.text());
    assert.equal(body.code, 7);  // PERMISSION_DENIED
    assert.match(body.message, /same-origin check/);
    const after = prescription(world.gateway, world.pki, target.rx);
    assert.equal(after.status, before.status);
    assert.equal(after.version, before.version);
    // The same cancel from the console itself (same origin, the session's
    // anti-CSRF token) goes through: the refusal was the forgery's.
    await openTimeline(console_, pointer, target);
    await console_.locator('#cancel-form').getByLabel('Reason code').fill('PATIENT_WITHDREW');
    await console_.getByRole('button', { name: 'Cancel request' }).click();
    await waitForTimelineLine(console_.locator('#timeline'), /cancelled/i);
    assert.equal(prescription(world.gateway, world.pki, target.rx).status,
                 'PRESCRIPTION_STATUS_CANCELLED');
  } finally {
    evil.close();
    await context.close();
  }
});
