// A GP practice: the recommendations awaiting its decision, each with the
// letter as the GP would read it; prescribe (EPS prescription ID checked as
// it is typed), decline (a reason from the gateway's configured list), or
// say an appointment is needed.
import { call, listAll, newRequestId } from './api.js';
import { startPage } from './common.js';
import { epsIdProblem } from './eps.js';
import {
  byId, clear, dateTime, el, form, nhsNumberText, notice, organisationText, patientName, showLoadError, statusTag,
} from './ui.js';

let declineReasons = [];

function letter(p) {
  const patient = p.patient || {};
  const lines = [
    'Dear colleague,',
    '',
    `${organisationText(p.service) || 'The tobacco dependency service'} recommends the following stop-smoking treatment for your patient ${patientName(patient)} (NHS number ${nhsNumberText(patient.nhsNumber)}, born ${patient.dateOfBirth || 'unknown'}):`,
    '',
    `${p.product ? p.product.display : 'Product not given'}`,
    `Dose: ${p.doseText || 'not given'}`,
    `Quantity: ${p.quantity ? `${p.quantity.value} ${p.quantity.unit}` : 'not given'}${p.durationDays ? `, for ${p.durationDays} days` : ''}`,
  ];
  if (p.reason) lines.push(`Reason: ${p.reason}`);
  if (p.cyp1a2SafetyAlert) lines.push('', 'Safety: the patient takes a medicine metabolised by CYP1A2; levels may rise after stopping smoking. Review the dose.');
  if (p.recommendedBy && p.recommendedBy.displayName) lines.push('', `Recommended by ${p.recommendedBy.displayName}.`);
  lines.push('', `Please prescribe, decline with a reason, or ask to see the patient${p.dueAt ? ` by ${dateTime(p.dueAt)}` : ''}.`);
  return el('div', { class: 'console-letter', id: `letter-${p.prescriptionId}`, text: lines.join('\n') });
}

function recommendation(p, refresh) {
  const id = p.prescriptionId;
  const heading = el('h2', { class: 'nhsuk-heading-m', text: `${p.product ? p.product.display : 'Recommendation'} for ${patientName(p.patient)}` });
  const prescribeRequest = newRequestId();
  const prescribe = form({
    id: `prescribe-${id}`,
    title: 'Prescribe',
    submit: 'Prescribe',
    fields: [{
      name: 'epsPrescriptionId', label: 'EPS prescription ID', hint: 'The 20-character ID on the prescription, for example A1B2C3-Y90001-00001X', width: 20,
      required: true, requiredMessage: 'Enter the EPS prescription ID', api: ['eps_prescription_id'],
      check: (value) => epsIdProblem(value.toUpperCase()), live: 'This is a valid EPS prescription ID',
    }],
    onSubmit: async (v) => {
      await call('POST', `/v1/prescriptions/${encodeURIComponent(id)}:prescribe`, { requestId: prescribeRequest, epsPrescriptionId: v.epsPrescriptionId.toUpperCase() });
      refresh('Prescribed: the service and the pharmacy will be told.');
    },
  });
  const declineRequest = newRequestId();
  const decline = form({
    id: `decline-${id}`,
    title: 'Decline',
    submit: 'Decline',
    warning: true,
    fields: [
      { name: 'reasonCode', label: 'Reason for declining', type: 'select', options: declineReasons.map((r) => ({ value: r.code, text: r.display })), required: true, requiredMessage: 'Choose a reason for declining', api: ['reason_code'] },
      { name: 'note', label: 'Note to the service (optional)', type: 'textarea', api: ['note'] },
    ],
    onSubmit: async (v) => {
      await call('POST', `/v1/prescriptions/${encodeURIComponent(id)}:decline`, { requestId: declineRequest, reasonCode: v.reasonCode, note: v.note });
      refresh('Declined: the service will be told the reason.');
    },
  });
  const appointmentRequest = newRequestId();
  const appointment = form({
    id: `appointment-${id}`,
    title: 'Appointment required',
    submit: 'Ask to see the patient',
    fields: [{ name: 'note', label: 'Note to the service (optional)', type: 'textarea', api: ['note'] }],
    onSubmit: async (v) => {
      await call('POST', `/v1/prescriptions/${encodeURIComponent(id)}:requireAppointment`, { requestId: appointmentRequest, note: v.note });
      refresh('Recorded: the service will be told an appointment is needed.');
    },
  });
  return el('section', { class: 'console-panel', id: `recommendation-${id}` },
    heading, el('p', {}, statusTag(p.status)), letter(p),
    el('details', { class: 'nhsuk-details' }, el('summary', { class: 'nhsuk-details__summary' }, el('span', { class: 'nhsuk-details__summary-text', text: 'Prescribe' })), el('div', { class: 'nhsuk-details__text' }, prescribe)),
    el('details', { class: 'nhsuk-details' }, el('summary', { class: 'nhsuk-details__summary' }, el('span', { class: 'nhsuk-details__summary-text', text: 'Decline' })), el('div', { class: 'nhsuk-details__text' }, decline)),
    el('details', { class: 'nhsuk-details' }, el('summary', { class: 'nhsuk-details__summary' }, el('span', { class: 'nhsuk-details__summary-text', text: 'Appointment required' })), el('div', { class: 'nhsuk-details__text' }, appointment)));
}

async function showAwaiting(message) {
  const content = clear(byId('page-content'));
  const status = el('div', { id: 'gp-status', role: 'status' });
  content.append(status);
  if (message) notice(status, message);
  try {
    const [sent, acknowledged] = await Promise.all([
      listAll('/v1/prescriptions', { status: 'PRESCRIPTION_STATUS_SENT' }, 'prescriptions'),
      listAll('/v1/prescriptions', { status: 'PRESCRIPTION_STATUS_ACKNOWLEDGED' }, 'prescriptions'),
    ]);
    const awaiting = [...sent, ...acknowledged].filter((p) => p.route === 'ROUTE_GP_PRESCRIPTION');
    awaiting.sort((a, b) => String(a.dueAt).localeCompare(String(b.dueAt)));
    const list = el('div', { id: 'awaiting-decision' });
    content.append(el('h2', { text: `Awaiting your decision (${awaiting.length})`, id: 'awaiting-heading' }), list);
    if (awaiting.length === 0) notice(list, 'No recommendation is waiting for a decision.');
    for (const p of awaiting) list.append(recommendation(p, showAwaiting));
  } catch (error) {
    showLoadError(content, error);
  }
}

startPage('gp', async () => {
  try {
    ({ declineReasons = [] } = await call('GET', '/console/api/reasons'));
  } catch {
    declineReasons = [];
  }
  showAwaiting('');
});
