// Small helpers for building the page without any markup strings.

import { formatDate, formatDateTime } from "./i18n.js";

const SVGNS = "http://www.w3.org/2000/svg";

function set(el, attrs) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") el.setAttribute("class", v);
    else if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (k === "dataset") Object.assign(el.dataset, v);
    else if (v === true) el.setAttribute(k, "");
    else el.setAttribute(k, String(v));
  }
}

function add(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
}

/** Creates an HTML element: h("p", {class: "x"}, "text", child). */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  set(el, attrs);
  add(el, children);
  return el;
}

/** Creates an SVG element. */
export function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVGNS, tag);
  set(el, attrs);
  add(el, children);
  return el;
}

/** Replaces an element's children. */
export function fill(el, ...children) {
  el.replaceChildren();
  add(el, children);
  return el;
}

let uid = 0;
/** Returns an id unique within the page. */
export function newId(prefix) { uid += 1; return `${prefix}-${uid}`; }

/** Today's date in the browser's time zone, as YYYY-MM-DD. */
export function today() { return isoDate(new Date()); }

/** Formats a Date as YYYY-MM-DD in local time. */
export function isoDate(d) {
  const p = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** Adds months to a YYYY-MM-DD date. */
export function addMonths(iso, n) {
  const [y, m, d] = iso.split("-").map(Number);
  const dt = new Date(y, m - 1 + n, d);
  return isoDate(dt);
}

/** Shows a YYYY-MM-DD date in the reader's language. */
export function showDate(iso) { return formatDate(iso); }

/** Shows an RFC 3339 time in the reader's language and time zone. */
export function showTime(ts) { return formatDateTime(ts); }

/** Days from today to a YYYY-MM-DD date. */
export function daysUntil(iso) {
  const [y, m, d] = iso.split("-").map(Number);
  const now = new Date();
  const a = Date.UTC(y, m - 1, d), b = Date.UTC(now.getFullYear(), now.getMonth(), now.getDate());
  return Math.round((a - b) / 86400000);
}

/** A link handled by the app's router. */
export function link(href, ...children) { return h("a", { href }, ...children); }

/** A plural phrase in English: plural(3, "person", "people"). Words in a catalogue use tn() instead. */
export function plural(n, one, many) { return `${n} ${n === 1 ? one : many}`; }
