// Interop test: an independent gRPC implementation (Node.js @grpc/grpc-js with
// @grpc/proto-loader, loading the repository's own .proto files) drives the
// whole referral -> prescription -> outcome pathway against the real
// tobacco-gateway binary over a real localhost socket.
//
//   TOBACCO_GATEWAY_BIN=build/default/gateway/server/tobacco-gateway \
//     node --test tests/interop/grpc_pathway.test.mjs
//
// (tests/interop/run_grpc_interop.sh installs the pinned packages first; ctest
// runs it as interop_grpc_js_pathway.)
//
// The tests below share one gateway and run in order: each step builds on the
// records the previous ones created. Every wait is bounded.

import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

import {
  freeLocalPort, gatewayBinary, removeTopLevelBlock, sleep, startGateway,
  tryConnect,
} from './gateway_harness.mjs';

// protobufjs is proto-loader's own dependency: resolve it from there rather
// than relying on npm hoisting it to the top of node_modules.
const requireFromProtoLoader = createRequire(
  createRequire(import.meta.url).resolve('@grpc/proto-loader'));
const protobuf = requireFromProtoLoader('protobufjs');

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..', '..');
const PROTO_DIR = path.join(REPO, 'proto');
const SAMPLE_CONFIG = path.join(REPO, 'deploy', 'config', 'gateway.textproto');

const RPC_DEADLINE_MS = 10_000;
const STARTUP_TIMEOUT_MS = 30_000;
const SHUTDOWN_TIMEOUT_MS = 20_000;
const STEP_TIMEOUT_MS = 60_000;

// ---------------------------------------------------------------------------
// Gateway process and configuration
// ---------------------------------------------------------------------------




// The sample deploy config with our own listener and a throw-away store: the
// formulary, deadlines and CYP1A2 list are the ones the project ships.
function writeConfig(dir, port) {
  let text = fs.readFileSync(SAMPLE_CONFIG, 'utf8');
  text = removeTopLevelBlock(text, 'grpc');
  text = removeTopLevelBlock(text, 'store');
  // No MLLP listener here: its well-known port may be in use by another test.
  if (/^mllp\s*\{/m.test(text)) text = removeTopLevelBlock(text, 'mllp');
  // Nor FHIR: its fixed port and certs/out paths are for deploy/run.sh.
  text = removeTopLevelBlock(text, 'fhir', { required: false });
  // Nor the admin listener's fixed 127.0.0.1:9464: the OS picks a port.
  text = removeTopLevelBlock(text, 'admin', { required: false });
  // Nor MESH (a sandbox and secrets): its block and the practices' routes.
  text = removeTopLevelBlock(text, 'mesh', { required: false });
  text = text.replace(/^\s*mesh\s*\{[^}]*\}\s*$/gm, '');
  assert.doesNotMatch(text, /^\s*(grpc|store)\s*\{/m);
  assert.match(text, /product_id: "varenicline-1mg"/);
  const header = [
    '# Written by tests/interop/grpc_pathway.test.mjs',
    'grpc {',
    `  address: "127.0.0.1:${port}"`,
    '  allow_insecure: true',
    '}',
    'store {',
    `  data_dir: ${JSON.stringify(path.join(dir, 'data'))}`,
    '  sqlite { path: "gateway.db" }',
    '}',
    'admin { address: "127.0.0.1:0" }',
    '',
  ].join('\n');
  const file = path.join(dir, 'gateway.textproto');
  fs.writeFileSync(file, header + text);
  return file;
}


function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}


async function waitForPort(gw, port) {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (gw.exit) {
      throw new Error(`gateway exited during start-up (${JSON.stringify(gw.exit)}):\n${gw.log}`);
    }
    if (await tryConnect(port)) return;
    await sleep(50);
  }
  throw new Error(`gateway did not accept connections on port ${port} within ` +
                  `${STARTUP_TIMEOUT_MS} ms:\n${gw.log}`);
}

// The standard gRPC health check (grpc.health.v1.Health/Check), declared
// inline: its wire contract is public and tiny.
const healthRoot = protobuf.parse(`
  syntax = "proto3";
  package grpc.health.v1;
  message HealthCheckRequest { string service = 1; }
  message HealthCheckResponse {
    enum ServingStatus { UNKNOWN = 0; SERVING = 1; NOT_SERVING = 2; SERVICE_UNKNOWN = 3; }
    ServingStatus status = 1;
  }
`, { keepCase: true }).root;
const HealthCheckRequest = healthRoot.lookupType('grpc.health.v1.HealthCheckRequest');
const HealthCheckResponse = healthRoot.lookupType('grpc.health.v1.HealthCheckResponse');

