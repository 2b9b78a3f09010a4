// The tobacco dependency service: the pipeline (counts per status and route),
// overdue requests with how long each has waited and on whom, referrals with
// their prescriptions, a prescription's live timeline; recommend, cancel and
// record an outcome. What is shown lives in memory only.
import { call, listAll, newRequestId, query } from './api.js';
import { startPage } from './common.js';
import { showTimeline, stopLive } from './timeline.js';
import {
  button, byId, clear, count, dateTime, el, enumText, form, howLong, nhsNumberText, notice, organisationText,
  patientName, referralStatusText, routeText, showLoadError, statusTag, statusText, summaryList, table,
} from './ui.js';

const STATUSES = ['RECOMMENDED', 'SENT', 'ACKNOWLEDGED', 'PRESCRIBED', 'DECLINED', 'APPOINTMENT_REQUIRED', 'DISPENSED', 'SUPPLIED', 'NOT_SUPPLIED', 'CANCELLED', 'EXPIRED'].map((s) => `PRESCRIPTION_STATUS_${s}`);
const FINAL = new Set(['DISPENSED', 'SUPPLIED', 'NOT_SUPPLIED', 'DECLINED', 'CANCELLED', 'EXPIRED'].map((s) => `PRESCRIPTION_STATUS_${s}`));
const ROUTES = ['ROUTE_GP_PRESCRIPTION', 'ROUTE_PHARMACY_SUPPLY', 'ROUTE_SERVICE_SUPPLY'];
const FOLLOW_UPS = ['FOLLOW_UP_POINT_WEEK_4', 'FOLLOW_UP_POINT_WEEK_12', 'FOLLOW_UP_POINT_WEEK_52'];
const OUTCOMES = ['QUIT_SELF_REPORTED', 'QUIT_CO_VERIFIED', 'REDUCED', 'RELAPSED', 'NOT_QUIT', 'LOST_TO_FOLLOW_UP'].map((s) => `OUTCOME_STATUS_${s}`);

// Who the request waits on: the organisation it was sent to.
function waitingOn(p) {
  if (p.target && p.target.odsCode) return organisationText(p.target);
  if (p.route === 'ROUTE_GP_PRESCRIPTION') return organisationText(p.gpPractice);
  if (p.route === 'ROUTE_PHARMACY_SUPPLY') return organisationText(p.nominatedPharmacy);
  return 'the service';
}

function section(id, heading) {
  return el('section', { class: 'console-panel', id, 'aria-labelledby': `${id}-heading` },
    el('h2', { id: `${id}-heading`, text: heading }), el('div', { id: `${id}-body` }, el('p', { text: 'Loading\u2026' })));
}

async function showPipeline() {
  const body = byId('pipeline-body');
  try {
    const all = await listAll('/v1/prescriptions', {}, 'prescriptions');
    const counts = {};
    for (const p of all) counts[`${p.status}|${p.route}`] = (counts[`${p.status}|${p.route}`] || 0) + 1;
    const rows = STATUSES.map((s) => {
      const cells = ROUTES.map((r) => String(counts[`${s}|${r}`] || 0));
      const total = ROUTES.reduce((n, r) => n + (counts[`${s}|${r}`] || 0), 0);
      return [statusText(s), ...cells, String(total)];
    });
    clear(body).append(table(`${count(all.length, 'prescription request')} by status and route`, ['Status', ...ROUTES.map(routeText), 'Total'], rows, 'pipeline-table'));
  } catch (error) {
    showLoadError(body, error);
  }
}

async function showOverdue() {
  const body = byId('overdue-body');
  try {
    const overdue = await listAll('/v1/prescriptions', { overdue_only: true }, 'prescriptions');
    if (overdue.length === 0) {
      notice(body, 'No request is overdue.');
      return;
    }
    overdue.sort((a, b) => String(a.dueAt).localeCompare(String(b.dueAt)));
    clear(body).append(table(`${count(overdue.length, 'overdue request')}, longest first`,
      ['Product', 'Route', 'Status', 'Overdue by', 'Waiting on', ''],
      overdue.map((p, i) => [
        p.product ? p.product.display : '', routeText(p.route), statusTag(p.status),
        howLong(p.dueAt), waitingOn(p),
        button('Open', () => openPrescription(p.prescriptionId), { secondary: true, context: `overdue request ${i + 1}` }),
      ]), 'overdue-table'));
  } catch (error) {
    showLoadError(body, error);
  }
}

