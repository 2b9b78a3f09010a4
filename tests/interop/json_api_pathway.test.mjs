// Interop test: an independent HTTP client drives the real tobacco-gateway
// binary's HTTP/JSON API (issue 13) over mutual TLS. Node's own https
// client, presenting the development certificate of the tobacco dependency
// service, the GP practice, the pharmacy or another pharmacy, walks the GP
// route (recommend, send, acknowledge, prescribe, dispense) and the
// pharmacy route (recommend, send, acknowledge, supply) in proto JSON; checks
// the google.rpc.Status error bodies and their HTTP statuses, the
// idempotent retry of a request_id, and that a second pharmacy sees nothing
// and is refused with 403; and validates the served OpenAPI document
// (GET /v1/openapi.json) with @apidevtools/swagger-parser, an OpenAPI
// validator that knows nothing of this gateway.
//
//   TOBACCO_GATEWAY_BIN=build/default/gateway/server/tobacco-gateway \
//     node --test tests/interop/json_api_pathway.test.mjs
//
// (run_json_api_interop.sh installs the pinned packages first; ctest runs
// it as interop_json_api_pathway.) Certificates come from
// certs/make_dev_certs.sh, run into a temporary folder. The steps share one
// gateway and run in order; every wait is bounded.

import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import SwaggerParser from '@apidevtools/swagger-parser';

import {
  freeLocalPort, gatewayBinary, sleep, startGateway, tryConnect,
  writeMutualTlsConfig,
} from './gateway_harness.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..', '..');
const SAMPLE_CONFIG = path.join(REPO, 'deploy', 'config', 'gateway.textproto');

const HTTP_TIMEOUT_MS = 10_000;
const STARTUP_TIMEOUT_MS = 30_000;
const STEP_TIMEOUT_MS = 60_000;
const EPS_ID = '24F5DA-A83008-7EFE6Z';
const EPS_SYSTEM = 'https://fhir.nhs.uk/Id/prescription-order-number';

// google.rpc.Code values the API answers with.
const INVALID_ARGUMENT = 3;
const NOT_FOUND = 5;
const ALREADY_EXISTS = 6;
const PERMISSION_DENIED = 7;
const FAILED_PRECONDITION = 9;
const BAD_REQUEST_TYPE = 'type.googleapis.com/google.rpc.BadRequest';

// ---------------------------------------------------------------------------
// Gateway process, certificates and configuration
// ---------------------------------------------------------------------------

function makePki(dir) {
  execFileSync('bash', [path.join(REPO, 'certs', 'make_dev_certs.sh'), dir],
               { stdio: 'ignore', timeout: 120_000 });
  const read = (name) => fs.readFileSync(path.join(dir, name));
  const identity = (name) => ({ cert: read(`${name}.pem`), key: read(`${name}.key`) });
  return {
    dir,
    ca: read('ca.pem'),
    service: identity('service-tds01'),
    gp: identity('gp-y90001'),
    pharmacy: identity('pharmacy-fzz99'),
    otherPharmacy: identity('pharmacy-fzz98'),
    admin: identity('admin-ops'),
  };
}

// The sample config with mutual TLS on gRPC and on the HTTPS listener (which
// serves /fhir/ and /v1/), our ports and a throw-away store; no outbound
// endpoints, so every step below is the API's, none the outbox's.
function writeConfig(dir, pki, grpcPort, httpsPort) {
  return writeMutualTlsConfig(dir, pki, SAMPLE_CONFIG, {
    writtenBy: 'tests/interop/json_api_pathway.test.mjs', grpcPort, httpsPort,
  });
}

async function waitForPorts(gw, ports) {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  for (const port of ports) {
    for (;;) {
      if (gw.exit) throw new Error(`gateway exited during start-up (${JSON.stringify(gw.exit)}):\n${gw.log}`);
      if (await tryConnect(port)) break;
      if (Date.now() > deadline) throw new Error(`port ${port} not open within ${STARTUP_TIMEOUT_MS} ms:\n${gw.log}`);
      await sleep(50);
    }
  }
}

// ---------------------------------------------------------------------------
// The HTTP client: Node's https, one organisation's certificate per call
// ---------------------------------------------------------------------------

let httpsPort = 0;
let pki = null;

