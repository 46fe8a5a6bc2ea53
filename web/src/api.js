// Calls srclink's JSON API (docs/API.md) with the API key kept in this
// browser's localStorage, if any. Every failure becomes an ApiError carrying
// the server's {"error": {code, message, field}}, so pages can show it.

const KEY = 'srclink.apiKey';

export function apiKey() {
  try {
    return localStorage.getItem(KEY) || '';
  } catch {
    return '';
  }
}

export function setApiKey(key) {
  if (key) localStorage.setItem(KEY, key);
  else localStorage.removeItem(KEY);
}

export class ApiError extends Error {
  constructor(status, code, message, field, url) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
    this.url = url;
  }
  // 401 or 403: the page asks for a key instead of showing the data.
  get needsKey() {
    return this.status === 401 || this.status === 403;
  }
}

// GET path?params → parsed JSON. Parameters that are "" or null are left out.
export async function api(path, params = {}) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== '' && v !== null && v !== undefined) q.set(k, v);
  }
  const url = q.toString() ? `${path}?${q}` : path;
  const headers = {Accept: 'application/json'};
  const key = apiKey();
  if (key) headers.Authorization = `Bearer ${key}`;
  let res;
  try {
    res = await fetch(url, {headers});
  } catch (e) {
    throw new ApiError(0, 'unavailable', `srclink did not answer ${url}: ${e.message}`, '', url);
  }
  const text = await res.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    if (res.ok) throw new ApiError(res.status, 'internal', `${url} answered something that is not JSON`, '', url);
  }
  if (!res.ok) {
    const e = (body && body.error) || {};
    throw new ApiError(res.status, e.code || `http_${res.status}`,
                       e.message || `${url} answered ${res.status} ${res.statusText}`, e.field || '', url);
  }
  return body;
}
