// The start page: says which organisation the certificate names and links
// to that organisation's page.
import { PAGES, startPage } from './common.js';
import { byId, clear, el } from './ui.js';

startPage(null, (session) => {
  const content = clear(byId('page-content'));
  const page = PAGES[session.role];
  if (!page) {
    content.append(el('p', { id: 'no-console-role', text: `The console has no page for the role ${session.role}. Use the gRPC, FHIR or HL7 interfaces, or the HTTP/JSON API (/v1/openapi.json).` }));
    return;
  }
  content.append(
    el('p', { text: 'Open your organisation\u2019s page:' }),
    el('ul', { class: 'nhsuk-list' }, el('li', {}, el('a', { class: 'nhsuk-link', id: 'role-page-link', href: page.href, text: page.name }))));
}, { needsPractitioner: false });
