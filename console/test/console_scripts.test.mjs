// The console's pure helpers, run by Node (ctest console_scripts_test, label
// unit): the EPS prescription ID check the GP sees as they type must agree
// with the gateway's (gateway/domain/identifiers.cc, the same ids as
// tests/unit/domain/identifiers_test.cc), and what goes in a URL is built
// only from what a page passes in.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { query } from '../src/api.js';
import { epsIdProblem } from '../src/eps.js';
import { count, enumText, howLong, nhsNumberText } from '../src/ui.js';

test('published EPS prescription ids pass the MOD 37-2 check', () => {
  for (const id of ['24F5DA-A83008-7EFE6Z', '335C70-A83008-84058A', 'DA923E-Z8827F-11EBAK',
    '83C40E-A23856-00123W', '4D7E1A-Y90001-0003FX']) {
    assert.equal(epsIdProblem(id), '', id);
  }
});

test('a wrong check character, shape or hex part is named', () => {
  assert.match(epsIdProblem('24F5DA-A83008-7EFE6Y'), /check character/);
  assert.match(epsIdProblem('24F5DAA83008-7EFE6Z'), /XXXXXX-YYYYYY-ZZZZZC/);
  assert.match(epsIdProblem('24G5DA-A83008-7EFE6Z'), /hex/);
  assert.match(epsIdProblem('24F5DA-A8300+-7EFE6Z'), /ODS code/);
  assert.match(epsIdProblem(''), /Enter/);
});

test('every other single-character slip in a valid id is caught', () => {
  const valid = '4D7E1A-Y90001-0003FX';
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  for (let i = 0; i < valid.length; i++) {
    if (valid[i] === '-') continue;
    for (const c of alphabet) {
      if (c === valid[i]) continue;
      const typo = valid.slice(0, i) + c + valid.slice(i + 1);
      assert.notEqual(epsIdProblem(typo), '', typo);
    }
  }
});

test('query strings hold only the parameters given, empty and false left out', () => {
  assert.equal(query({ prescription_id: 'p 1', after_sequence: 5, overdue_only: false, page_token: '' }),
    '?prescription_id=p+1&after_sequence=5');
  assert.equal(query({}), '');
});

test('enum names read as words with their acronyms', () => {
  assert.equal(enumText('PRESCRIPTION_STATUS_APPOINTMENT_REQUIRED', 'PRESCRIPTION_STATUS_'), 'Appointment required');
  assert.equal(enumText('ROUTE_GP_PRESCRIPTION', 'ROUTE_'), 'GP prescription');
  assert.equal(enumText('DELIVERY_CHANNEL_FHIR_HTTPS', 'DELIVERY_CHANNEL_'), 'FHIR HTTPS');
  assert.equal(enumText('', 'X_'), '');
});

test('waits read in days and hours, and counts in the singular when one', () => {
  const now = Date.parse('2026-01-10T12:00:00Z');
  assert.equal(howLong('2026-01-07T08:00:00Z', now), '3 days 4 hours');
  assert.equal(howLong('2026-01-10T11:59:00Z', now), '1 minute');
  assert.equal(howLong('2026-01-10T13:00:00Z', now), '0 minutes');
  assert.equal(count(1, 'referral'), '1 referral');
  assert.equal(count(2, 'dead letter'), '2 dead letters');
  assert.equal(nhsNumberText('9434765919'), '943 476 5919');
});
