// The one client of the ledger's HTTP API (/v1). Cookies go same-origin; state-changing
// requests carry the session's CSRF token; error answers become ApiError.

export class ApiError extends Error {
  constructor(status, code, message, extra = {}) {
    super(message || code || `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.code = code || (status === 0 ? 'NETWORK' : `HTTP_${status}`);
    Object.assign(this, extra);
  }
}

let csrfToken = '';
let onUnauthorized = () => {};

export function setCsrf(token) {
  csrfToken = token || '';
}

// Called on any 401 except from the sign-in request itself.
export function setUnauthorizedHandler(fn) {
  onUnauthorized = fn;
}

export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

async function request(method, path, { body, params, text = false, quiet401 = false } = {}) {
  const headers = { Accept: text ? '*/*' : 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let res;
  try {
    res = await fetch(path + query(params), {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new ApiError(0, 'NETWORK', e.message);
  }
  if (!res.ok) {
    let err = {};
    try {
      err = (await res.json()).error || {};
    } catch {
      /* not JSON */
    }
    const retryAfter = Number(err.retryAfter ?? res.headers.get('Retry-After')) || undefined;
    const e = new ApiError(res.status, err.code, err.message, { index: err.index, retryAfter });
    if (res.status === 401 && !quiet401) onUnauthorized(e);
    throw e;
  }
  if (text) return res.text();
  return res.json();
}

const get = (path, params, opts) => request('GET', path, { params, ...opts });
const post = (path, body, opts) => request('POST', path, { body, ...opts });
const del = (path) => request('DELETE', path);
const seg = encodeURIComponent;

export const api = {
  // session
  signIn: (login, password) => post('/v1/session', { login, password }, { quiet401: true }),
  session: () => get('/v1/session', undefined, { quiet401: true }),
  signOut: () => del('/v1/session'),
  policy: () => get('/v1/policy'),

  // views (minSeq: wait until the views include that event)
  overview: (minSeq) => get('/v1/overview', { minSeq }),
  studios: (minSeq) => get('/v1/studios', { minSeq }),
  studio: (id, minSeq) => get(`/v1/studios/${seg(id)}`, { minSeq }),
  studioItems: (id, minSeq) => get(`/v1/studios/${seg(id)}/items`, { minSeq }),
  timeline: (id, before, limit = 20) => get(`/v1/studios/${seg(id)}/timeline`, { before, limit }),
  flags: (studio, minSeq) => get('/v1/flags', { studio, minSeq }),
  findings: (open, minSeq) => get('/v1/findings', { open: open ? 'true' : undefined, minSeq }),
  members: (minSeq) => get('/v1/members', { minSeq }),
  member: (id, minSeq) => get(`/v1/members/${seg(id)}`, { minSeq }),
  memberRecord: (id, year, minSeq) => get(`/v1/members/${seg(id)}/record`, { year, minSeq }),
  committees: (minSeq) => get('/v1/committees', { minSeq }),
  committee: (id, minSeq) => get(`/v1/committees/${seg(id)}`, { minSeq }),

  // events
  append: (event) => post('/v1/events', event),
  events: (from, limit) => get('/v1/events', { from, limit }),
  history: (seq) => get(`/v1/events/${seg(seq)}/history`),

  // reports
  reportUrl: (params) => `/v1/reports${query(params)}`,
  // the member's annual file (PDF, HTML or JSON), as a download link
  memberFileUrl: (id, year, format) => `/v1/members/${seg(id)}/file${query({ year, format, download: 1 })}`,
  report: (params) => get('/v1/reports', params, { text: params.format !== 'json' }),
  // the periodic notice (履职通报) of a period, and the views as a workbook, as download links
  noticeUrl: (period, format) => `/v1/notice${query({ period, format, download: 1 })}`,
  notice: (period) => get('/v1/notice', { period, format: 'json' }),
  viewsWorkbookUrl: () => '/v1/views.xlsx?download=1',

  // audit
  head: () => get('/v1/audit/head'),
  pubkey: () => get('/v1/audit/pubkey'),
  inclusion: (seq, size) => get('/v1/audit/proof/inclusion', { seq, size }),

  // administration
  users: () => get('/v1/users'),
  addUser: (user) => post('/v1/users', user),
  updateUser: (login, change) => post(`/v1/users/${seg(login)}`, change),
  resetPassword: (login) => post(`/v1/users/${seg(login)}/password`, {}),
  tokens: () => get('/v1/tokens'),
  addToken: (token) => post('/v1/tokens', token),
  revokeToken: (name) => del(`/v1/tokens/${seg(name)}`),
  accessHistory: () => get('/v1/access/history'),
};
