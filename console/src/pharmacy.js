// A community pharmacy: the supply requests and prescription notices routed
// to it; record supplied, not supplied (a reason from the configured list) or
// dispensed.
import { call, listAll, newRequestId } from './api.js';
import { startPage } from './common.js';
import {
  byId, clear, dateTime, el, form, nhsNumberText, notice, patientName, routeText, showLoadError, statusTag, summaryList,
} from './ui.js';

let notSuppliedReasons = [];

const OPEN = new Set(['PRESCRIPTION_STATUS_SENT', 'PRESCRIPTION_STATUS_ACKNOWLEDGED', 'PRESCRIPTION_STATUS_PRESCRIBED']);

function actions(p, refresh) {
  const id = p.prescriptionId;
  const parts = [];
  if (p.route === 'ROUTE_PHARMACY_SUPPLY') {
    const supplyRequest = newRequestId();
    parts.push(form({
      id: `supply-${id}`, title: 'Supplied', submit: 'Record as supplied',
      fields: [{ name: 'note', label: 'Note (optional)', type: 'textarea', api: ['note'] }],
      onSubmit: async (v) => {
        await call('POST', `/v1/prescriptions/${encodeURIComponent(id)}:supply`, { requestId: supplyRequest, note: v.note });
        refresh('Recorded as supplied.');
      },
    }));
    const notSuppliedRequest = newRequestId();
    parts.push(form({
      id: `not-supplied-${id}`, title: 'Not supplied', submit: 'Record as not supplied', warning: true,
      fields: [
        { name: 'reasonCode', label: 'Reason not supplied', type: 'select', options: notSuppliedReasons.map((r) => ({ value: r.code, text: r.display })), required: true, requiredMessage: 'Choose why it was not supplied', api: ['reason_code'] },
        { name: 'note', label: 'Note (optional)', type: 'textarea', api: ['note'] },
      ],
      onSubmit: async (v) => {
        await call('POST', `/v1/prescriptions/${encodeURIComponent(id)}:recordNotSupplied`, { requestId: notSuppliedRequest, reasonCode: v.reasonCode, note: v.note });
        refresh('Recorded as not supplied.');
      },
    }));
  } else {
    const dispenseRequest = newRequestId();
    parts.push(form({
      id: `dispense-${id}`, title: 'Dispensed', submit: 'Record as dispensed',
      fields: [{ name: 'note', label: 'Note (optional)', type: 'textarea', api: ['note'] }],
      onSubmit: async (v) => {
        await call('POST', `/v1/prescriptions/${encodeURIComponent(id)}:dispense`, { requestId: dispenseRequest, note: v.note });
        refresh('Recorded as dispensed.');
      },
    }));
  }
  return parts;
}

function request(p, refresh) {
  const kind = p.route === 'ROUTE_PHARMACY_SUPPLY' ? 'Supply request' : 'Prescription notice';
  return el('section', { class: 'console-panel', id: `request-${p.prescriptionId}` },
    el('h2', { class: 'nhsuk-heading-m', text: `${kind}: ${p.product ? p.product.display : ''}` }),
    summaryList([
      ['Patient', patientName(p.patient)],
      ['NHS number', nhsNumberText(p.patient && p.patient.nhsNumber)],
      ['Date of birth', p.patient && p.patient.dateOfBirth],
      ['Dose', p.doseText],
      ['Quantity', p.quantity ? `${p.quantity.value} ${p.quantity.unit}` : ''],
      ['Route', routeText(p.route)],
      ['Status', statusTag(p.status)],
      ['EPS prescription ID', p.epsPrescriptionId],
      ['Due', dateTime(p.dueAt)],
    ]),
    el('div', { class: 'console-actions' }, actions(p, refresh)));
}

async function showRequests(message) {
  const content = clear(byId('page-content'));
  const status = el('div', { id: 'pharmacy-status', role: 'status' });
  content.append(status);
  if (message) notice(status, message);
  try {
    const all = await listAll('/v1/prescriptions', {}, 'prescriptions');
    const open = all.filter((p) => OPEN.has(p.status) && (p.route === 'ROUTE_PHARMACY_SUPPLY' || p.status === 'PRESCRIPTION_STATUS_PRESCRIBED'));
    const list = el('div', { id: 'pharmacy-requests' });
    content.append(el('h2', { id: 'requests-heading', text: `Waiting for you (${open.length})` }), list);
    if (open.length === 0) notice(list, 'No supply request or prescription notice is waiting.');
    for (const p of open) list.append(request(p, showRequests));
  } catch (error) {
    showLoadError(content, error);
  }
}

startPage('pharmacy', async () => {
  try {
    ({ notSuppliedReasons = [] } = await call('GET', '/console/api/reasons'));
  } catch {
    notSuppliedReasons = [];
  }
  showRequests('');
});
