// api.js: every call to the JSON API goes through api().  It sends and
// reads JSON, adds the session's CSRF token to changes, and turns the API's
// error envelope {error, message, field, group, item} into an ApiError that
// views show to the user (next to the input the envelope's "field" names).

let csrfToken = null;
let onUnauthenticated = null;

export class ApiError extends Error {
  constructor(status, code, message, retryAfter, where = {}) {
    super(message || code);
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
    // the input the server says the error is about; an item route's error
    // also names the repeating group and item number
    this.field = where.field || null;
    this.group = where.group || null;
    this.item = where.item || null;
  }
}

export function setCsrf(token) { csrfToken = token || null; }
export function whenUnauthenticated(fn) { onUnauthenticated = fn; }

export async function api(method, path, body, opts = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  if (opts.ifMatch) headers['If-Match'] = `"${opts.ifMatch}"`;
  let r;
  try {
    r = await fetch(path, {
      method, headers, credentials: 'same-origin', cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new ApiError(0, 'network', '');
  }
  let data = null;
  const text = await r.text();
  if (text) {
    try { data = JSON.parse(text); } catch (e) { data = null; }
  }
  if (!r.ok) {
    const code = (data && data.error) || 'other';
    const err = new ApiError(r.status, code, (data && data.message) || r.statusText,
      r.headers.get('Retry-After'), data || {});
    if (r.status === 401 && code === 'unauthenticated' && !opts.noRedirect && onUnauthenticated) onUnauthenticated();
    throw err;
  }
  return data;
}

// The case fields a message names ("prs_Birthdate: '2020-13-01' is not ...",
// "events item 1: hte_Type is required", "'foo' is not a field"), so the
// form can show the message beside that field.
export function fieldsNamed(message) {
  const out = [];
  const re = /\b([a-z]{2,4}_[A-Za-z]+)\b/g;
  let m;
  while ((m = re.exec(message || ''))) out.push(m[1]);
  return out;
}
