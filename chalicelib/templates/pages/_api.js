// One client of the JSON API for the citizen page and the staff console. A problem document
// (RFC 9457) becomes an ApiError in the page's language; a 401 ends the page's session.
// The page provides BASE, token(), t(), lang and onSessionEnded().
class ApiError extends Error {
  constructor(message, status, problem) { super(message); this.status = status; this.problem = problem; }
}
// The successful response of a call (any type: the page reads it), or an ApiError.
async function apiResponse(method, path, body, headers) {
  const h = Object.assign({"Accept": "application/json"}, headers || {});
  if (body !== undefined) h["Content-Type"] = "application/json";
  if (token()) h["Authorization"] = "Bearer " + token();
  let response;
  try { response = await fetch(BASE + path.replace(/^\//, ""), {method, headers: h, body: body === undefined ? undefined : JSON.stringify(body)}); }
  catch (e) { throw new ApiError(t("network"), 0, null); }
  if (!response.ok) {
    const data = await response.json().catch(() => ({}));
    if (response.status === 401 && token()) onSessionEnded();
    const msg = (data.messages && data.messages[lang]) || data.title || response.statusText;
    const fields = (data.errors || []).map((e) => (e.field ? e.field + ": " : "") + ((e.message && e.message[lang]) || e.code));
    if (data.tracking_number) fields.push(data.tracking_number);
    throw new ApiError([msg].concat(fields).join(" — "), response.status, data);
  }
  return response;
}
// A JSON call: its answer (null for 204).
async function api(method, path, body, headers) {
  const response = await apiResponse(method, path, body, headers);
  if (response.status === 204) return null;
  return response.json().catch(() => ({}));
}