async function showReferrals() {
  const body = byId('referrals-body');
  try {
    const referrals = await listAll('/v1/referrals', {}, 'referrals', 200);
    if (referrals.length === 0) {
      notice(body, 'No referrals yet.');
      return;
    }
    clear(body).append(table(count(referrals.length, 'referral'), ['Patient', 'NHS number', 'Status', 'Received', ''],
      referrals.map((r, i) => [
        patientName(r.patient), nhsNumberText(r.patient && r.patient.nhsNumber), referralStatusText(r.status),
        dateTime(r.createdAt), button('Open', () => openReferral(r.referralId), { secondary: true, context: `referral ${i + 1}` }),
      ]), 'referrals-table'));
  } catch (error) {
    showLoadError(body, error);
  }
}

function detailArea(heading) {
  stopLive();
  const detail = clear(byId('detail'));
  detail.hidden = false;
  const h = el('h2', { id: 'detail-heading', tabindex: '-1', text: heading });
  detail.append(h, button('Close', () => { stopLive(); clear(detail); detail.hidden = true; }, { secondary: true, id: 'detail-close' }));
  h.focus();
  return detail;
}

async function productOptions() {
  try {
    const { products = [] } = await call('GET', '/v1/products');
    return products.map((f) => ({ value: f.product.productId, text: f.product.display }));
  } catch {
    return [];
  }
}

async function openReferral(referralId) {
  const detail = detailArea('Referral');
  try {
    const [referral, { prescriptions = [] }, options] = await Promise.all([
      call('GET', `/v1/referrals/${encodeURIComponent(referralId)}`),
      call('GET', `/v1/prescriptions${query({ referral_id: referralId })}`),
      productOptions(),
    ]);
    detail.append(
      summaryList([
        ['Patient', patientName(referral.patient)],
        ['NHS number', nhsNumberText(referral.patient && referral.patient.nhsNumber)],
        ['Status', referralStatusText(referral.status)],
        ['Referred by', organisationText(referral.referrer)],
        ['GP practice', organisationText(referral.gpPractice)],
        ['Nominated pharmacy', organisationText(referral.nominatedPharmacy)],
      ], 'referral-summary'),
      el('h3', { text: 'Prescription requests' }),
      prescriptions.length === 0 ? el('p', { text: 'None yet.' }) : table('Prescription requests for this referral', ['Product', 'Route', 'Status', ''],
        prescriptions.map((p, i) => [p.product ? p.product.display : '', routeText(p.route), statusTag(p.status),
          button('Open', () => openPrescription(p.prescriptionId), { secondary: true, context: `prescription request ${i + 1}` })]), 'referral-prescriptions'),
      recommendForm(referral, options),
      outcomeForm(referral));
  } catch (error) {
    showLoadError(detail, error);
  }
}

function recommendForm(referral, products) {
  const requestId = newRequestId();
  const productField = products.length
    ? { name: 'productId', label: 'Product', type: 'select', options: products, required: true, requiredMessage: 'Choose a product', api: ['product_id'] }
    : { name: 'productId', label: 'Product ID (from the formulary)', required: true, api: ['product_id'] };
  return form({
    id: 'recommend-form',
    title: 'Recommend a prescription',
    submit: 'Recommend',
    fields: [
      productField,
      { name: 'route', label: 'Route', type: 'select', required: true, requiredMessage: 'Choose a route', options: ROUTES.map((r) => ({ value: r, text: routeText(r) })) },
      { name: 'target', label: 'Send to (ODS code)', hint: 'The GP practice or pharmacy; leave empty to use the referral\u2019s', width: 10, api: ['target', 'target.ods_code'] },
      { name: 'doseText', label: 'Dose', hint: 'For example: one 21 mg patch every 24 hours', required: true, requiredMessage: 'Enter the dose', api: ['dose_text'] },
      { name: 'quantity', label: 'Quantity', type: 'number', inputmode: 'decimal', width: 5, required: true, requiredMessage: 'Enter the quantity', api: ['quantity', 'quantity.value'] },
      { name: 'unit', label: 'Unit', hint: 'For example: patch', width: 10, required: true, requiredMessage: 'Enter the unit', api: ['quantity.unit'] },
      { name: 'durationDays', label: 'Duration in days', type: 'number', inputmode: 'numeric', width: 4, required: true, requiredMessage: 'Enter the duration in days', api: ['duration_days'] },
      { name: 'reason', label: 'Reason', type: 'textarea' },
    ],
    onSubmit: async (v) => {
      const body = {
        requestId, referralId: referral.referralId, productId: v.productId, route: v.route, doseText: v.doseText,
        quantity: { value: Number(v.quantity), unit: v.unit }, durationDays: Number(v.durationDays), reason: v.reason,
      };
      if (v.target) body.target = { odsCode: v.target.toUpperCase() };
      const created = await call('POST', '/v1/prescriptions', body);
      await openPrescription(created.prescriptionId);
      showPipeline();
    },
  });
}

