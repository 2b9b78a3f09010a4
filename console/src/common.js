// What every console page does first: load the session (which organisation
// the browser's certificate names, its role, the named practitioner, the
// anti-CSRF token), show who is using the console, and hand over to the
// page. The design system's scripts run as an ES module (no inline script).
import { initAll } from '/console/nhsuk/nhsuk-frontend.min.js';
import { loadSession, signIn, signOut } from './api.js';
import { byId, clear, el, form, organisationText, showLoadError } from './ui.js';

export const PAGES = {
  tobacco_service: { href: '/console/service.html', name: 'Tobacco dependency service' },
  gp: { href: '/console/gp.html', name: 'GP practice' },
  pharmacy: { href: '/console/pharmacy.html', name: 'Community pharmacy' },
  admin: { href: '/console/admin.html', name: 'Gateway operations' },
};

// The reports page (issue 14): the roles ReportService answers (a service
// its referrals, a GP practice its patients, an ICB commissioner its mapped
// organisations); admin and everyone else see none of it.
export const REPORTS_PAGE = { href: '/console/reports.html', name: 'Reports' };
export const REPORT_ROLES = ['tobacco_service', 'gp', 'icb_commissioner'];
const ROLE_NAMES = { icb_commissioner: 'Integrated care board commissioner' };

export function roleName(role) {
  if (PAGES[role]) return PAGES[role].name;
  return ROLE_NAMES[role] || role;
}

// The pages a role sees, its own first.
export function pagesFor(role) {
  const pages = [];
  if (PAGES[role]) pages.push(PAGES[role]);
  if (REPORT_ROLES.includes(role)) pages.push(REPORTS_PAGE);
  return pages;
}

// Links to the role's other pages, above the heading.
function renderNav(role) {
  const main = byId('maincontent');
  const pages = pagesFor(role);
  if (!main || pages.length < 2 || byId('console-nav')) return;
  const here = window.location.pathname;
  main.prepend(el('nav', { id: 'console-nav', class: 'console-nav', 'aria-label': 'Console pages' },
    el('ul', { class: 'nhsuk-list console-nav__list' }, pages.map((p) => el('li', {},
      p.href === here
        ? el('a', { class: 'nhsuk-link', href: p.href, 'aria-current': 'page', text: p.name })
        : el('a', { class: 'nhsuk-link', href: p.href, text: p.name }))))));
}

const REGISTERS = [
  { value: 'GMC', text: 'GMC (doctors)' },
  { value: 'NMC', text: 'NMC (nurses)' },
  { value: 'GPHC', text: 'GPhC (pharmacists, pharmacy technicians)' },
  { value: 'HCPC', text: 'HCPC (allied health professionals)' },
  { value: 'LOCAL', text: 'Local staff number' },
];

function practitionerText(p) {
  if (!p) return '';
  const register = p.register || '';
  return `${p.displayName || ''} (${register} ${p.number || p.identifier || ''})`.trim();
}

// Who acts in this browser: the person's name and professional registration,
// asked for before any clinical action (the certificate names no person).
function renderPractitioner(session, onChange) {
  const panel = byId('practitioner-panel');
  if (!panel) return;
  clear(panel);
  if (session.practitioner) {
    panel.append(
      el('p', { class: 'nhsuk-body-s', id: 'practitioner-name' },
        'Acting as ', el('strong', { text: practitionerText(session.practitioner) })),
      el('button', {
        type: 'button', class: 'nhsuk-button nhsuk-button--secondary nhsuk-button--small', id: 'practitioner-sign-out',
        text: 'Change person',
        onclick: async () => {
          await signOut();
          onChange(await loadSession());
        },
      }));
    return;
  }
  panel.append(
    el('h2', { class: 'nhsuk-heading-s', text: 'Who is using the console?' }),
    el('p', { class: 'nhsuk-body-s', text: 'Prescribing, declining, supplying and dispensing record the person who did it. Enter your professional registration.' }),
    form({
      id: 'practitioner-form',
      submit: 'Continue',
      fields: [
        { name: 'register', label: 'Professional register', type: 'select', options: REGISTERS, required: true, requiredMessage: 'Choose your professional register' },
        { name: 'number', label: 'Registration number', width: 10, required: true, requiredMessage: 'Enter your registration number' },
        { name: 'displayName', label: 'Your name', required: true, requiredMessage: 'Enter your name', api: ['display_name'] },
      ],
      onSubmit: async (v) => {
        await signIn(v.register, v.number, v.displayName);
        onChange(await loadSession());
      },
    }));
}

// The practitioner the session names, as the API's Practitioner message
// (recommended_by), or null before anyone has said who they are.
let currentPractitioner = null;
export function practitionerMessage() {
  const p = currentPractitioner;
  if (!p) return null;
  return { identifier: p.number, register: `PROFESSIONAL_REGISTER_${p.register}`, displayName: p.displayName };
}

// Starts a page for `role` (one role, a list of roles, or null for any);
// `render(session)` draws its content into #page-content. Another
// organisation's role is sent to its own page. `needsPractitioner` may be a
// function of the session.
export async function startPage(role, render, { needsPractitioner = true } = {}) {
  document.body.classList.add('js-enabled', 'nhsuk-frontend-supported');
  initAll();
  const content = byId('page-content');
  let session;
  try {
    session = await loadSession();
  } catch (error) {
    showLoadError(content, error);
    return;
  }
  byId('organisation').textContent = `${organisationText(session.organisation)} - ${roleName(session.role)}`;
  const roles = role === null ? null : [role].flat();
  if (roles && !roles.includes(session.role)) {
    const page = PAGES[session.role];
    const names = roles.map((r) => roleName(r).toLowerCase()).join(', a ').replace(/, a ([^,]*)$/, ' or a $1');
    clear(content).append(
      el('p', { id: 'wrong-page', text: `This page is for a ${names}. Your certificate names ${organisationText(session.organisation)}.` }),
      page ? el('a', { href: page.href, class: 'nhsuk-link', text: `Go to the ${page.name.toLowerCase()} page` }) : null);
    return;
  }
  renderNav(session.role);
  const redraw = (s) => {
    currentPractitioner = s.practitioner || null;
    const wanted = typeof needsPractitioner === 'function' ? needsPractitioner(s) : needsPractitioner;
    if (wanted) renderPractitioner(s, redraw);
    render(s);
  };
  redraw(session);
}