function healthCheck(address) {
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(
      '/grpc.health.v1.Health/Check',
      (req) => Buffer.from(HealthCheckRequest.encode(req).finish()),
      (buf) => HealthCheckResponse.toObject(HealthCheckResponse.decode(buf),
                                            { enums: String }),
      HealthCheckRequest.create({ service: '' }),
      new grpc.Metadata(),
      { deadline: Date.now() + RPC_DEADLINE_MS },
      (err, res) => (err ? reject(err) : resolve(res)));
  }).finally(() => client.close());
}

// ---------------------------------------------------------------------------
// gRPC clients from the repository's protos
// ---------------------------------------------------------------------------

const LOADER_OPTIONS = {
  includeDirs: [PROTO_DIR],
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
};

function loadServices() {
  const definition = protoLoader.loadSync([
    'nhs/tobacco/v1/referral_service.proto',
    'nhs/tobacco/v1/prescription_service.proto',
    'nhs/tobacco/v1/outcome_service.proto',
  ], LOADER_OPTIONS);
  return grpc.loadPackageDefinition(definition).nhs.tobacco.v1;
}

// google.rpc.Status and google.rpc.BadRequest as the repository declares them
// (proto/google/rpc), decoded with protobufjs.
function loadErrorDetailTypes() {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) =>
    (target.startsWith('google/protobuf/') ? target : path.join(PROTO_DIR, target));
  root.loadSync(['google/rpc/status.proto', 'google/rpc/error_details.proto'],
                { keepCase: true });
  return {
    Status: root.lookupType('google.rpc.Status'),
    BadRequest: root.lookupType('google.rpc.BadRequest'),
  };
}

function unary(client, method, request) {
  return new Promise((resolve, reject) => {
    client[method](request, { deadline: Date.now() + RPC_DEADLINE_MS },
                   (err, response) => (err ? reject(err) : resolve(response)));
  });
}

// Resolves with the ServiceError of a call that must fail.
async function unaryError(client, method, request) {
  try {
    const response = await unary(client, method, request);
    assert.fail(`${method} succeeded but was expected to fail: ${JSON.stringify(response)}`);
  } catch (err) {
    if (err instanceof assert.AssertionError) throw err;
    assert.equal(typeof err.code, 'number', `not a gRPC error: ${err}`);
    return err;
  }
}

function codeName(code) {
  return Object.keys(grpc.status).find((k) => grpc.status[k] === code) ?? String(code);
}

function assertCode(err, expected) {
  assert.equal(codeName(err.code), codeName(expected),
               `expected ${codeName(expected)}, got ${codeName(err.code)}: ${err.details}`);
}

// A WatchEvents stream that queues events and lets the test await them.
function watch(client, request) {
  const call = client.WatchEvents(request);
  const w = { call, events: [], error: null, ended: false, waiters: [] };
  const wake = () => {
    for (const waiter of w.waiters.splice(0)) waiter();
  };
  call.on('data', (event) => { w.events.push(event); wake(); });
  call.on('error', (err) => { w.error = err; wake(); });
  call.on('end', () => { w.ended = true; wake(); });
  // Waits until predicate(events) holds; fails on a stream error or timeout.
  w.until = async (predicate, what, ms = RPC_DEADLINE_MS) => {
    const deadline = Date.now() + ms;
    for (;;) {
      if (predicate(w.events)) return w.events;
      if (w.error) throw new Error(`watch failed while waiting for ${what}: ${w.error.message}`);
      if (w.ended) throw new Error(`watch ended while waiting for ${what}`);
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`timed out waiting for ${what}; received sequences ` +
                        `${w.events.map((e) => e.sequence).join(',')}`);
      }
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, left);
        w.waiters.push(() => { clearTimeout(timer); resolve(); });
      });
    }
  };
  w.cancel = async () => {
    if (w.error || w.ended) return;
    const done = w.until(() => w.error !== null || w.ended, 'stream to close').catch(() => {});
    call.cancel();
    await done;
  };
  return w;
}

function seq(event) {
  return BigInt(event.sequence);
}

function assertStrictlyIncreasing(events, what) {
  for (let i = 1; i < events.length; ++i) {
    assert.ok(seq(events[i]) > seq(events[i - 1]),
              `${what}: sequence ${events[i].sequence} follows ${events[i - 1].sequence}`);
  }
}

// The steps share records: a step whose prerequisites failed is skipped
// (reported as such) instead of failing with a confusing secondary error.
function needs(t, state, ...names) {
  const missing = names.filter((n) => state[n] == null);
  if (missing.length === 0) return true;
  t.skip(`needs ${missing.join(', ')} from an earlier step that failed`);
  return false;
}

