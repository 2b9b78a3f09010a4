// The console's one way to the gateway: the /v1 JSON API and the console
// session, same origin, never cached. Unsafe methods carry the session's
// anti-CSRF token. Errors come back as google.rpc.Status JSON and are thrown
// as ApiError so forms can show the field violations.
let csrfToken = '';

export class ApiError extends Error {
  constructor(httpStatus, body) {
    super(body && body.message ? body.message : `The gateway answered ${httpStatus}`);
    this.httpStatus = httpStatus;
    this.code = body && body.code;
    this.fieldViolations = [];
    for (const detail of (body && body.details) || []) {
      for (const v of detail.fieldViolations || []) this.fieldViolations.push(v);
    }
  }
}

export async function call(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET') headers['X-CSRF-Token'] = csrfToken;
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
    cache: 'no-store',
    redirect: 'error',
  });
  const text = await response.text();
  let json = {};
  try {
    json = text ? JSON.parse(text) : {};
  } catch {
    json = { message: `The gateway answered ${response.status} without JSON` };
  }
  if (!response.ok) throw new ApiError(response.status, json);
  return json;
}

// A query string from an object of record ids and enum names (never patient
// details: the console has none to put there).
export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === '' || value === false) continue;
    search.append(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

// Every page of a list, up to `limit` items.
export async function listAll(path, params, field, limit = 1000) {
  const items = [];
  let pageToken = '';
  do {
    const page = await call('GET', path + query({ ...params, page_size: 200, page_token: pageToken }));
    items.push(...(page[field] || []));
    pageToken = page.nextPageToken || '';
  } while (pageToken && items.length < limit);
  return items;
}

export async function loadSession() {
  const session = await call('GET', '/console/api/session');
  csrfToken = session.csrfToken || '';
  return session;
}

export async function signIn(register, number, displayName) {
  const session = await call('POST', '/console/api/session', { register, number, displayName });
  if (session.csrfToken) csrfToken = session.csrfToken;
  return session;
}

export async function signOut() {
  await call('DELETE', '/console/api/session');
}

// One per form as shown: a resubmission of the same form is the same request
// and the gateway answers it once (request_id idempotency).
export function newRequestId() {
  return crypto.randomUUID();
}
