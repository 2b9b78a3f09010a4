// The operator: the outbox by destination, dead letters with replay and
// discard (a reason is required), audit chain verification. Deliveries are
// shown by message id, kind and destination: no patient data is requested or
// shown here.
import { call, listAll } from './api.js';
import { startPage } from './common.js';
import {
  button, byId, clear, count, dateTime, el, enumText, form, notice, showLoadError, summaryList, table,
} from './ui.js';

function section(id, heading) {
  return el('section', { class: 'console-panel', id, 'aria-labelledby': `${id}-heading` },
    el('h2', { id: `${id}-heading`, text: heading }), el('div', { id: `${id}-body` }, el('p', { text: 'Loading\u2026' })));
}

async function showOutbox() {
  const body = byId('outbox-body');
  try {
    const { destinations = [] } = await call('GET', '/v1/deliveries:stats');
    if (destinations.length === 0) {
      notice(body, 'The outbox is empty.');
      return;
    }
    clear(body).append(table('Outbox by destination', ['Destination', 'Channel', 'Pending', 'Dead letters', 'Delivered', 'Oldest pending'],
      destinations.map((d) => [d.destinationOds, enumText(d.channel, 'DELIVERY_CHANNEL_'), d.pending || '0', d.deadLetters || '0', d.delivered || '0',
        d.oldestPendingAgeSeconds ? `${Math.round(d.oldestPendingAgeSeconds / 60)} minutes` : '']), 'outbox-table'));
  } catch (error) {
    showLoadError(body, error);
  }
}

function discardForm(d) {
  return form({
    id: `discard-${d.messageId}`,
    submit: 'Discard',
    warning: true,
    fields: [{ name: 'reason', label: `Reason for discarding ${d.messageId}`, type: 'textarea', required: true, requiredMessage: 'Enter why this message is discarded', api: ['reason'] }],
    onSubmit: async (v) => {
      await call('POST', `/v1/deliveries/${encodeURIComponent(d.messageId)}:discard`, { reason: v.reason });
      refreshAll(`Discarded ${d.messageId}.`);
    },
  });
}

async function showDeadLetters() {
  const body = byId('dead-letters-body');
  try {
    const dead = await listAll('/v1/deliveries', { state: 'DELIVERY_STATE_DEAD_LETTER' }, 'deliveries');
    if (dead.length === 0) {
      notice(body, 'No dead letters.');
      return;
    }
    clear(body).append(table(count(dead.length, 'dead letter'), ['Message', 'Kind', 'Destination', 'Attempts', 'Last error', 'Since', 'Actions'],
      dead.map((d) => [d.messageId, enumText(d.kind, 'MESSAGE_KIND_'), d.destinationOds, String(d.attempts || 0), d.lastError || '', dateTime(d.updatedAt),
        el('div', {},
          button('Replay', async () => {
            try {
              await call('POST', `/v1/deliveries/${encodeURIComponent(d.messageId)}:replay`, {});
              refreshAll(`Queued ${d.messageId} again.`);
            } catch (error) {
              showLoadError(byId('admin-status'), error);
            }
          }, { id: `replay-${d.messageId}` }),
          el('details', { class: 'nhsuk-details' }, el('summary', { class: 'nhsuk-details__summary' }, el('span', { class: 'nhsuk-details__summary-text', text: 'Discard' })),
            el('div', { class: 'nhsuk-details__text' }, discardForm(d))))]), 'dead-letters-table'));
  } catch (error) {
    showLoadError(body, error);
  }
}

function showAudit() {
  const body = clear(byId('audit-body'));
  const result = el('div', { id: 'audit-result', 'aria-live': 'polite' });
  body.append(el('p', { text: 'Checks every row of the audit log against its hash chain and the signed checkpoints.' }),
    button('Verify the audit chain', async () => {
      notice(result, 'Verifying\u2026');
      try {
        const r = await call('POST', '/v1/audit:verify', {});
        clear(result).append(
          el('p', {}, el('strong', { class: `nhsuk-tag nhsuk-tag--${r.intact ? 'green' : 'red'}`, text: r.intact ? 'Intact' : 'Broken' })),
          summaryList([
            ['Rows checked', r.rowsChecked || '0'],
            ['Head sequence', r.headSequence || '0'],
            ['Checkpoints checked', String(r.checkpointsChecked || 0)],
            ['First broken row', r.firstBrokenSequence],
            ['Problem', r.problem],
          ], 'audit-summary'));
      } catch (error) {
        showLoadError(result, error);
      }
    }, { id: 'verify-audit' }),
    result);
}

function refreshAll(message) {
  if (message) notice(byId('admin-status'), message);
  showOutbox();
  showDeadLetters();
}

startPage('admin', () => {
  clear(byId('page-content')).append(
    el('div', { id: 'admin-status', role: 'status' }),
    section('outbox', 'Outbox by destination'),
    section('dead-letters', 'Dead letters'),
    section('audit', 'Audit chain'));
  refreshAll('');
  showAudit();
}, { needsPractitioner: false });