// Sends one request presenting `identity`'s certificate (none when null).
// `body`: an object (sent as JSON), a string or Buffer (sent as is), or
// undefined. Resolves { status, headers, text, json } (json null when the
// body is not JSON) or rejects with the transport error.
function call(identity, method, urlPath, body, { headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? null
      : (typeof body === 'string' || Buffer.isBuffer(body)) ? body : JSON.stringify(body);
    const req = https.request({
      host: '127.0.0.1',
      port: httpsPort,
      servername: 'localhost',
      path: urlPath,
      method,
      ca: pki.ca,
      ...(identity ?? {}),
      agent: false,
      timeout: HTTP_TIMEOUT_MS,
      headers: {
        Accept: 'application/json',
        ...(payload === null ? {} : { 'Content-Type': 'application/json' }),
        ...headers,
      },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => { text += chunk; });
      res.on('end', () => {
        let json = null;
        try { json = JSON.parse(text); } catch { /* not JSON */ }
        resolve({ status: res.statusCode, headers: res.headers, text, json });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${urlPath} timed out`)));
    req.on('error', reject);
    req.end(payload ?? undefined);
  });
}

// A 200 with a JSON body and the headers every /v1 answer carries.
function ok(r, what) {
  assert.equal(r.status, 200, `${what}: HTTP ${r.status} ${r.text.slice(0, 400)}`);
  assert.match(r.headers['content-type'] ?? '', /^application\/json/, what);
  assertV1Headers(r, what);
  assert.ok(r.json, `${what}: body is not JSON`);
  return r.json;
}

function assertV1Headers(r, what) {
  assert.equal(r.headers['cache-control'], 'no-store', `${what}: Cache-Control`);
  assert.equal(r.headers['x-content-type-options'], 'nosniff', `${what}: X-Content-Type-Options`);
  assert.equal(r.headers['referrer-policy'], 'no-referrer', `${what}: Referrer-Policy`);
}

// A google.rpc.Status in JSON with the HTTP status of the gRPC mapping.
function rpcError(r, httpStatus, code, what) {
  assert.equal(r.status, httpStatus, `${what}: HTTP ${r.status} ${r.text.slice(0, 400)}`);
  assert.match(r.headers['content-type'] ?? '', /^application\/json/, `${what}: content type`);
  assertV1Headers(r, what);
  assert.ok(r.json, `${what}: error body is not JSON: ${r.text.slice(0, 200)}`);
  assert.equal(r.json.code, code, `${what}: google.rpc.Status.code in ${r.text}`);
  assert.equal(typeof r.json.message, 'string', what);
  assert.ok(r.json.message.length > 0, `${what}: the status has a message`);
  return r.json;
}

function fieldViolations(status) {
  const details = (status.details ?? []).filter((d) => d['@type'] === BAD_REQUEST_TYPE);
  assert.equal(details.length, 1, `one BadRequest detail in ${JSON.stringify(status)}`);
  return details[0].fieldViolations ?? [];
}

const runTag = `${process.pid}-${Date.now()}`;
let counter = 0;
const uniqueId = (what) => `${what}-${runTag}-${++counter}`;

const SERVICE = { odsCode: 'TDS01' };
const GP = { odsCode: 'Y90001' };
const PHARMACY = { odsCode: 'FZZ99' };
const ADVISOR = { identifier: 'TDA-0042', register: 'PROFESSIONAL_REGISTER_LOCAL',
                  displayName: 'Tobacco Dependency Advisor' };

// A referral as the service makes it (lowerCamelCase names, enums by name).
function referralRequest() {
  return {
    requestId: uniqueId('referral'),
    referral: {
      patient: { nhsNumber: '9990000018', dateOfBirth: '1980-04-01' },
      referrer: SERVICE,
      source: 'REFERRAL_SOURCE_SELF',
      service: SERVICE,
      gpPractice: GP,
      smoking: { cigarettesPerDay: 20, yearsSmoked: 15 },
      goal: 'QUIT_GOAL_QUIT_NOW',
      consent: { shareWithGp: true, shareWithPharmacy: true },
    },
  };
}

const step = (note, extra = {}) => ({ requestId: uniqueId('step'), note, ...extra });
const prescriptionPath = (id, verb = '') =>
  `/v1/prescriptions/${encodeURIComponent(id)}${verb ? `:${verb}` : ''}`;

// ---------------------------------------------------------------------------
// The routes
// ---------------------------------------------------------------------------

describe('tobacco-gateway HTTP/JSON API over mutual TLS, driven by Node https',
         { timeout: 280_000 }, () => {
  let gw = null;
  let tmpDir = null;
  const state = {};

  const killOnExit = () => { if (gw && !gw.exit) gw.child.kill('SIGKILL'); };
  const needs = (t, ...names) => {
    const missing = names.filter((n) => state[n] == null);
    if (missing.length === 0) return true;
    t.skip(`needs ${missing.join(', ')} from an earlier step that failed`);
    return false;
  };

  after(async () => {
    if (gw && !gw.exit) {
      gw.child.kill('SIGTERM');
      const timer = setTimeout(() => gw.child.kill('SIGKILL'), 10_000);
      await gw.exited;
      clearTimeout(timer);
    }
    process.off('exit', killOnExit);
    if (tmpDir) fs.rmSync(tmpDir, { recursive: true, force: true });
  });

  test('the gateway starts with mutual TLS on gRPC and HTTPS', { timeout: 150_000 }, async () => {
    tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tobacco-json-api-'));
    pki = makePki(path.join(tmpDir, 'pki'));
    const grpcPort = await freeLocalPort();
    httpsPort = await freeLocalPort();
    const configFile = writeConfig(tmpDir, pki, grpcPort, httpsPort);
    process.on('exit', killOnExit);
    gw = startGateway(gatewayBinary(), configFile);
    await waitForPorts(gw, [grpcPort, httpsPort]);
    state.gateway = true;
  });

  test('GET /v1/openapi.json is a valid OpenAPI document (swagger-parser) naming every route', { timeout: STEP_TIMEOUT_MS }, async (t) => {
    if (!needs(t, 'gateway')) return;
    const doc = ok(await call(pki.service, 'GET', '/v1/openapi.json'), 'openapi.json');
    // validate() dereferences as it goes: give it a copy.
    const api = await SwaggerParser.validate(structuredClone(doc));
    assert.equal(api.openapi, '3.1.0');
    assert.equal(doc.components.securitySchemes.mutualTLS.type, 'mutualTLS');
    const operations = new Set();
    for (const [p, item] of Object.entries(doc.paths)) {
      for (const verb of Object.keys(item)) operations.add(`${verb.toUpperCase()} ${p}`);
    }
    const expected = [
      'POST /v1/referrals', 'GET /v1/referrals/{referral_id}', 'GET /v1/referrals',
      'POST /v1/referrals/{referral_id}:updateStatus',
      'POST /v1/prescriptions', 'GET /v1/prescriptions/{prescription_id}', 'GET /v1/prescriptions',
      ...['markSent', 'acknowledge', 'prescribe', 'decline', 'requireAppointment', 'dispense',
          'supply', 'recordNotSupplied', 'cancel']
        .map((v) => `POST /v1/prescriptions/{prescription_id}:${v}`),
      'GET /v1/prescriptions/{prescription_id}/timeline',
      'POST /v1/outcomes', 'GET /v1/outcomes', 'GET /v1/events',
      'GET /v1/deliveries', 'GET /v1/deliveries/{message_id}',
      'POST /v1/deliveries/{message_id}:replay', 'POST /v1/deliveries/{message_id}:discard',
      'GET /v1/deliveries:stats', 'POST /v1/audit:verify', 'GET /v1/audit',
    ];
    for (const op of expected) assert.ok(operations.has(op), `the document has no ${op}`);
    // What the document says about a response is what the server sends:
    // GetReferral's 200 is a Referral whose properties are json names.
    const referral = doc.components.schemas.Referral;
    assert.ok(referral.properties.referralId, 'Referral.referralId');
    assert.ok(referral.properties.gpPractice, 'Referral.gpPractice');

    // A broken copy is refused, so the validation above can fail.
    const broken = structuredClone(doc);
    delete broken.paths['/v1/referrals'].post.responses['200'].description;
    await assert.rejects(SwaggerParser.validate(broken));
    state.openapi = doc;
  });

  test('GP route: the service refers and recommends, the GP acknowledges and prescribes, the pharmacy dispenses', { timeout: STEP_TIMEOUT_MS }, async (t) => {
    if (!needs(t, 'gateway')) return;
    const request = referralRequest();
    const referral = ok(await call(pki.service, 'POST', '/v1/referrals', request), 'CreateReferral');
    assert.ok(referral.referralId, 'referralId assigned');
    assert.equal(referral.status, 'REFERRAL_STATUS_RECEIVED');
    assert.equal(referral.patient.nhsNumber, '9990000018');
    assert.equal(referral.gpPractice.odsCode, 'Y90001');
    assert.equal(typeof referral.createdAt, 'string', 'a Timestamp is an RFC 3339 string');
    assert.ok(!Number.isNaN(Date.parse(referral.createdAt)), referral.createdAt);
    assert.ok(!('referral_id' in referral), 'proto field names are not printed');
    const fetched = ok(await call(pki.service, 'GET', `/v1/referrals/${referral.referralId}`), 'GetReferral');
    assert.deepEqual(fetched, referral, 'GetReferral returns what CreateReferral answered');
    state.referralRequest = request;
    state.referral = referral;

    const p = ok(await call(pki.service, 'POST', '/v1/prescriptions', {
      requestId: uniqueId('recommend-gp'),
      referralId: referral.referralId,
      productId: 'varenicline-1mg',
      doseText: '0.5mg once daily for 3 days, then twice daily for 4 days, then 1mg twice daily',
      quantity: { value: 56, unit: 'tablet' },
      durationDays: 28,
      route: 'ROUTE_GP_PRESCRIPTION',
      recommendedBy: ADVISOR,
    }), 'RecommendPrescription');
    assert.equal(p.status, 'PRESCRIPTION_STATUS_RECOMMENDED');
    assert.equal(p.target.odsCode, 'Y90001', 'the GP route goes to the referral\'s practice');
    assert.equal(p.route, 'ROUTE_GP_PRESCRIPTION');
    assert.equal(typeof p.version, 'string', 'int64 is a string in proto JSON');

    const steps = [
      [pki.service, 'markSent', step('sent to GP'), 'PRESCRIPTION_STATUS_SENT'],
      [pki.gp, 'acknowledge', step('received by GP'), 'PRESCRIPTION_STATUS_ACKNOWLEDGED'],
      [pki.gp, 'prescribe', step('prescribed via EPS', { epsPrescriptionId: EPS_ID }),
       'PRESCRIPTION_STATUS_PRESCRIBED'],
      // A pharmacy knows a GP prescription by its EPS id and quotes it.
      [pki.pharmacy, 'dispense', step('dispensed', { externalIds: [{ system: EPS_SYSTEM, value: EPS_ID }] }),
       'PRESCRIPTION_STATUS_DISPENSED'],
    ];
    let version = BigInt(p.version);
    let current = p;
    for (const [who, verb, body, expected] of steps) {
      if (verb === 'dispense') {
        // Not quoting the EPS id: refused as if the request were not there.
        rpcError(await call(who, 'POST', prescriptionPath(p.prescriptionId, verb), step('no EPS id')),
                 403, PERMISSION_DENIED, 'dispense without the EPS id');
      }
      current = ok(await call(who, 'POST', prescriptionPath(p.prescriptionId, verb), body), verb);
      assert.equal(current.status, expected, `${verb} -> ${expected}`);
      assert.ok(BigInt(current.version) > version, `${verb} increments the version`);
      version = BigInt(current.version);
    }
    assert.equal(current.epsPrescriptionId, EPS_ID);

    const { events } = ok(await call(pki.service, 'GET', `${prescriptionPath(p.prescriptionId)}/timeline`),
                          'GetTimeline');
    const changes = events.filter((e) => e.type === 'EVENT_TYPE_PRESCRIPTION_STATUS_CHANGED');
    assert.deepEqual(changes.map((e) => e.toStatus), [
      'PRESCRIPTION_STATUS_SENT', 'PRESCRIPTION_STATUS_ACKNOWLEDGED',
      'PRESCRIPTION_STATUS_PRESCRIBED', 'PRESCRIPTION_STATUS_DISPENSED']);
    // The caller is the certificate's organisation, over the HTTP edge.
    assert.deepEqual(changes.map((e) => e.actor.organisation.odsCode),
                     ['TDS01', 'Y90001', 'Y90001', 'FZZ99']);
    assert.deepEqual(changes.map((e) => e.actor.adapter), ['http', 'http', 'http', 'http']);
    assert.deepEqual(changes.map((e) => e.note),
                     ['sent to GP', 'received by GP', 'prescribed via EPS', 'dispensed']);
    state.gp = current;
    state.gpTimeline = events;
  });

  test('pharmacy route: a vape kit to FZZ99, which acknowledges and supplies', { timeout: STEP_TIMEOUT_MS }, async (t) => {
    if (!needs(t, 'referral')) return;
    const p = ok(await call(pki.service, 'POST', '/v1/prescriptions', {
      requestId: uniqueId('recommend-pharmacy'),
      referralId: state.referral.referralId,
      productId: 'vape-starter-kit',
      doseText: 'Use as needed to replace cigarettes',
      quantity: { value: 1, unit: 'kit' },
      durationDays: 28,
      route: 'ROUTE_PHARMACY_SUPPLY',
      target: PHARMACY,
      recommendedBy: ADVISOR,
    }), 'RecommendPrescription');
    assert.equal(p.route, 'ROUTE_PHARMACY_SUPPLY');
    assert.equal(p.target.odsCode, 'FZZ99');
    assert.equal(p.product.kind, 'PRODUCT_KIND_VAPE');

    let current = ok(await call(pki.service, 'POST', prescriptionPath(p.prescriptionId, 'markSent'),
                                step('sent to pharmacy')), 'markSent');
    assert.equal(current.status, 'PRESCRIPTION_STATUS_SENT');

    // The pharmacy finds it in its own list (query parameters).
    const mine = ok(await call(pki.pharmacy, 'GET',
                               '/v1/prescriptions?status=PRESCRIPTION_STATUS_SENT&page_size=50'),
                    'ListPrescriptions as the pharmacy');
    assert.ok((mine.prescriptions ?? []).some((x) => x.prescriptionId === p.prescriptionId),
              JSON.stringify(mine));

    current = ok(await call(pki.pharmacy, 'POST', prescriptionPath(p.prescriptionId, 'acknowledge'),
                            step('received')), 'acknowledge');
    assert.equal(current.status, 'PRESCRIPTION_STATUS_ACKNOWLEDGED');
    current = ok(await call(pki.pharmacy, 'POST', prescriptionPath(p.prescriptionId, 'supply'),
                            step('kit handed over', {
                              externalIds: [{ system: 'pharmacy-supply-id', value: 'SUP-0001' }],
                            })), 'supply');
    assert.equal(current.status, 'PRESCRIPTION_STATUS_SUPPLIED');

    const { events } = ok(await call(pki.pharmacy, 'GET', `${prescriptionPath(p.prescriptionId)}/timeline`),
                          'GetTimeline as the pharmacy');
    const supplied = events.find((e) => e.toStatus === 'PRESCRIPTION_STATUS_SUPPLIED');
    assert.ok(supplied, JSON.stringify(events));
    assert.deepEqual(supplied.externalIds, [{ system: 'pharmacy-supply-id', value: 'SUP-0001' }]);
    state.pharmacy = current;
  });

  test('a second pharmacy sees nothing and is refused with 403, changing nothing', { timeout: STEP_TIMEOUT_MS }, async (t) => {
    if (!needs(t, 'gp', 'pharmacy')) return;
    const list = ok(await call(pki.otherPharmacy, 'GET', '/v1/prescriptions?page_size=100'),
                    'ListPrescriptions as FZZ98');
    assert.deepEqual(list.prescriptions ?? [], [], 'FZZ98 sees no request');
    for (const p of [state.gp, state.pharmacy]) {
      rpcError(await call(pki.otherPharmacy, 'GET', prescriptionPath(p.prescriptionId)),
               403, PERMISSION_DENIED, 'GetPrescription as FZZ98');
      rpcError(await call(pki.otherPharmacy, 'GET', `${prescriptionPath(p.prescriptionId)}/timeline`),
               403, PERMISSION_DENIED, 'GetTimeline as FZZ98');
    }
    rpcError(await call(pki.otherPharmacy, 'POST', prescriptionPath(state.pharmacy.prescriptionId, 'dispense'),
                        step('not mine')), 403, PERMISSION_DENIED, 'dispense as FZZ98');
    rpcError(await call(pki.otherPharmacy, 'GET', `/v1/referrals/${state.referral.referralId}`),
             403, PERMISSION_DENIED, 'GetReferral as FZZ98');
    // And a pharmacy may not refer at all.
    rpcError(await call(pki.otherPharmacy, 'POST', '/v1/referrals', referralRequest()),
             403, PERMISSION_DENIED, 'CreateReferral as a pharmacy');

    const now = ok(await call(pki.service, 'GET', prescriptionPath(state.pharmacy.prescriptionId)),
                   'GetPrescription');
    assert.equal(now.status, 'PRESCRIPTION_STATUS_SUPPLIED');
    assert.equal(now.version, state.pharmacy.version, 'the refusals changed nothing');
  });

  test('idempotency: the same request_id returns the first answer; a different body is 409', { timeout: STEP_TIMEOUT_MS }, async (t) => {
    if (!needs(t, 'referral', 'referralRequest')) return;
    const retry = ok(await call(pki.service, 'POST', '/v1/referrals', state.referralRequest), 'retry');
    assert.deepEqual(retry, state.referral, 'a retry returns the first answer');
    // The proto field names are accepted as well as the json names.
    const snake = structuredClone(state.referralRequest);
    snake.request_id = snake.requestId;
    delete snake.requestId;
    const again = ok(await call(pki.service, 'POST', '/v1/referrals', snake), 'retry with proto names');
    assert.equal(again.referralId, state.referral.referralId);

    const all = ok(await call(pki.service, 'GET', '/v1/referrals?page_size=100'), 'ListReferrals');
    assert.deepEqual(all.referrals.map((r) => r.referralId), [state.referral.referralId],
                     'the retries created no second referral');

    const changed = structuredClone(state.referralRequest);
    changed.referral.smoking.cigarettesPerDay = 5;
    rpcError(await call(pki.service, 'POST', '/v1/referrals', changed), 409, ALREADY_EXISTS,
             'the same request_id with another body');
  });

  test('errors: google.rpc.Status with the mapped HTTP status, and nothing changes', { timeout: STEP_TIMEOUT_MS }, async (t) => {
    if (!needs(t, 'gp', 'referral')) return;
    const referralsBefore = ok(await call(pki.service, 'GET', '/v1/referrals?page_size=100'), 'list').referrals;

    // Bad input: 400 INVALID_ARGUMENT with a BadRequest naming each field.
    const bad = referralRequest();
    bad.referral.patient = { nhsNumber: '9990000019' }; // bad check digit, no date of birth
    const invalid = rpcError(await call(pki.service, 'POST', '/v1/referrals', bad), 400,
                             INVALID_ARGUMENT, 'an invalid referral');
    const violations = fieldViolations(invalid);
    assert.deepEqual(violations.map((v) => v.field).sort(),
                     ['referral.patient.date_of_birth', 'referral.patient.nhs_number']);
    for (const v of violations) assert.ok(v.description, `${v.field} has a description`);

    // An illegal transition: 400 FAILED_PRECONDITION naming the states.
    const illegal = rpcError(
      await call(pki.gp, 'POST', prescriptionPath(state.gp.prescriptionId, 'prescribe'),
                 step('again', { epsPrescriptionId: EPS_ID })),
      400, FAILED_PRECONDITION, 'prescribing a dispensed request');
    assert.match(illegal.message, /DISPENSED/, illegal.message);

    // Unknown record: 404 NOT_FOUND for a caller who may see every such
    // record (the operator and a dead letter); for the service an unknown
    // prescription reads as one not its own, 403, so an id gives nothing away.
    const missing = rpcError(await call(pki.admin, 'GET', '/v1/deliveries/msg-json-does-not-exist'),
                             404, NOT_FOUND, 'an unknown delivery');
    assert.match(missing.message, /msg-json-does-not-exist/);
    rpcError(await call(pki.service, 'GET', prescriptionPath('rx-json-does-not-exist')),
             403, PERMISSION_DENIED, 'an unknown prescription');

    // Malformed JSON, an unknown field, a wrong type: 400, nothing made.
    rpcError(await call(pki.service, 'POST', '/v1/referrals', '{"requestId": "x", "referral": {'),
             400, INVALID_ARGUMENT, 'malformed JSON');
    const unknown = referralRequest();
    unknown.referral.favouriteColour = 'green';
    const unknownError = rpcError(await call(pki.service, 'POST', '/v1/referrals', unknown), 400,
                                  INVALID_ARGUMENT, 'an unknown field');
    assert.match(unknownError.message, /favouriteColour/, unknownError.message);
    rpcError(await call(pki.service, 'GET', '/v1/referrals?page_size=lots'), 400, INVALID_ARGUMENT,
             'a query parameter that is not a number');

    // The wrong content type: 415.
    const typed = await call(pki.service, 'POST', '/v1/referrals', JSON.stringify(referralRequest()),
                             { headers: { 'Content-Type': 'text/plain' } });
    assert.equal(typed.status, 415, typed.text);
    assert.equal(typeof typed.json?.code, 'number', `a google.rpc.Status: ${typed.text}`);
    assert.ok(typed.json.message, typed.text);

    // A body over the listener's limit (1 MiB by default): 413.
    const huge = referralRequest();
    huge.referral.externalReferralId = 'x'.repeat(1_200_000);
    const tooBig = await call(pki.service, 'POST', '/v1/referrals', huge);
    assert.equal(tooBig.status, 413, tooBig.text.slice(0, 200));
    assert.equal(typeof tooBig.json?.code, 'number', `a google.rpc.Status: ${tooBig.text.slice(0, 200)}`);

    // An unknown route: 404 as a google.rpc.Status, not a FHIR OperationOutcome.
    const noRoute = await call(pki.service, 'GET', '/v1/nowhere');
    assert.equal(noRoute.status, 404, noRoute.text);
    assert.equal(noRoute.json?.code, NOT_FOUND, noRoute.text);
    assert.equal(noRoute.json?.resourceType, undefined);

    const referralsAfter = ok(await call(pki.service, 'GET', '/v1/referrals?page_size=100'), 'list').referrals;
    assert.deepEqual(referralsAfter, referralsBefore, 'no refused request made a referral');
    const gpNow = ok(await call(pki.service, 'GET', prescriptionPath(state.gp.prescriptionId)), 'GetPrescription');
    assert.equal(gpNow.version, state.gp.version, 'the refused transition changed nothing');
    const { events } = ok(await call(pki.service, 'GET', `${prescriptionPath(state.gp.prescriptionId)}/timeline`),
                          'GetTimeline');
    assert.deepEqual(events, state.gpTimeline, 'the refused transition added no event');
  });

  test('every operation in the document is routed: the router and the document agree', { timeout: STEP_TIMEOUT_MS }, async (t) => {
    if (!needs(t, 'openapi')) return;
    // The router's own 404, for a path no annotation declares.
    const noRoute = await call(pki.admin, 'GET', '/v1/nowhere');
    assert.equal(noRoute.status, 404, noRoute.text);
    const routerMessage = noRoute.json.message;
    let probed = 0;
    for (const [template, item] of Object.entries(state.openapi.paths)) {
      for (const [verb, op] of Object.entries(item)) {
        // The event stream stays open: its route is the SSE tests'.
        if (op.responses['200'].content['text/event-stream']) continue;
        const url = template.replace(/\{[^}]+\}/g, 'openapi-probe');
        // As the operator, with an empty body: refused or answered by the
        // use case, never "no such endpoint" or 405.
        const r = await call(pki.admin, verb.toUpperCase(), url, op.requestBody ? {} : undefined);
        const what = `${verb.toUpperCase()} ${template} (${op.operationId})`;
        assert.notEqual(r.status, 405, `${what}: ${r.text}`);
        assert.ok(!(r.status === 404 && r.json?.message === routerMessage), `${what} is not routed`);
        assert.ok(r.json && typeof r.json === 'object', `${what}: not JSON: ${r.text.slice(0, 200)}`);
        assertV1Headers(r, what);
        ++probed;
      }
    }
    assert.ok(probed >= 30, `only ${probed} operations probed`);
  });

  test('a client without a certificate is refused in the TLS handshake', { timeout: STEP_TIMEOUT_MS }, async (t) => {
    if (!needs(t, 'gateway')) return;
    await assert.rejects(call(null, 'GET', '/v1/referrals'));
  });
});