function isoDay(daysFromToday) {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() + daysFromToday);
  return d.toISOString().slice(0, 10);
}

// ---------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------

const SERVICE = { ods_code: 'TDS01', name: 'Tobacco Dependency Service' };
const GP = { ods_code: 'Y90001', name: 'Test GP Practice' };
const PHARMACY = { ods_code: 'FZZ99', name: 'Test Community Pharmacy' };
const REFERRER = { ods_code: 'RX9', name: 'Test Mental Health Trust' };
const ADVISOR = {
  identifier: 'TDA-0042',
  register: 'PROFESSIONAL_REGISTER_LOCAL',
  display_name: 'Tobacco Dependency Advisor',
};

const runTag = `${process.pid}-${Date.now()}`;
let requestCounter = 0;
function requestId(what) {
  requestCounter += 1;
  return `interop-${runTag}-${what}-${requestCounter}`;
}

function referralRequest(id) {
  return {
    request_id: id,
    referral: {
      patient: { nhs_number: '9990000018', date_of_birth: '1980-04-01' },
      referrer: REFERRER,
      referring_practitioner: {
        identifier: 'C1234567', register: 'PROFESSIONAL_REGISTER_GMC',
        display_name: 'Community psychiatrist',
      },
      source: 'REFERRAL_SOURCE_COMMUNITY_MENTAL_HEALTH',
      service: SERVICE,
      gp_practice: GP,
      smoking: { cigarettes_per_day: 25, years_smoked: 20, co_reading_ppm: 28 },
      mental_health: {
        diagnosis_category: 'DIAGNOSIS_CATEGORY_SCHIZOPHRENIA',
        smi: true,
        medicines: [{ name: 'Clozapine 200mg tablets' }],
      },
      goal: 'QUIT_GOAL_QUIT_NOW',
      contact: { text_reminders: true },
      consent: { share_with_gp: true, share_with_pharmacy: true },
    },
  };
}

function actor(organisation) {
  return { organisation, adapter: 'grpc' };
}

function transition(prescriptionId, organisation, note) {
  return {
    request_id: requestId('transition'),
    prescription_id: prescriptionId,
    actor: actor(organisation),
    note,
  };
}

// ---------------------------------------------------------------------------
// The pathway
// ---------------------------------------------------------------------------

