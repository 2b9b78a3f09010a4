// The start page: says which organisation the certificate names and links
// to that organisation's page.
import { pagesFor, REPORTS_PAGE, startPage } from './common.js';
import { byId, clear, el } from './ui.js';

startPage(null, (session) => {
  const content = clear(byId('page-content'));
  const pages = pagesFor(session.role);
  if (pages.length === 0) {
    content.append(el('p', { id: 'no-console-role', text: `The console has no page for the role ${session.role}. Use the gRPC, FHIR or HL7 interfaces, or the HTTP/JSON API (/v1/openapi.json).` }));
    return;
  }
  content.append(
    el('p', { text: pages.length > 1 ? 'Open your organisation\u2019s pages:' : 'Open your organisation\u2019s page:' }),
    el('ul', { class: 'nhsuk-list' }, pages.map((page, i) => el('li', {}, el('a', {
      class: 'nhsuk-link', id: page === REPORTS_PAGE ? 'reports-page-link' : (i === 0 ? 'role-page-link' : undefined), href: page.href, text: page.name,
    })))));
}, { needsPractitioner: false });
