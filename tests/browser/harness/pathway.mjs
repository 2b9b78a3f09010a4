// Sets the walk's records up with tobaccoctl, as the organisations that
// really do each step (a trust refers, the service accepts and recommends,
// the request is sent and the GP practice's system acknowledges it), while
// the gateway runs days in the past, so each request is overdue once the
// gateway is back at the real time.
import { ctl } from './gateway.mjs';

// Fictional patients from the 999 test range.
export const PATIENTS = [
  { nhsNumber: '9990000018', spaced: '999 000 0018', dob: '1980-04-01', given: 'Alex', family: 'Example' },
  { nhsNumber: '9990000026', spaced: '999 000 0026', dob: '1975-09-12', given: 'Sam', family: 'Sample' },
  { nhsNumber: '9990000034', spaced: '999 000 0034', dob: '1991-01-30', given: 'Jo', family: 'Test' },
];

export function acknowledgedGpRequest(gateway, pki, patient) {
  const referral = ctl(gateway, pki, 'trust', [
    'referrals', 'create', '--nhs-number', patient.spaced, '--dob', patient.dob,
    '--given-name', patient.given, '--family-name', patient.family,
    '--referrer-ods', 'RX9', '--source', 'community_mental_health',
    '--practitioner', 'C1234567', '--practitioner-register', 'gmc',
    '--service-ods', 'TDS01', '--gp-ods', 'Y90001',
    '--cigarettes-per-day', '20', '--co-ppm', '25', '--diagnosis', 'schizophrenia', '--smi',
    '--goal', 'quit_now', '--share-with-gp', '--share-with-pharmacy',
  ]).referralId;
  ctl(gateway, pki, 'service', ['referrals', 'set-status', referral, 'accepted', '--actor-ods', 'TDS01']);
  const rx = ctl(gateway, pki, 'service', [
    'prescriptions', 'recommend', '--referral', referral, '--product', 'varenicline-1mg',
    '--dose', '0.5mg once daily for 3 days, then twice daily; 1mg twice daily from day 8',
    '--quantity', '56', '--unit', 'tablet', '--duration-days', '28',
    '--route', 'gp_prescription', '--nominated-pharmacy', 'FZZ99',
    '--reason', 'Wants to quit now', '--practitioner', '12A3456B', '--practitioner-register', 'nmc',
  ]).prescriptionId;
  ctl(gateway, pki, 'service', ['prescriptions', 'sent', rx, '--actor-ods', 'TDS01']);
  ctl(gateway, pki, 'gp', ['prescriptions', 'acknowledge', rx, '--actor-ods', 'Y90001']);
  return { referral, rx, patient };
}

export function prescription(gateway, pki, rx) {
  return ctl(gateway, pki, 'service', ['prescriptions', 'show', rx]);
}
