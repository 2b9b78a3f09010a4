// A prescription's timeline that updates live: the stored events first
// (GET .../timeline), then EventSource('/v1/events') from the last sequence
// seen, so nothing between the two is lost and a reconnect resumes by
// Last-Event-ID. Only the prescription's record id goes in the URL.
import { call, query } from './api.js';
import { clear, dateTime, el, eventText, organisationText, statusText } from './ui.js';

let source = null;

export function stopLive() {
  if (source) source.close();
  source = null;
}

function eventLine(e) {
  const parts = [eventText(e.type)];
  if (e.fromStatus || e.toStatus) parts.push(`${statusText(e.fromStatus) || 'new'} to ${statusText(e.toStatus)}`);
  const who = [];
  if (e.actor && e.actor.organisation) who.push(organisationText(e.actor.organisation));
  if (e.actor && e.actor.practitioner && e.actor.practitioner.displayName) who.push(e.actor.practitioner.displayName);
  if (who.length) parts.push(`by ${who.join(', ')}`);
  if (e.reasonDisplay || e.reasonCode) parts.push(`reason: ${e.reasonDisplay || e.reasonCode}`);
  return el('li', { 'data-sequence': e.sequence },
    el('time', { datetime: e.occurredAt || '', text: dateTime(e.occurredAt) }), ' \u2014 ', parts.join(', '));
}

// Fills `list` with the timeline of `prescriptionId` and keeps it live;
// `onEvent` is called after each live event (to refresh the status shown).
export async function showTimeline(prescriptionId, list, liveStatus, onEvent) {
  stopLive();
  const { events = [] } = await call('GET', `/v1/prescriptions/${encodeURIComponent(prescriptionId)}/timeline`);
  clear(list);
  let last = 0;
  for (const e of events) {
    list.append(eventLine(e));
    last = Math.max(last, Number(e.sequence || 0));
  }
  source = new EventSource(`/v1/events${query({ prescription_id: prescriptionId, after_sequence: last })}`);
  source.addEventListener('open', () => { liveStatus.textContent = 'Live: new events appear here as they happen.'; });
  source.addEventListener('error', () => { liveStatus.textContent = 'Live updates paused; reconnecting\u2026'; });
  source.addEventListener('timeline', (message) => {
    const e = JSON.parse(message.data);
    if (e.prescriptionId && e.prescriptionId !== prescriptionId) return;
    if (Number(e.sequence || 0) <= last) return;
    last = Number(e.sequence);
    list.append(eventLine(e));
    if (onEvent) onEvent(e);
  });
}
