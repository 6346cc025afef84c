// Release periods: months (YYYY-MM), quarters (YYYY-Qn) and years (YYYY),
// named in the reader's own language.

import { t, language, formatDateTime } from "./i18n.js";

const fmt = (options) => new Intl.DateTimeFormat(language(), { ...options, timeZone: "UTC" });

const utcMonth = (y, m) => new Date(Date.UTC(y, m - 1, 1));

/** This month, as YYYY-MM. */
export function currentMonth() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}`;
}

/** The month before this one, as YYYY-MM. */
export function lastMonth() {
  const d = new Date();
  const m = new Date(d.getFullYear(), d.getMonth() - 1, 1);
  return `${m.getFullYear()}-${String(m.getMonth() + 1).padStart(2, "0")}`;
}

/** Splits a period label into its kind, year and month or quarter number. */
export function parsePeriod(label) {
  let m = /^(\d{4})-(\d{2})$/.exec(label);
  if (m) return { kind: "month", year: Number(m[1]), n: Number(m[2]) };
  m = /^(\d{4})-Q([1-4])$/.exec(label);
  if (m) return { kind: "quarter", year: Number(m[1]), n: Number(m[2]) };
  m = /^(\d{4})$/.exec(label);
  if (m) return { kind: "year", year: Number(m[1]), n: 0 };
  return null;
}

/** A readable name: "October 2026", "July to September 2026", "2025". */
export function periodName(label) {
  const p = parsePeriod(label);
  if (!p) return label;
  if (p.kind === "month") return fmt({ month: "long", year: "numeric" }).format(utcMonth(p.year, p.n));
  if (p.kind === "quarter") {
    const month = fmt({ month: "long" });
    const first = month.format(utcMonth(p.year, p.n * 3 - 2));
    const last = month.format(utcMonth(p.year, p.n * 3));
    return t("dashboard.period.quarter", { first, last, year: p.year });
  }
  return String(p.year);
}

/** A short name for a chart's axis: "Oct 26", "Q3 2026", "2025". */
export function periodShort(label) {
  const p = parsePeriod(label);
  if (!p) return label;
  if (p.kind === "month") return fmt({ month: "short", year: "2-digit" }).format(utcMonth(p.year, p.n));
  if (p.kind === "quarter") return t("dashboard.period.quarter_short", { n: p.n, year: p.year });
  return String(p.year);
}

/** The same period a year earlier: 2026-10 → 2025-10, 2026-Q3 → 2025-Q3. */
export function yearBefore(label) {
  const p = parsePeriod(label);
  if (!p) return "";
  if (p.kind === "month") return `${p.year - 1}-${String(p.n).padStart(2, "0")}`;
  if (p.kind === "quarter") return `${p.year - 1}-Q${p.n}`;
  return String(p.year - 1);
}

/** When a release was published, as a date in the reader's format. */
export function publishedOn(ts) { return formatDateTime(ts, { dateStyle: "long" }); }
