// DOM helpers in the NHS design system's markup. Text only (textContent):
// nothing the gateway returns is ever parsed as HTML.
import { ApiError } from './api.js';

export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

export function byId(id) {
  return document.getElementById(id);
}

const ACRONYMS = { gp: 'GP', fhir: 'FHIR', https: 'HTTPS', hl7v2: 'HL7 v2', mllp: 'MLLP', co: 'CO', eps: 'EPS', nrt: 'NRT' };

// PRESCRIPTION_STATUS_APPOINTMENT_REQUIRED -> "Appointment required".
export function enumText(value, prefix) {
  if (!value) return '';
  const words = (value.startsWith(prefix) ? value.slice(prefix.length) : value).toLowerCase().split('_');
  const text = words.map((w) => ACRONYMS[w] || w).join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

// "1 referral", "3 referrals".
export function count(n, singular, plural = `${singular}s`) {
  return `${n} ${n === 1 ? singular : plural}`;
}

// A visually hidden end to a button's name, so each "Open" in a table says
// which row it opens to a screen reader.
export function hidden(text) {
  return el('span', { class: 'nhsuk-u-visually-hidden', text });
}
export const statusText = (s) => enumText(s, 'PRESCRIPTION_STATUS_');
export const routeText = (r) => enumText(r, 'ROUTE_');
export const referralStatusText = (s) => enumText(s, 'REFERRAL_STATUS_');
export const eventText = (t) => enumText(t, 'EVENT_TYPE_');

export function dateTime(timestamp) {
  if (!timestamp) return '';
  const d = new Date(timestamp);
  return d.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
}

// "3 days 4 hours" between then and now.
export function howLong(sinceTimestamp, now = Date.now()) {
  if (!sinceTimestamp) return '';
  let minutes = Math.max(0, Math.floor((now - new Date(sinceTimestamp).getTime()) / 60000));
  const days = Math.floor(minutes / 1440);
  minutes -= days * 1440;
  const hours = Math.floor(minutes / 60);
  minutes -= hours * 60;
  const parts = [];
  if (days) parts.push(`${days} day${days === 1 ? '' : 's'}`);
  if (hours) parts.push(`${hours} hour${hours === 1 ? '' : 's'}`);
  if (!days) parts.push(`${minutes} minute${minutes === 1 ? '' : 's'}`);
  return parts.join(' ');
}

export function organisationText(org) {
  if (!org) return '';
  return org.name ? `${org.name} (${org.odsCode})` : org.odsCode || '';
}

export function patientName(patient) {
  if (!patient) return '';
  return [patient.givenName, patient.familyName].filter(Boolean).join(' ');
}

// NHS numbers as people read them: 943 476 5919.
export function nhsNumberText(nhsNumber) {
  if (!nhsNumber || nhsNumber.length !== 10) return nhsNumber || '';
  return `${nhsNumber.slice(0, 3)} ${nhsNumber.slice(3, 6)} ${nhsNumber.slice(6)}`;
}

export function tag(text, colour) {
  return el('strong', { class: `nhsuk-tag${colour ? ` nhsuk-tag--${colour}` : ''}`, text });
}

export function statusTag(status) {
  const colours = {
    PRESCRIPTION_STATUS_RECOMMENDED: 'grey',
    PRESCRIPTION_STATUS_SENT: 'blue',
    PRESCRIPTION_STATUS_ACKNOWLEDGED: 'aqua-green',
    PRESCRIPTION_STATUS_PRESCRIBED: 'green',
    PRESCRIPTION_STATUS_DISPENSED: 'green',
    PRESCRIPTION_STATUS_SUPPLIED: 'green',
    PRESCRIPTION_STATUS_DECLINED: 'red',
    PRESCRIPTION_STATUS_NOT_SUPPLIED: 'red',
    PRESCRIPTION_STATUS_APPOINTMENT_REQUIRED: 'yellow',
    PRESCRIPTION_STATUS_CANCELLED: 'grey',
    PRESCRIPTION_STATUS_EXPIRED: 'orange',
  };
  return tag(statusText(status), colours[status]);
}

// A table with a caption; `rows` are arrays of cells (text or nodes).
export function table(caption, headings, rows, id) {
  return el('table', { class: 'nhsuk-table', id },
    el('caption', { class: 'nhsuk-table__caption', text: caption }),
    el('thead', { class: 'nhsuk-table__head' },
      el('tr', {}, headings.map((h) => el('th', { scope: 'col', class: 'nhsuk-table__header' }, h || hidden('Action'))))),
    el('tbody', { class: 'nhsuk-table__body' },
      rows.map((cells) => el('tr', { class: 'nhsuk-table__row' },
        cells.map((c) => el('td', { class: 'nhsuk-table__cell' }, c))))));
}

export function summaryList(pairs, id) {
  return el('dl', { class: 'nhsuk-summary-list', id },
    pairs.filter(([, v]) => v !== undefined && v !== '' && v !== null).map(([k, v]) =>
      el('div', { class: 'nhsuk-summary-list__row' },
        el('dt', { class: 'nhsuk-summary-list__key', text: k }),
        el('dd', { class: 'nhsuk-summary-list__value' }, v))));
}

export function button(text, onclick, { secondary = false, warning = false, id, context } = {}) {
  let cls = 'nhsuk-button';
  if (secondary) cls += ' nhsuk-button--secondary';
  if (warning) cls += ' nhsuk-button--warning';
  return el('button', { type: 'button', class: `${cls} nhsuk-button--small`, id, onclick }, text, context ? hidden(` ${context}`) : null);
}

export function inset(text, id) {
  return el('div', { class: 'nhsuk-inset-text', id }, el('span', { class: 'nhsuk-u-visually-hidden', text: 'Information: ' }), el('p', { text }));
}

export function notice(container, text) {
  clear(container).append(el('div', { class: 'nhsuk-inset-text', role: 'status' }, el('p', { text })));
}

// A problem loading something: shown where the thing would be.
export function showLoadError(container, error) {
  clear(container).append(el('div', { class: 'nhsuk-error-summary', role: 'alert', tabindex: '-1' },
    el('h2', { class: 'nhsuk-error-summary__title', text: 'There is a problem' }),
    el('div', { class: 'nhsuk-error-summary__body' }, el('p', { text: error.message }))));
}

// A form in the design system's pattern: a label for every field, hints, an
// error summary at the top linking to each field in error, the message by the
// field, focus on the summary. `fields`: {name, label, type: text|select|
// textarea|radios|date|number, options: [{value, text}], hint, required,
// check(value) -> message, api: [field paths the gateway may name]}.
// onSubmit(values) may throw ApiError; its field violations land on fields.
export function form({ id, title, fields, submit, onSubmit, warning = false }) {
  const summary = el('div', { class: 'nhsuk-error-summary', 'aria-labelledby': `${id}-error-title`, role: 'alert', tabindex: '-1', hidden: true },
    el('h2', { class: 'nhsuk-error-summary__title', id: `${id}-error-title`, text: 'There is a problem' }),
    el('div', { class: 'nhsuk-error-summary__body' }, el('ul', { class: 'nhsuk-list nhsuk-error-summary__list' })));
  const groups = {};
  const inputs = {};
  const formNode = el('form', { id, novalidate: true, class: 'console-form' });
  if (title) formNode.append(el('h3', { text: title }));
  formNode.append(summary);
  for (const field of fields) {
    const inputId = `${id}-${field.name}`;
    const hintId = field.hint ? `${inputId}-hint` : undefined;
    let input;
    if (field.type === 'select') {
      input = el('select', { class: 'nhsuk-select', id: inputId, name: field.name, 'aria-describedby': hintId },
        el('option', { value: '', text: field.placeholder || 'Choose one' }),
        (field.options || []).map((o) => el('option', { value: o.value, text: o.text })));
    } else if (field.type === 'textarea') {
      input = el('textarea', { class: 'nhsuk-textarea', id: inputId, name: field.name, rows: '3', 'aria-describedby': hintId });
    } else {
      input = el('input', {
        class: `nhsuk-input${field.width ? ` nhsuk-input--width-${field.width}` : ''}`,
        id: inputId, name: field.name, type: field.type || 'text',
        autocomplete: 'off', spellcheck: 'false', 'aria-describedby': hintId,
        inputmode: field.inputmode, step: field.step,
      });
    }
    if (field.value !== undefined) input.value = field.value;
    inputs[field.name] = input;
    const group = el('div', { class: 'nhsuk-form-group' },
      el('label', { class: 'nhsuk-label', for: inputId, text: field.label }),
      field.hint ? el('div', { class: 'nhsuk-hint', id: hintId, text: field.hint }) : null,
      el('span', { class: 'nhsuk-error-message', id: `${inputId}-error`, hidden: true }),
      input,
      field.live ? el('div', { class: 'nhsuk-body-s console-live', id: `${inputId}-live`, 'aria-live': 'polite' }) : null);
    groups[field.name] = group;
    formNode.append(group);
    if (field.live) {
      input.addEventListener('input', () => {
        const message = field.check ? field.check(input.value.trim()) : '';
        const live = byId(`${inputId}-live`);
        live.textContent = input.value.trim() === '' ? '' : (message || field.live);
        live.className = `nhsuk-body-s console-live ${message ? 'console-live--bad' : 'console-live--good'}`;
      });
    }
  }
  const submitButton = el('button', { type: 'submit', class: `nhsuk-button${warning ? ' nhsuk-button--warning' : ''}`, id: `${id}-submit`, text: submit });
  formNode.append(submitButton);

  function showErrors(errors) {
    const list = summary.querySelector('ul');
    clear(list);
    for (const [name, group] of Object.entries(groups)) {
      group.classList.remove('nhsuk-form-group--error');
      const message = group.querySelector('.nhsuk-error-message');
      message.hidden = true;
      clear(message);
      inputs[name].classList.remove('nhsuk-input--error', 'nhsuk-select--error', 'nhsuk-textarea--error');
      const hint = fields.find((f) => f.name === name).hint ? `${id}-${name}-hint` : '';
      if (hint) inputs[name].setAttribute('aria-describedby', hint); else inputs[name].removeAttribute('aria-describedby');
    }
    summary.hidden = errors.length === 0;
    for (const { name, message } of errors) {
      const target = name && groups[name] ? `${id}-${name}` : `${id}-${fields[0].name}`;
      list.append(el('li', {}, el('a', { href: `#${target}`, text: message })));
      if (name && groups[name]) {
        const group = groups[name];
        group.classList.add('nhsuk-form-group--error');
        const messageNode = group.querySelector('.nhsuk-error-message');
        messageNode.hidden = false;
        messageNode.append(el('span', { class: 'nhsuk-u-visually-hidden', text: 'Error: ' }), message);
        const input = inputs[name];
        input.classList.add(input.tagName === 'SELECT' ? 'nhsuk-select--error' : input.tagName === 'TEXTAREA' ? 'nhsuk-textarea--error' : 'nhsuk-input--error');
        input.setAttribute('aria-describedby', [input.getAttribute('aria-describedby'), `${target}-error`].filter(Boolean).join(' '));
      }
    }
    if (errors.length) summary.focus();
  }

  // An error summary link moves focus to its field (keyboard users too).
  summary.addEventListener('click', (event) => {
    const link = event.target.closest('a');
    if (!link) return;
    event.preventDefault();
    const input = byId(link.getAttribute('href').slice(1));
    if (input) input.focus();
  });

  formNode.addEventListener('submit', async (event) => {
    event.preventDefault();
    const values = {};
    const errors = [];
    for (const field of fields) {
      const value = inputs[field.name].value.trim();
      values[field.name] = value;
      if (field.required && value === '') errors.push({ name: field.name, message: field.requiredMessage || `Enter ${field.label.toLowerCase()}` });
      else if (field.check && value !== '') {
        const message = field.check(value);
        if (message) errors.push({ name: field.name, message });
      }
    }
    showErrors(errors);
    if (errors.length) return;
    submitButton.disabled = true;
    try {
      await onSubmit(values);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      const found = [];
      for (const v of error.fieldViolations) {
        const field = fields.find((f) => f.name === v.field || (f.api || []).includes(v.field));
        found.push({ name: field ? field.name : '', message: v.description || error.message });
      }
      if (found.length === 0) found.push({ name: '', message: error.message });
      showErrors(found);
    } finally {
      submitButton.disabled = false;
    }
  });
  return formNode;
}