function outcomeForm(referral) {
  const requestId = newRequestId();
  return form({
    id: 'outcome-form',
    title: 'Record an outcome',
    submit: 'Record outcome',
    fields: [
      { name: 'followUp', label: 'Follow-up point', type: 'select', required: true, requiredMessage: 'Choose the follow-up point', options: FOLLOW_UPS.map((f) => ({ value: f, text: enumText(f, 'FOLLOW_UP_POINT_') })), api: ['outcome.follow_up'] },
      { name: 'status', label: 'Outcome', type: 'select', required: true, requiredMessage: 'Choose the outcome', options: OUTCOMES.map((o) => ({ value: o, text: enumText(o, 'OUTCOME_STATUS_') })), api: ['outcome.status'] },
      { name: 'recordedOn', label: 'Date of the follow-up', type: 'date', required: true, requiredMessage: 'Enter the date of the follow-up', api: ['outcome.recorded_on'] },
      { name: 'coReadingPpm', label: 'Carbon monoxide reading (ppm)', type: 'number', inputmode: 'decimal', step: '0.1', width: 4, hint: 'Needed for a CO-verified quit', api: ['outcome.co_reading_ppm'] },
      { name: 'note', label: 'Note', type: 'textarea', api: ['outcome.note'] },
    ],
    onSubmit: async (v) => {
      const outcome = { referralId: referral.referralId, followUp: v.followUp, status: v.status, recordedOn: v.recordedOn, note: v.note };
      if (v.coReadingPpm !== '') outcome.coReadingPpm = Number(v.coReadingPpm);
      await call('POST', '/v1/outcomes', { requestId, outcome });
      await openReferral(referral.referralId);
      notice(byId('detail').appendChild(el('div')), 'Outcome recorded.');
    },
  });
}

function prescriptionSummary(p) {
  return summaryList([
    ['Patient', patientName(p.patient)],
    ['NHS number', nhsNumberText(p.patient && p.patient.nhsNumber)],
    ['Product', p.product ? p.product.display : ''],
    ['Dose', p.doseText],
    ['Route', routeText(p.route)],
    ['Status', statusTag(p.status)],
    ['Waiting on', waitingOn(p)],
    ['Due', dateTime(p.dueAt)],
    ['Overdue', p.overdue ? `Yes, by ${howLong(p.dueAt)}` : 'No'],
    ['EPS prescription ID', p.epsPrescriptionId],
    ['Reason for status', p.statusReasonDisplay || p.statusReason],
  ], 'prescription-summary');
}

async function openPrescription(prescriptionId) {
  const detail = detailArea('Prescription request');
  try {
    const p = await call('GET', `/v1/prescriptions/${encodeURIComponent(prescriptionId)}`);
    const summaryHolder = el('div', { id: 'prescription-summary-holder' }, prescriptionSummary(p));
    const list = el('ol', { class: 'nhsuk-list nhsuk-list--number console-timeline', id: 'timeline' });
    const live = el('p', { class: 'nhsuk-body-s', id: 'timeline-live', 'aria-live': 'polite', text: 'Connecting to live updates\u2026' });
    detail.append(summaryHolder, el('h3', { text: 'Timeline' }), live, list, FINAL.has(p.status) ? null : cancelForm(p));
    await showTimeline(prescriptionId, list, live, async () => {
      const fresh = await call('GET', `/v1/prescriptions/${encodeURIComponent(prescriptionId)}`);
      clear(summaryHolder).append(prescriptionSummary(fresh));
    });
  } catch (error) {
    showLoadError(detail, error);
  }
}

function cancelForm(p) {
  const requestId = newRequestId();
  return form({
    id: 'cancel-form',
    title: 'Cancel this request',
    submit: 'Cancel request',
    warning: true,
    fields: [
      { name: 'reasonCode', label: 'Reason code', hint: 'Upper case, for example PATIENT_WITHDREW', width: 20, required: true, requiredMessage: 'Enter a reason code', api: ['reason_code'] },
      { name: 'note', label: 'Note', type: 'textarea' },
    ],
    onSubmit: async (v) => {
      await call('POST', `/v1/prescriptions/${encodeURIComponent(p.prescriptionId)}:cancel`, { requestId, reasonCode: v.reasonCode.toUpperCase(), note: v.note });
      await openPrescription(p.prescriptionId);
      showPipeline();
      showOverdue();
    },
  });
}

startPage('tobacco_service', () => {
  const content = clear(byId('page-content'));
  content.append(
    el('div', { id: 'detail', class: 'console-panel', hidden: true, 'aria-live': 'polite' }),
    section('pipeline', 'Pipeline'),
    section('overdue', 'Overdue requests'),
    section('referrals', 'Referrals'),
    button('Refresh', () => { showPipeline(); showOverdue(); showReferrals(); }, { secondary: true, id: 'refresh' }));
  showPipeline();
  showOverdue();
  showReferrals();
});
