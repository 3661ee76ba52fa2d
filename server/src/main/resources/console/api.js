// The console's only back end: POST /console/api with Action=… form parameters, answered by the same OpenAPI the SDK
// calls. The CSRF token lives in memory only (never in storage); the session itself is an HttpOnly cookie.
let csrfToken = null;
let onSignedOut = () => {};

export class ApiError extends Error {
  constructor(status, code, message, requestId) {
    super(message);
    this.status = status;
    this.code = code;
    this.requestId = requestId;
  }
}

export function whenSignedOut(callback) { onSignedOut = callback; }

async function post(path, params, withToken) {
  const headers = {};
  if (withToken) headers['X-CSRF-Token'] = csrfToken || '';
  let response;
  try {
    response = await fetch(path, { method: 'POST', headers, body: new URLSearchParams(params), credentials: 'same-origin', cache: 'no-store' });
  } catch (e) {
    throw new ApiError(0, 'NetworkError', String(e.message || e));
  }
  return read(response);
}

async function read(response) {
  let body = null;
  try { body = await response.json(); } catch (e) { /* not JSON: reported below */ }
  if (!response.ok) {
    const error = new ApiError(response.status, body?.Code || ('HTTP' + response.status),
      body?.Message || response.statusText, body?.RequestId);
    if (response.status === 401) onSignedOut();
    throw error;
  }
  return body;
}

/** Runs one OpenAPI action; resolves with its response document, rejects with an ApiError. */
export function call(action, params = {}) {
  return post('/console/api', { Action: action, Format: 'JSON', ...params }, true);
}

export async function signIn(accessKeyId, accessKeySecret) {
  const s = await post('/console/api/signin', { AccessKeyId: accessKeyId, AccessKeySecret: accessKeySecret }, false);
  csrfToken = s.CsrfToken;
  return s;
}

/** The session of this browser's cookie, if it is still live (a reload keeps the console signed in). */
export async function resume() {
  const response = await fetch('/console/api/session', { credentials: 'same-origin', cache: 'no-store' });
  if (response.status === 401) return null;
  const s = await read(response);
  csrfToken = s.CsrfToken;
  return s;
}

export async function signOut() {
  try {
    await post('/console/api/signout', {}, true);
  } finally {
    csrfToken = null;
  }
}

/** Every page of a paged list action (the API caps PageSize at 50 for domains). */
export async function all(action, params, pageParam, items) {
  const out = [];
  for (let page = 1; page < 1000; page++) {
    const r = await call(action, { ...params, [pageParam]: page, PageSize: 50 });
    const batch = items(r) || [];
    out.push(...batch);
    const total = r.TotalCount ?? r.TotalNum ?? 0;
    if (batch.length === 0 || out.length >= total) break;
  }
  return out;
}

/** All domains, from DescribeLiveUserDomains. */
export function domains() {
  return all('DescribeLiveUserDomains', {}, 'PageNumber', r => r.Domains?.PageData);
}
