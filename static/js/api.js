// Talking to Pathway's JSON API with the browser's session cookie.

import { language } from "./i18n.js";

let csrfToken = "";
let onSignedOut = () => {};

/** Remembers the session's CSRF token, sent with every change. */
export function setCSRF(token) { csrfToken = token || ""; }

/** Sets what happens when the server says the session has ended. */
export function whenSignedOut(fn) { onSignedOut = fn; }

/** A problem the API reported (RFC 9457), with its field errors. */
export class Problem extends Error {
  constructor(body, status) {
    super((body && (body.detail || body.title)) || "Something went wrong. Please try again.");
    this.status = status;
    this.errors = (body && Array.isArray(body.errors)) ? body.errors : [];
  }
}

/** Builds a query string from the set values of an object. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v !== undefined && v !== null && v !== "") q.set(k, String(v));
  }
  const s = q.toString();
  return s ? "?" + s : "";
}

/** Calls the API; resolves to the decoded JSON (null for 204) or throws a Problem. */
export async function api(method, path, body) {
  const headers = { "Accept": "application/json", "Accept-Language": language() };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET" && csrfToken) headers["X-CSRF-Token"] = csrfToken;
  let res;
  try {
    res = await fetch("/api/v1" + path, {
      method, headers, credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new Problem({ detail: "Pathway could not be reached. Check the connection and try again." }, 0);
  }
  if (res.status === 204) return null;
  let data = null;
  if ((res.headers.get("Content-Type") || "").includes("json")) {
    try { data = await res.json(); } catch { data = null; }
  }
  if (!res.ok) {
    if (res.status === 401 && path !== "/session" && path !== "/me") onSignedOut();
    throw new Problem(data || { detail: `The request did not go through (status ${res.status}).` }, res.status);
  }
  return data;
}

/** Sends a CSV file; resolves to the decoded JSON answer or throws a Problem. */
export async function postCSV(path, text) {
  const headers = { "Accept": "application/json", "Accept-Language": language(), "Content-Type": "text/csv" };
  if (csrfToken) headers["X-CSRF-Token"] = csrfToken;
  let res;
  try {
    res = await fetch("/api/v1" + path, { method: "POST", headers, credentials: "same-origin", body: text });
  } catch {
    throw new Problem({ detail: "Pathway could not be reached. Check the connection and try again." }, 0);
  }
  let data = null;
  try { data = await res.json(); } catch { data = null; }
  if (!res.ok) throw new Problem(data || { detail: `The file did not go through (status ${res.status}).` }, res.status);
  return data;
}

export const get = (path, params) => api("GET", path + query(params));
export const post = (path, body) => api("POST", path, body);
export const patch = (path, body) => api("PATCH", path, body);
export const put = (path, body) => api("PUT", path, body);
export const del = (path) => api("DELETE", path);
