// One client of the JSON API for the citizen page (citizen.js) and the staff console (staff.js), loaded before
// either. A problem document (RFC 9457) becomes an ApiError in the page's language; a 401 while a session is
// held ends that session. Served from our own origin (/static/api.js?v=<hash>), never inline.
"use strict";
class ApiError extends Error {
  constructor(message, status, problem) { super(message); this.status = status; this.problem = problem || {}; }
}
// The page says where the API is and how it words things:
//   base            the API's address relative to the page ("/", "/api/", ...)
//   token()         the ID token of the session, or null
//   networkText()   the sentence for "cannot connect", in the page's language
//   describe(data)  the sentence for a problem document, in the page's language
//   sessionEnded()  called on a 401 while a token was held
// and gets {apiResponse, api} back.
function apiClient(page) {
  // The successful response of a call (any type: the page reads it), or an ApiError.
  async function apiResponse(method, path, body, headers) {
    const h = Object.assign({"Accept": "application/json"}, headers || {});
    if (body !== undefined) h["Content-Type"] = "application/json";
    const token = page.token();
    if (token) h["Authorization"] = "Bearer " + token;
    let response;
    try { response = await fetch(page.base + path.replace(/^\//, ""), {method, headers: h, body: body === undefined ? undefined : JSON.stringify(body)}); }
    catch (e) { throw new ApiError(page.networkText(), 0, null); }
    if (!response.ok) {
      const data = await response.json().catch(() => ({}));
      if (response.status === 401 && token) page.sessionEnded();
      const error = new ApiError(page.describe(data) || response.statusText, response.status, data);
      error.retryAfter = Number(response.headers.get("Retry-After")) || null;  // a limit says when to come back
      throw error;
    }
    return response;
  }
  // A JSON call: its answer (null for 202 and 204, which carry none).
  async function api(method, path, body, headers) {
    const response = await apiResponse(method, path, body, headers);
    return response.status === 204 || response.status === 202 ? null : response.json().catch(() => ({}));
  }
  return {apiResponse, api};
}