describe('tobacco-gateway driven by @grpc/grpc-js over localhost', { timeout: 240_000 }, () => {
  let gw = null;
  let tmpDir = null;
  let address = null;
  let referrals;
  let prescriptions;
  let outcomes;
  let errorTypes;

  // Records shared by the ordered steps.
  const state = {
    gateway: null,     // set once the gateway accepts connections
    referralRequest: null,
    referral: null,
    gp: null,          // GP-route prescription request (varenicline)
    pharmacy: null,    // pharmacy-route prescription request (vape kit)
    outcome: null,
    gpTimeline: null,
    pharmacyTimeline: null,
  };

  const killOnExit = () => { if (gw && !gw.exit) gw.child.kill('SIGKILL'); };

  test('the gateway starts from the sample config and accepts connections', { timeout: STEP_TIMEOUT_MS }, async () => {
    const bin = gatewayBinary();
    tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tobacco-interop-'));
    const port = await freeLocalPort();
    address = `127.0.0.1:${port}`;
    const configFile = writeConfig(tmpDir, port);
    process.on('exit', killOnExit);
    gw = startGateway(bin, configFile);
    await waitForPort(gw, port);

    const services = loadServices();
    const credentials = grpc.credentials.createInsecure();
    referrals = new services.ReferralService(address, credentials);
    prescriptions = new services.PrescriptionService(address, credentials);
    outcomes = new services.OutcomeService(address, credentials);
    errorTypes = loadErrorDetailTypes();
    state.gateway = true;
  });

  after(async () => {
    for (const client of [referrals, prescriptions, outcomes]) client?.close();
    if (gw && !gw.exit) {
      gw.child.kill('SIGKILL');
      await withTimeout(gw.exited, SHUTDOWN_TIMEOUT_MS, 'gateway to die on SIGKILL').catch(() => {});
    }
    process.off('exit', killOnExit);
    if (tmpDir) fs.rmSync(tmpDir, { recursive: true, force: true });
  });

  test('the standard gRPC health check reports SERVING', { timeout: STEP_TIMEOUT_MS }, async (t) => {
    if (!needs(t, state, 'gateway')) return;
    const deadline = Date.now() + STARTUP_TIMEOUT_MS;
    let last;
    while (Date.now() < deadline) {
      try {
        last = await healthCheck(address);
        if (last.status === 'SERVING') return;
      } catch (err) {
        last = err;
      }
      await sleep(100);
    }
    assert.fail(`health check never reported SERVING; last answer: ${last?.message ?? JSON.stringify(last)}`);
  });

  test('1. CreateReferral: RECEIVED, clozapine flagged CYP1A2-sensitive', { timeout: STEP_TIMEOUT_MS }, async (t) => {
    if (!needs(t, state, 'gateway')) return;
    const request = referralRequest(requestId('referral'));
    const r = await unary(referrals, 'CreateReferral', request);
    assert.equal(r.status, 'REFERRAL_STATUS_RECEIVED');
    assert.ok(r.referral_id, 'referral_id assigned');
    assert.equal(r.patient.nhs_number, '9990000018');
    assert.equal(r.patient.date_of_birth, '1980-04-01');
    assert.equal(r.referrer.ods_code, 'RX9');
    assert.equal(r.service.ods_code, 'TDS01');
    assert.equal(r.gp_practice.ods_code, 'Y90001');
    assert.equal(r.source, 'REFERRAL_SOURCE_COMMUNITY_MENTAL_HEALTH');
    assert.equal(r.mental_health.smi, true);
    assert.equal(r.mental_health.medicines.length, 1);
    assert.equal(r.mental_health.medicines[0].name, 'Clozapine 200mg tablets');
    assert.equal(r.mental_health.medicines[0].cyp1a2_sensitive, true,
                 'clozapine must be flagged cyp1a2_sensitive by the gateway');
    assert.equal(r.consent.share_with_gp, true);
    assert.equal(r.consent.share_with_pharmacy, true);
    assert.ok(r.created_at && BigInt(r.created_at.seconds) > 0n, 'created_at set');

    const fetched = await unary(referrals, 'GetReferral', { referral_id: r.referral_id });
    assert.deepEqual(fetched, r, 'GetReferral returns what CreateReferral answered');
    state.referralRequest = request;
    state.referral = r;
  });

  test('2. GP route: recommend varenicline, send, acknowledge, prescribe, dispense; timeline', { timeout: STEP_TIMEOUT_MS }, async (t) => {
    if (!needs(t, state, 'gateway', 'referral')) return;
    const referralId = state.referral.referral_id;
    const p = await unary(prescriptions, 'RecommendPrescription', {
      request_id: requestId('recommend-gp'),
      referral_id: referralId,
      product_id: 'varenicline-1mg',
      dose_text: '0.5mg once daily for 3 days, then twice daily for 4 days, then 1mg twice daily',
      quantity: { value: 56, unit: 'tablet' },
      duration_days: 28,
      route: 'ROUTE_GP_PRESCRIPTION',
      recommended_by: ADVISOR,
      reason: 'Heavy smoker on clozapine wanting to quit now',
    });
    assert.equal(p.status, 'PRESCRIPTION_STATUS_RECOMMENDED');
    assert.ok(p.prescription_id, 'prescription_id assigned');
    assert.equal(p.referral_id, referralId);
    assert.equal(p.route, 'ROUTE_GP_PRESCRIPTION');
    assert.equal(p.target.ods_code, 'Y90001', 'GP route defaults to the referral\'s GP practice');
    assert.equal(p.service.ods_code, 'TDS01');
    assert.equal(p.patient.nhs_number, '9990000018');
    assert.equal(p.product.product_id, 'varenicline-1mg');
    assert.equal(p.product.kind, 'PRODUCT_KIND_VARENICLINE');
    assert.equal(p.product.display, 'Varenicline 1mg tablets');
    assert.equal(p.cyp1a2_safety_alert, true, 'clozapine referral raises the CYP1A2 safety alert');

    const steps = [
      ['MarkSent', transition(p.prescription_id, SERVICE, 'sent to GP'), 'PRESCRIPTION_STATUS_SENT'],
      ['Acknowledge', transition(p.prescription_id, GP, 'received by GP'), 'PRESCRIPTION_STATUS_ACKNOWLEDGED'],
      ['Prescribe', { ...transition(p.prescription_id, GP, 'prescribed via EPS'),
                      eps_prescription_id: '24F5DA-A83008-7EFE6Z' }, 'PRESCRIPTION_STATUS_PRESCRIBED'],
      ['Dispense', transition(p.prescription_id, PHARMACY, 'dispensed'), 'PRESCRIPTION_STATUS_DISPENSED'],
    ];
    let version = BigInt(p.version);
    let current = p;
    for (const [method, request, expected] of steps) {
      current = await unary(prescriptions, method, request);
      assert.equal(current.status, expected, `${method} -> ${expected}`);
      assert.equal(current.prescription_id, p.prescription_id);
      assert.ok(BigInt(current.version) > version, `${method} increments version`);
      version = BigInt(current.version);
    }
    assert.equal(current.eps_prescription_id, '24F5DA-A83008-7EFE6Z');

    const fetched = await unary(prescriptions, 'GetPrescription', { prescription_id: p.prescription_id });
    assert.equal(fetched.status, 'PRESCRIPTION_STATUS_DISPENSED');
    assert.equal(fetched.eps_prescription_id, '24F5DA-A83008-7EFE6Z');
    assert.equal(fetched.version, current.version);

    const { events } = await unary(prescriptions, 'GetTimeline', { prescription_id: p.prescription_id });
    const summary = events.map((e) => [e.type, e.from_status, e.to_status]);
    assert.deepEqual(summary, [
      ['EVENT_TYPE_PRESCRIPTION_RECOMMENDED', 'PRESCRIPTION_STATUS_UNSPECIFIED', 'PRESCRIPTION_STATUS_RECOMMENDED'],
      ['EVENT_TYPE_SAFETY_ALERT', 'PRESCRIPTION_STATUS_UNSPECIFIED', 'PRESCRIPTION_STATUS_UNSPECIFIED'],
      ['EVENT_TYPE_PRESCRIPTION_STATUS_CHANGED', 'PRESCRIPTION_STATUS_RECOMMENDED', 'PRESCRIPTION_STATUS_SENT'],
      ['EVENT_TYPE_PRESCRIPTION_STATUS_CHANGED', 'PRESCRIPTION_STATUS_SENT', 'PRESCRIPTION_STATUS_ACKNOWLEDGED'],
      ['EVENT_TYPE_PRESCRIPTION_STATUS_CHANGED', 'PRESCRIPTION_STATUS_ACKNOWLEDGED', 'PRESCRIPTION_STATUS_PRESCRIBED'],
      ['EVENT_TYPE_PRESCRIPTION_STATUS_CHANGED', 'PRESCRIPTION_STATUS_PRESCRIBED', 'PRESCRIPTION_STATUS_DISPENSED'],
    ]);
    assertStrictlyIncreasing(events, 'GP timeline');
    for (const e of events) {
      assert.equal(e.prescription_id, p.prescription_id);
      assert.equal(e.referral_id, referralId);
    }
    assert.equal(events[1].reason_code, 'CYP1A2_LEVEL_REVIEW');
    assert.deepEqual(events.slice(2).map((e) => e.actor.organisation.ods_code),
                     ['TDS01', 'Y90001', 'Y90001', 'FZZ99'],
                     'each transition records who acted');
    assert.deepEqual(events.slice(2).map((e) => e.note),
                     ['sent to GP', 'received by GP', 'prescribed via EPS', 'dispensed']);
    state.gp = current;
    state.gpTimeline = events;
  });

  test('3. RecordOutcome (4-week CO-verified quit) and ListOutcomes', { timeout: STEP_TIMEOUT_MS }, async (t) => {
    if (!needs(t, state, 'gateway', 'referral')) return;
    const referralId = state.referral.referral_id;
    const quitDate = isoDay(-30);
    const recordedOn = isoDay(-2);
    // Issue 12: an outcome counts from the quit date record, on a referral
    // in treatment: accepted, then the quit date set (-> IN_TREATMENT).
    await unary(referrals, 'UpdateReferralStatus', {
      request_id: requestId('accept'),
      referral_id: referralId,
      status: 'REFERRAL_STATUS_ACCEPTED',
      actor: actor(SERVICE),
    });
    const treated = await unary(referrals, 'SetQuitDate', {
      request_id: requestId('quit-date'),
      referral_id: referralId,
      quit_date: quitDate,
      actor: actor(SERVICE),
    });
    assert.equal(treated.status, 'REFERRAL_STATUS_IN_TREATMENT');
    assert.equal(treated.quit_date.quit_date, quitDate);
    const o = await unary(outcomes, 'RecordOutcome', {
      request_id: requestId('outcome'),
      outcome: {
        referral_id: referralId,
        follow_up: 'FOLLOW_UP_POINT_WEEK_4',
        status: 'OUTCOME_STATUS_QUIT_CO_VERIFIED',
        co_reading_ppm: 4,
        quit_date: quitDate,
        recorded_on: recordedOn,
        recorded_by: actor(SERVICE),
        note: '4-week follow-up in clinic',
      },
    });
    assert.ok(o.outcome_id, 'outcome_id assigned');
    assert.equal(o.referral_id, referralId);
    assert.equal(o.follow_up, 'FOLLOW_UP_POINT_WEEK_4');
    assert.equal(o.status, 'OUTCOME_STATUS_QUIT_CO_VERIFIED');
    assert.equal(o.co_reading_ppm, 4);
    assert.equal(o.quit_date, quitDate);
    assert.equal(o.recorded_on, recordedOn);
    assert.equal(o.recorded_by.organisation.ods_code, 'TDS01');

    const { outcomes: listed } = await unary(outcomes, 'ListOutcomes', { referral_id: referralId });
    assert.equal(listed.length, 1);
    assert.deepEqual(listed[0], o, 'ListOutcomes returns the recorded outcome');
    state.outcome = o;
  });

  test('4. pharmacy route: vape starter kit supplied by FZZ99', { timeout: STEP_TIMEOUT_MS }, async (t) => {
    if (!needs(t, state, 'gateway', 'referral')) return;
    const p = await unary(prescriptions, 'RecommendPrescription', {
      request_id: requestId('recommend-pharmacy'),
      referral_id: state.referral.referral_id,
      product_id: 'vape-starter-kit',
      dose_text: 'Use as needed to replace cigarettes',
      quantity: { value: 1, unit: 'kit' },
      duration_days: 28,
      route: 'ROUTE_PHARMACY_SUPPLY',
      target: PHARMACY,
      recommended_by: ADVISOR,
    });
    assert.equal(p.status, 'PRESCRIPTION_STATUS_RECOMMENDED');
    assert.equal(p.route, 'ROUTE_PHARMACY_SUPPLY');
    assert.equal(p.target.ods_code, 'FZZ99');
    assert.equal(p.product.kind, 'PRODUCT_KIND_VAPE');
    assert.equal(p.product.dmd_code, '', 'a vape kit is not a medicine: no dm+d code');
    assert.equal(p.product.local_code, 'VAPE-STARTER');

    let current = await unary(prescriptions, 'MarkSent', transition(p.prescription_id, SERVICE, 'sent to pharmacy'));
    assert.equal(current.status, 'PRESCRIPTION_STATUS_SENT');
    current = await unary(prescriptions, 'Acknowledge', transition(p.prescription_id, PHARMACY, 'received'));
    assert.equal(current.status, 'PRESCRIPTION_STATUS_ACKNOWLEDGED');
    current = await unary(prescriptions, 'Supply', {
      ...transition(p.prescription_id, PHARMACY, 'kit handed over'),
      external_ids: [{ system: 'pharmacy-supply-id', value: 'SUP-0001' }],
    });
    assert.equal(current.status, 'PRESCRIPTION_STATUS_SUPPLIED');

    const { events } = await unary(prescriptions, 'GetTimeline', { prescription_id: p.prescription_id });
    assert.deepEqual(events.map((e) => [e.type, e.to_status]), [
      ['EVENT_TYPE_PRESCRIPTION_RECOMMENDED', 'PRESCRIPTION_STATUS_RECOMMENDED'],
      ['EVENT_TYPE_SAFETY_ALERT', 'PRESCRIPTION_STATUS_UNSPECIFIED'],
      ['EVENT_TYPE_PRESCRIPTION_STATUS_CHANGED', 'PRESCRIPTION_STATUS_SENT'],
      ['EVENT_TYPE_PRESCRIPTION_STATUS_CHANGED', 'PRESCRIPTION_STATUS_ACKNOWLEDGED'],
      ['EVENT_TYPE_PRESCRIPTION_STATUS_CHANGED', 'PRESCRIPTION_STATUS_SUPPLIED'],
    ]);
    assertStrictlyIncreasing(events, 'pharmacy timeline');
    assert.deepEqual(events[4].external_ids, [{ system: 'pharmacy-supply-id', value: 'SUP-0001' }]);
    state.pharmacy = current;
    state.pharmacyTimeline = events;
  });

  test('5a. illegal transition: FAILED_PRECONDITION naming the states, nothing changes', { timeout: STEP_TIMEOUT_MS }, async (t) => {
    if (!needs(t, state, 'gateway', 'pharmacy', 'pharmacyTimeline', 'gp', 'gpTimeline')) return;
    const id = state.pharmacy.prescription_id;
    const err = await unaryError(prescriptions, 'Dispense', transition(id, PHARMACY, 'should be refused'));
    assertCode(err, grpc.status.FAILED_PRECONDITION);
    assert.match(err.details, /\bSUPPLIED\b/, `message names the current state: ${err.details}`);
    assert.match(err.details, /\bDISPENSED\b/, `message names the refused target state: ${err.details}`);

    const after = await unary(prescriptions, 'GetPrescription', { prescription_id: id });
    assert.equal(after.status, 'PRESCRIPTION_STATUS_SUPPLIED');
    assert.equal(after.version, state.pharmacy.version, 'a refused transition changes nothing');
    const { events } = await unary(prescriptions, 'GetTimeline', { prescription_id: id });
    assert.deepEqual(events, state.pharmacyTimeline, 'a refused transition adds no event');

    // And on the GP route: a second prescription of a DISPENSED request.
    const gpErr = await unaryError(prescriptions, 'Prescribe', {
      ...transition(state.gp.prescription_id, GP, 'should be refused'),
      eps_prescription_id: '24F5DA-A83008-7EFE6Z',
    });
    assertCode(gpErr, grpc.status.FAILED_PRECONDITION);
    assert.match(gpErr.details, /\bDISPENSED\b/, gpErr.details);
    assert.match(gpErr.details, /\bPRESCRIBED\b/, gpErr.details);
    const gpEvents = await unary(prescriptions, 'GetTimeline', { prescription_id: state.gp.prescription_id });
    assert.deepEqual(gpEvents.events, state.gpTimeline, 'a refused transition adds no event');
  });

  test('5b. invalid referral: INVALID_ARGUMENT with a google.rpc.BadRequest naming both fields', { timeout: STEP_TIMEOUT_MS }, async (t) => {
    if (!needs(t, state, 'gateway')) return;
    const request = referralRequest(requestId('bad-referral'));
    request.referral.patient = { nhs_number: '9990000019' }; // bad check digit, no DOB
    const err = await unaryError(referrals, 'CreateReferral', request);
    assertCode(err, grpc.status.INVALID_ARGUMENT);

    const raw = err.metadata.get('grpc-status-details-bin');
    assert.equal(raw.length, 1, 'one grpc-status-details-bin trailer');
    assert.ok(Buffer.isBuffer(raw[0]), 'binary trailer decoded to a Buffer');
    const status = errorTypes.Status.toObject(errorTypes.Status.decode(raw[0]),
                                              { defaults: true });
    assert.equal(status.code, grpc.status.INVALID_ARGUMENT, 'google.rpc.Status.code matches the call status');
    assert.equal(status.message, err.details, 'google.rpc.Status.message matches the call message');
    const badRequests = status.details.filter(
      (any) => any.type_url === 'type.googleapis.com/google.rpc.BadRequest');
    assert.equal(badRequests.length, 1,
                 `one BadRequest detail; got ${status.details.map((d) => d.type_url).join(', ')}`);
    const badRequest = errorTypes.BadRequest.toObject(
      errorTypes.BadRequest.decode(badRequests[0].value), { defaults: true });
    const fields = badRequest.field_violations.map((v) => v.field).sort();
    assert.deepEqual(fields, ['referral.patient.date_of_birth', 'referral.patient.nhs_number']);
    for (const v of badRequest.field_violations) {
      assert.ok(v.description.length > 0, `violation of ${v.field} has a description`);
    }
  });

  test('5c. GetPrescription of an unknown id: NOT_FOUND', { timeout: STEP_TIMEOUT_MS }, async (t) => {
    if (!needs(t, state, 'gateway')) return;
    const err = await unaryError(prescriptions, 'GetPrescription', { prescription_id: 'rx-interop-does-not-exist' });
    assertCode(err, grpc.status.NOT_FOUND);
    assert.match(err.details, /rx-interop-does-not-exist/);
  });

  test('5d. idempotency: same request_id returns the first answer; a different body is ALREADY_EXISTS', { timeout: STEP_TIMEOUT_MS }, async (t) => {
    if (!needs(t, state, 'gateway', 'referral', 'referralRequest')) return;
    const retry = await unary(referrals, 'CreateReferral', state.referralRequest);
    assert.equal(retry.referral_id, state.referral.referral_id, 'a retry returns the same referral');
    assert.deepEqual(retry.created_at, state.referral.created_at, 'a retry returns the first answer');

    const { referrals: all } = await unary(referrals, 'ListReferrals', { page_size: 100 });
    assert.deepEqual(all.map((r) => r.referral_id), [state.referral.referral_id],
                     'the retry created no second referral');

    const changed = structuredClone(state.referralRequest);
    changed.referral.smoking.cigarettes_per_day = 5;
    const err = await unaryError(referrals, 'CreateReferral', changed);
    assertCode(err, grpc.status.ALREADY_EXISTS);
  });

  test('6. WatchEvents: the whole pathway in order, then resume from the cursor without gaps or repeats', { timeout: STEP_TIMEOUT_MS }, async (t) => {
    if (!needs(t, state, 'gateway', 'referral', 'gpTimeline', 'pharmacyTimeline', 'outcome')) return;
    const referralId = state.referral.referral_id;
    const known = [...state.gpTimeline, ...state.pharmacyTimeline];
    const maxKnown = known.reduce((m, e) => (seq(e) > m ? seq(e) : m), 0n);

    // Everything from the beginning (the store is fresh: only this run wrote).
    const first = watch(prescriptions, { after_sequence: '0' });
    let events;
    try {
      events = await first.until((es) => es.some((e) => seq(e) >= maxKnown) &&
                                         es.some((e) => e.type === 'EVENT_TYPE_OUTCOME_RECORDED'),
                                 'the pathway\'s events');
      // Let anything unexpected trickle in before judging the set.
      await sleep(300);
      events = [...first.events];
    } finally {
      await first.cancel();
    }
    assertStrictlyIncreasing(events, 'watch from 0');
    const bySeq = new Map(events.map((e) => [e.sequence, e]));
    for (const e of known) {
      assert.deepEqual(bySeq.get(e.sequence), e,
                       `watch delivers timeline event ${e.sequence} (${e.type}) as GetTimeline shows it`);
    }
    const others = events.filter((e) => !known.some((k) => k.sequence === e.sequence));
    assert.deepEqual(others.map((e) => [e.type, e.referral_id, e.prescription_id]), [
      ['EVENT_TYPE_REFERRAL_CREATED', referralId, ''],
      ['EVENT_TYPE_REFERRAL_STATUS_CHANGED', referralId, ''],
      ['EVENT_TYPE_QUIT_DATE_SET', referralId, ''],
      ['EVENT_TYPE_REFERRAL_STATUS_CHANGED', referralId, ''],
      ['EVENT_TYPE_SAFETY_ALERT', referralId, ''],
      ['EVENT_TYPE_OUTCOME_RECORDED', referralId, ''],
    ], 'besides the two timelines: one referral created (retries add none), accepted, its quit date with its CYP1A2 safety alert, and one outcome');
    assert.equal(others[5].outcome_id, state.outcome.outcome_id);
    assert.equal(events.length, known.length + 6);

    // Resume from the last sequence seen: one change while disconnected,
    // one while connected; exactly those arrive, once each.
    const cursor = events[events.length - 1].sequence;
    // (Issue 12: the referral is in treatment since step 3; it pauses and
    // reopens to the status it left.)
    const held = await unary(referrals, 'UpdateReferralStatus', {
      request_id: requestId('hold'),
      referral_id: referralId,
      status: 'REFERRAL_STATUS_ON_HOLD',
      reason: 'admitted to hospital',
      actor: actor(SERVICE),
    });
    assert.equal(held.status, 'REFERRAL_STATUS_ON_HOLD');

    const resumed = watch(prescriptions, { after_sequence: cursor });
    try {
      await resumed.until((es) => es.length >= 1, 'the event committed while disconnected');
      const inTreatment = await unary(referrals, 'UpdateReferralStatus', {
        request_id: requestId('in-treatment'),
        referral_id: referralId,
        status: 'REFERRAL_STATUS_IN_TREATMENT',
        actor: actor(SERVICE),
      });
      assert.equal(inTreatment.status, 'REFERRAL_STATUS_IN_TREATMENT');
      await resumed.until((es) => es.length >= 2, 'the event committed while connected');
      await sleep(500); // a repeat or a stray event would show up here
      const fresh = [...resumed.events];
      assert.deepEqual(fresh.map((e) => [e.type, e.referral_id, e.referral_status]), [
        ['EVENT_TYPE_REFERRAL_STATUS_CHANGED', referralId, 'REFERRAL_STATUS_ON_HOLD'],
        ['EVENT_TYPE_REFERRAL_STATUS_CHANGED', referralId, 'REFERRAL_STATUS_IN_TREATMENT'],
      ], 'exactly the new events, none missed or repeated');
      assert.ok(seq(fresh[0]) > BigInt(cursor), 'nothing at or before the cursor is repeated');
      assertStrictlyIncreasing(fresh, 'resumed watch');
      assert.equal(resumed.error, null, `resumed stream failed: ${resumed.error?.message}`);
    } finally {
      await resumed.cancel();
    }
  });

  test('SIGTERM stops the gateway cleanly with exit code 0', { timeout: STEP_TIMEOUT_MS }, async (t) => {
    if (!needs(t, state, 'gateway')) return;
    for (const client of [referrals, prescriptions, outcomes]) client.close();
    gw.child.kill('SIGTERM');
    const exit = await withTimeout(gw.exited, SHUTDOWN_TIMEOUT_MS, 'gateway to exit after SIGTERM');
    assert.deepEqual(exit, { code: 0, signal: null }, `gateway log:\n${gw.log}`);
  });
});
