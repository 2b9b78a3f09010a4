// The console's pure helpers, run by Node (ctest console_scripts_test, label
// unit): the EPS prescription ID check the GP sees as they type must agree
// with the gateway's (gateway/domain/identifiers.cc, the same ids as
// tests/unit/domain/identifiers_test.cc), and what goes in a URL is built
// only from what a page passes in.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { query } from '../src/api.js';
import { epsIdProblem } from '../src/eps.js';
import {
  countText, countValue, daysText, dimensionText, financialQuarter, financialYear, lastFourQuarters, londonToday,
  quartersBetween, rateText,
} from '../src/report_figures.js';
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

test('NHS financial quarters: April to June is Q1, January to March Q4 of the year before', () => {
  assert.deepEqual(financialQuarter('2026-04-01'), { label: '2026-27 Q1', from: '2026-04-01', to: '2026-06-30' });
  assert.deepEqual(financialQuarter('2026-12-01'), { label: '2026-27 Q3', from: '2026-10-01', to: '2026-12-31' });
  assert.deepEqual(financialQuarter('2027-02-28'), { label: '2026-27 Q4', from: '2027-01-01', to: '2027-03-31' });
  assert.deepEqual(financialQuarter('2028-02-10'), { label: '2027-28 Q4', from: '2028-01-01', to: '2028-03-31' });
  assert.deepEqual(financialQuarter('2026-05-15', -1), { label: '2025-26 Q4', from: '2026-01-01', to: '2026-03-31' });
  assert.deepEqual(financialQuarter('2026-05-15', 3), { label: '2026-27 Q4', from: '2027-01-01', to: '2027-03-31' });
  assert.deepEqual(lastFourQuarters('2026-12-01'), { from: '2026-01-01', to: '2026-12-31' });
  assert.deepEqual(financialYear('2027-03-31'), { from: '2026-04-01', to: '2027-03-31', label: '2026-27' });
  assert.deepEqual(quartersBetween('2026-01-01', '2026-12-31'), ['2025-26 Q4', '2026-27 Q1', '2026-27 Q2', '2026-27 Q3']);
  // Midnight in London on the first of April is still 31 March in UTC.
  assert.equal(londonToday(new Date('2026-03-31T23:30:00Z')), '2026-04-01');
  assert.equal(londonToday(new Date('2026-12-31T23:30:00Z')), '2026-12-31');
});

test('published figures: a withheld count or rate is *, never a number; an undefined rate is empty', () => {
  assert.equal(countText({ value: '12' }), '12');
  assert.equal(countText({ value: '10', rounded: true }), '10');
  assert.equal(countText({}), '0');  // JSON leaves a zero out
  assert.equal(countText(undefined), '0');
  assert.equal(countText({ suppressed: true }), '*');
  assert.equal(countValue({ suppressed: true }), null);
  assert.equal(countValue({ value: '5' }), 5);
  assert.equal(rateText({ value: 0.375 }), '37.5%');
  assert.equal(rateText({ suppressed: true }), '*');
  assert.equal(rateText({ undefined: true }), '');
  assert.equal(rateText({}), '0.0%');
  assert.equal(daysText({ reached: { suppressed: true } }, 'medianWorkingDays'), '*');
  assert.equal(daysText({ reached: { value: '9' }, medianWorkingDays: 0, p90WorkingDays: 3 }, 'medianWorkingDays'), '0');
  assert.equal(daysText({ reached: {} }, 'p90WorkingDays'), '');
  assert.equal(dimensionText({ value: 'Y90001', display: 'Example Surgery' }), 'Example Surgery (Y90001)');
  assert.equal(dimensionText({ value: 'TALKING_THERAPIES', display: 'NHS Talking Therapies' }), 'NHS Talking Therapies');
  assert.equal(dimensionText({ value: '2026-27 Q1' }), '2026-27 Q1');
});
