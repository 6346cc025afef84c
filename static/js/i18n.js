// The words of the web app in the reader's language: one catalogue per
// language (i18n/en.js, i18n/es.js), looked up by key, with dates and numbers
// formatted for that language by the browser's Intl.

import en from "./i18n/en.js";
import es from "./i18n/es.js";

const catalogues = { en, es };

/** The languages Pathway speaks, each named in itself for the switch. */
export const LANGUAGES = { en: "English", es: "Español" };

let current = "en";
const listeners = [];

/**
 * Sets the language every later t() and format call uses, and tells each
 * onLanguageChange listener when it changes.
 */
export function setLanguage(lang) {
  const next = catalogues[lang] ? lang : "en";
  document.documentElement.lang = next;
  if (next === current) return;
  current = next;
  for (const fn of listeners) fn(current);
}

/**
 * Runs fn(lang) each time the language changes, so that words built once
 * (words.js's objects, a module's cached labels) can be built again.
 */
export function onLanguageChange(fn) { listeners.push(fn); }

/** The language in use: "en" or "es". */
export const language = () => current;

/** The first of the browser's preferred languages that Pathway speaks. */
export function browserLanguage() {
  for (const tag of navigator.languages || [navigator.language || ""]) {
    const base = String(tag).slice(0, 2).toLowerCase();
    if (catalogues[base]) return base;
  }
  return "en";
}

/**
 * The text for key in the current language, with each {name} replaced by
 * vars.name. A key missing from the catalogue shows as the key itself, so a
 * slip is seen rather than hidden (a test holds both catalogues to the same
 * keys).
 */
export function t(key, vars) {
  const text = catalogues[current][key] ?? en[key];
  if (text === undefined) return key;
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
}

/**
 * The text for a count: key + "." + the plural category of n in the current
 * language ("one" or "other" for English and Spanish), with {n} formatted.
 */
export function tn(key, n, vars) {
  const rule = new Intl.PluralRules(current).select(n);
  const k = catalogues[current][`${key}.${rule}`] !== undefined ? `${key}.${rule}` : `${key}.other`;
  return t(k, { ...vars, n: formatNumber(n) });
}

/** A number in the current language's digits and separators. */
export const formatNumber = (n, options) => new Intl.NumberFormat(current, options).format(n);

/**
 * A calendar date ("YYYY-MM-DD", as the API sends it) in the current
 * language; the date is read as a day, not an instant, so no time zone
 * moves it.
 */
export function formatDate(iso, options = { dateStyle: "medium" }) {
  if (!iso) return "";
  const d = new Date(String(iso).slice(0, 10) + "T00:00:00Z");
  if (Number.isNaN(d.getTime())) return String(iso);
  return new Intl.DateTimeFormat(current, { ...options, timeZone: "UTC" }).format(d);
}

/** An instant (RFC 3339) as a date and time in the reader's zone and language. */
export function formatDateTime(iso, options = { dateStyle: "medium", timeStyle: "short" }) {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return new Intl.DateTimeFormat(current, options).format(d);
}
