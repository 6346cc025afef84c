// Talking to Pathway's JSON API with the browser's session cookie.
//
// Nothing typed is lost here, for every form at once: when the session has
// ended, a request waits while the person signs in again (the app shows a
// dialog over the page) and is then sent as it was; when Pathway cannot be
// reached, the request fails saying plainly that nothing was saved, and a
// POST sent again unchanged carries the same Idempotency-Key, so that it is
// written once even if the first copy did arrive.

import { language, t } from "./i18n.js";

let csrfToken = "";
let signInAgain = async () => false;
let pendingSignIn = null;

/** Remembers the session's CSRF token, sent with every change. */
export function setCSRF(token) { csrfToken = token || ""; }

/**
 * Sets what happens when the server says the session has ended: fn asks
 * the person to sign in again and resolves true once they have (the
 * request is then sent again), false when they would not.
 */
export function whenSessionEnds(fn) { signInAgain = fn; }

/** A problem the API reported (RFC 9457), with its field errors. */
export class Problem extends Error {
  constructor(body, status, { offline = false, signedOut = false } = {}) {
    super((body && (body.detail || body.title)) || t("app.api.failed"));
    this.status = status;
    this.errors = (body && Array.isArray(body.errors)) ? body.errors : [];
    /** True when Pathway could not be reached: nothing is known to be saved. */
    this.offline = offline;
    /** True when the session ended and the person did not sign in again. */
    this.signedOut = signedOut;
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

// POSTs sent without an Idempotency-Key: signing in, and making a personal
// link, whose answer holds a secret the server never keeps (it refuses a key).
const unkeyed = /^\/session$|\/invitations$/;

// The Idempotency-Key of each POST whose answer never came: sending the
// same request again reuses it, so the server writes it at most once. Held
// in memory only, and forgotten at sign-out.
const unanswered = new Map();

function newKey() {
  const b = crypto.getRandomValues(new Uint8Array(16));
  return [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
}

/** One asking of the session question at a time, however many requests met the 401. */
function askToSignIn() {
  if (!pendingSignIn) pendingSignIn = Promise.resolve(signInAgain()).catch(() => false).finally(() => { pendingSignIn = null; });
  return pendingSignIn;
}

/**
 * Sends one request and decodes the answer. A 401 on anything but signing
 * in asks the person to sign in again (unless reauth is false) and sends
 * the request once more.
 */
async function send(method, path, { body, type = "application/json", reauth = true, what = "request" } = {}) {
  const headers = { "Accept": "application/json", "Accept-Language": language() };
  if (body !== undefined) headers["Content-Type"] = type;
  if (method !== "GET" && csrfToken) headers["X-CSRF-Token"] = csrfToken;
  const sig = `${method} ${path}\n${body ?? ""}`;
  if (method === "POST" && !unkeyed.test(path)) {
    headers["Idempotency-Key"] = unanswered.get(sig) || newKey();
  }
  let res;
  try {
    res = await fetch("/api/v1" + path, { method, headers, credentials: "same-origin", body });
  } catch {
    if (headers["Idempotency-Key"]) {
      if (unanswered.size > 50) unanswered.clear();
      unanswered.set(sig, headers["Idempotency-Key"]);
    }
    // Offline, the request never left; otherwise its answer may be what was
    // lost, and sending it again is safe (same key) but the outcome unknown.
    const detail = method === "GET" ? t("app.api.offline_read") : navigator.onLine === false ? t("app.api.offline_write") : t("app.api.lost_write");
    throw new Problem({ detail }, 0, { offline: true });
  }
  unanswered.delete(sig);
  let data = null;
  if (res.status !== 204 && (res.headers.get("Content-Type") || "").includes("json")) {
    try { data = await res.json(); } catch { data = null; }
  }
  if (res.ok) return data;
  if (res.status === 401 && reauth && path !== "/session") {
    if (await askToSignIn()) return send(method, path, { body, type, reauth: false, what });
    throw new Problem({ detail: method === "GET" ? t("app.api.signed_out_read") : t("app.api.signed_out_write") }, 401, { signedOut: true });
  }
  const fallback = what === "file" ? t("app.api.file_status", { status: res.status }) : t("app.api.status", { status: res.status });
  throw new Problem(data || { detail: fallback }, res.status);
}

/** Calls the API; resolves to the decoded JSON (null for 204) or throws a Problem. */
export function api(method, path, body, options) {
  return send(method, path, { ...options, body: body === undefined ? undefined : JSON.stringify(body) });
}

/** Sends a CSV file; resolves to the decoded JSON answer or throws a Problem. */
export function postCSV(path, text) {
  return send("POST", path, { body: text, type: "text/csv", what: "file" });
}

/**
 * Forgets everything this browser keeps for the signed-in person: the
 * CSRF token, unanswered requests, and whatever any page put in
 * localStorage, sessionStorage, Cache Storage or IndexedDB.
 */
export async function forgetEverything() {
  csrfToken = "";
  unanswered.clear();
  try { localStorage.clear(); } catch { /* storage may be turned off */ }
  try { sessionStorage.clear(); } catch { /* likewise */ }
  try {
    if (window.caches) for (const k of await caches.keys()) await caches.delete(k);
  } catch { /* not offered on plain http */ }
  try {
    if (window.indexedDB && indexedDB.databases) {
      for (const db of await indexedDB.databases()) {
        if (db.name) await new Promise((done) => { const r = indexedDB.deleteDatabase(db.name); r.onsuccess = r.onerror = r.onblocked = done; });
      }
    }
  } catch { /* likewise */ }
}

export const get = (path, params) => api("GET", path + query(params));
export const post = (path, body) => api("POST", path, body);
export const patch = (path, body) => api("PATCH", path, body);
export const put = (path, body) => api("PUT", path, body);
export const del = (path) => api("DELETE", path);
