// The leadership dashboard: trends drawn from published releases only.
// Every count is a stored, noised release count, drawn with its margin;
// a count under k reads "fewer than k" and is never drawn as a zero.

import { get, query } from "./api.js";
import { h, showDate } from "./dom.js";
import { t, tn, formatNumber } from "./i18n.js";
import { RUNGS, rungName, BODY_KINDS, CAPACITIES, PERSPECTIVES } from "./words.js";
import { section, countText, empty } from "./parts.js";
import { barChart, columnChart, seriesKey, fewerLegend, fewerThan, said } from "./charts.js";
import { currentMonth, lastMonth, periodName, periodShort, publishedOn, yearBefore, parsePeriod } from "./periods.js";

const KINDS = () => [["month", t("dashboard.kind.months")], ["quarter", t("dashboard.kind.quarters")], ["year", t("dashboard.kind.years")]];
const num = (n) => formatNumber(n);

/** A release count as a chart value, with the margin of its table. */
function val(c, margin) {
  if (!c) return null;
  if (c.fewer_than_k) return { fewer: true };
  return { count: c.count, margin: c.margin_95 ?? margin };
}

const rungCell = (dist, r) => dist && dist.cells.find((c) => c.rung === r);

function failed(err) { return h("p", { class: "notice" }, err.message); }

function csvLink(path, params, what) {
  return h("a", { class: "csv", href: `/api/v1${path}${query({ ...params, format: "csv" })}`, download: "" }, t("dashboard.csv.link", { what }));
}

/** A table of values, as the text alternative of a chart. */
function valueTable(label, caption, cols, rows, k) {
  const td = (v) => h("td", { class: v && v.fewer ? "cell-hidden" : "" },
    !v ? "–" : v.fewer ? h("span", { class: "hidden-count" }, fewerThan(k)) : h("span", { class: "count" }, num(v.count), v.margin ? h("span", { class: "margin" }, ` ±${num(v.margin)}`) : null));
  return h("details", { class: "as-table" }, h("summary", {}, label),
    h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": caption },
      h("table", { class: "grid" },
        h("caption", {}, caption),
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, cols[0]), cols.slice(1).map((c) => h("th", { scope: "col" }, c)))),
        h("tbody", {}, rows.map(([head, vals]) => h("tr", {}, h("th", { scope: "row" }, head), vals.map(td)))))));
}

/** A sentence summing up a series for screen readers: first, last. */
function trendWords(title, points, k) {
  const known = points.filter((p) => p.v);
  if (!known.length) return t("dashboard.trend.none", { title });
  const a = known[0], b = known[known.length - 1];
  return t("dashboard.trend.words", { title, first: said(a.v, k), from: periodName(a.period), last: said(b.v, k), to: periodName(b.period) })
    + (known.length > 2 ? " " + t("dashboard.trend.more", { n: num(known.length) }) : "");
}

/** The dashboard page. */
export async function dashboardView(ctx) {
  const [list, ladder] = await Promise.all([get("/releases"), get("/ladder")]);
  const items = list.items || [];
  const head = [h("h1", {}, t("dashboard.title")),
    h("p", { class: "lede" }, t("dashboard.lede"))];
  if (!items.length) return h("section", { class: "page wide" }, ...head, await nothingYet(), ladderSection(ladder), protectedNote(list, null));

  const asked = ctx.query.get("period");
  const chosen = asked ? items.find((it) => it.period === asked) : items[0];
  const months = items.filter((it) => it.kind === "month").slice(0, 24).reverse();
  const quarters = items.filter((it) => it.kind === "quarter").slice(0, 8).reverse();
  const years = items.filter((it) => it.kind === "year").reverse();
  const thisYearQ = quarters.length ? parsePeriod(quarters[quarters.length - 1].period).year : 0;
  const wanted = new Set([...months, ...quarters, ...years].map((it) => it.period));
  if (chosen) wanted.add(chosen.period);
  for (const q of [1, 2, 3, 4]) { wanted.add(`${thisYearQ}-Q${q}`); wanted.add(`${thisYearQ - 1}-Q${q}`); }
  const have = new Set(items.map((it) => it.period));
  const labels = [...wanted].filter((p) => have.has(p));
  const bodies = await Promise.all(labels.map((p) => get(`/releases/${encodeURIComponent(p)}`).catch((err) => ({ period: p, error: err }))));
  const rel = new Map(bodies.filter((b) => !b.error).map((b) => [b.period, b]));
  const k = items[0].min_cell_size;
  const series = (its) => its.map((it) => rel.get(it.period)).filter(Boolean);

  return h("section", { class: "page wide" }, ...head,
    periodForm(ctx, items, chosen ? chosen.period : asked),
    chosen ? h("p", { class: "published" }, h("strong", {}, periodName(chosen.period)), t("dashboard.published_on", { date: publishedOn(chosen.published_at) }))
      : h("p", { class: "notice" }, (await unpublished(asked)).text),
    fewerLegend(k),
    glance(series(quarters), series(months), ladder, k),
    h("div", { class: "dash-grid" },
      rungTrend(series(months), k),
      yearSection(series(years), k),
      movementTrend(series(quarters), k),
      againstLastYear(rel, thisYearQ, series(months), k),
      capacityTrend(series(quarters), k),
      ladderSection(ladder),
      chosen && rel.get(chosen.period) ? snapshot(rel.get(chosen.period), k) : null),
    protectedNote(list, chosen));
}

/** The API's words with its dates and period labels in the reader's format. */
function readable(text) {
  return text.replace(/\b\d{4}-\d{2}-\d{2}\b/g, (d) => showDate(d))
    .replace(/\b\d{4}-(?:\d{2}|Q[1-4])\b/g, (p) => periodName(p));
}

/** What the API says about a period that is not published: {text, refused}. */
async function unpublished(period) {
  try {
    await get(`/releases/${encodeURIComponent(period)}`);
    return { text: t("dashboard.not_listed", { period: periodName(period) }), refused: false };
  } catch (err) { return { text: readable(err.message), refused: true }; }
}

/** When nothing is published: says plainly when the first release comes. */
async function nothingYet() {
  const msgs = await Promise.all([lastMonth(), currentMonth()].map((p) => unpublished(p)));
  const soon = msgs.find((m) => m.refused) || msgs[1];
  return h("div", { class: "panel notice-strong" },
    h("h2", {}, t("dashboard.none.title")),
    h("p", {}, t("dashboard.none.text")),
    h("p", {}, soon.text));
}

function periodForm(ctx, items, period) {
  const frm = h("form", { class: "period-form", "aria-label": t("dashboard.pick.form") },
    h("div", { class: "field" },
      h("label", { for: "period" }, t("dashboard.pick.label")),
      h("select", { id: "period", name: "period" },
        KINDS().map(([kind, label]) => {
          const its = items.filter((it) => it.kind === kind);
          return its.length ? h("optgroup", { label }, its.map((it) => h("option", { value: it.period, selected: it.period === period }, periodName(it.period)))) : null;
        }))),
    h("div", { class: "form-actions" }, h("button", { type: "submit" }, t("dashboard.pick.show"))));
  frm.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const p = frm.elements.period.value;
    history.replaceState(null, "", `/dashboard${query({ period: p === items[0].period ? "" : p })}`);
    ctx.rerender("#h-release-in-detail", t("dashboard.pick.showing", { period: periodName(p) }));
  });
  return frm;
}

/** Three answers at a glance. */
function glance(quarters, months, ladder, k) {
  const items = [];
  const q = quarters[quarters.length - 1];
  if (q) {
    const up = q.tables.movement.up;
    items.push(h("li", { class: "glance-item" },
      h("h3", {}, t("dashboard.glance.up")),
      h("p", { class: "headline" }, up.fewer_than_k ? t("dashboard.glance.up_fewer", { k: num(k) }) : tn("dashboard.glance.up_about", up.count),
        up.fewer_than_k ? "" : h("span", { class: "margin" }, ` (±${num(up.margin_95)})`)),
      h("p", { class: "hint" }, t("dashboard.glance.up_hint", { period: periodName(q.period) }))));
  }
  const now = months[months.length - 1];
  const then = now && months.find((m) => m.period === yearBefore(now.period));
  if (now) {
    const voice = ["contributor", "leader"];
    const line = (r) => {
      const a = val(rungCell(now.tables.distribution, r), now.tables.distribution.margin_95);
      const b = then ? val(rungCell(then.tables.distribution, r), then.tables.distribution.margin_95) : null;
      return h("li", {}, h("strong", {}, t("dashboard.glance.rung", { rung: rungName(r) })), " ",
        then ? t("dashboard.glance.now_against", { now: said(a, k), then: said(b, k) }) + " " + verdict(a, b) : t("dashboard.glance.now", { now: said(a, k) }));
    };
    items.push(h("li", { class: "glance-item" },
      h("h3", {}, t("dashboard.glance.voice")),
      h("p", {}, then ? t("dashboard.glance.voice_two", { now: periodName(now.period), then: periodName(then.period) }) : t("dashboard.glance.voice_one", { now: periodName(now.period) })),
      h("ul", { class: "plain-list tight" }, voice.map(line))));
  }
  const gaps = (ladder.rungs || []).filter((r) => !(r.programs || []).length).map((r) => rungName(r.rung));
  items.push(h("li", { class: "glance-item" },
    h("h3", {}, t("dashboard.glance.gaps")),
    h("p", { class: "headline" }, gaps.length ? gaps.join(", ") : t("dashboard.glance.no_gaps")),
    h("p", { class: "hint" }, gaps.length ? t("dashboard.glance.gaps_hint") + " " : "", h("a", { href: "#h-programs-on-each-rung" }, t("dashboard.glance.see_programs")))));
  return section({ title: t("dashboard.glance.title"), id: "at-a-glance" }, h("ul", { class: "glance" }, items));
}

/** Says whether a change is larger than the two margins together. */
function verdict(a, b) {
  if (!a || !b) return "";
  if (b.fewer) return t("dashboard.verdict.then_small");
  if (a.fewer) return t("dashboard.verdict.now_small");
  const d = a.count - b.count, m = a.margin + b.margin;
  if (d > m) return t("dashboard.verdict.more");
  if (-d > m) return t("dashboard.verdict.fewer");
  return t("dashboard.verdict.same");
}

function rungTrend(months, k) {
  const title = { title: t("dashboard.months.title"), id: "people-on-each-rung-month-by-month" };
  if (!months.length) return section(title, empty(t("dashboard.months.none")));
  const groups = months.map((m) => ({ label: periodName(m.period), short: periodShort(m.period) }));
  const point = (m, r) => val(rungCell(m.tables.distribution, r), m.tables.distribution.margin_95);
  return section(title,
    h("p", { class: "hint" }, tn("dashboard.months.hint", months.length)),
    h("div", { class: "multiples multiples-5" }, RUNGS.map((r) => h("div", { class: "multiple" },
      h("h3", {}, rungName(r)),
      columnChart({
        groups, series: [{ name: rungName(r), cls: `fill-${r}` }], k, height: 120,
        value: (g) => point(months[g], r),
        describe: trendWords(t("dashboard.months.rung", { rung: rungName(r) }), months.map((m) => ({ period: m.period, v: point(m, r) })), k),
      })))),
    valueTable(t("dashboard.months.table_show"), t("dashboard.months.table"), [t("dashboard.col.month"), ...RUNGS.map(rungName)],
      [...months].reverse().map((m) => [periodName(m.period), RUNGS.map((r) => point(m, r))]), k));
}

function yearSection(years, k) {
  const title = { title: t("dashboard.years.title"), id: "people-on-each-rung-year-by-year" };
  if (!years.length) return section(title, empty(t("dashboard.years.none")));
  const ser = years.map((y, i) => ({ name: y.period, cls: `fill-year-${(years.length - 1 - i) % 3}` }));
  const point = (y, r) => val(rungCell(y.tables.distribution, r), y.tables.distribution.margin_95);
  return section(title,
    h("p", { class: "hint" }, t("dashboard.years.hint")),
    seriesKey(ser),
    columnChart({
      categorical: true, groups: RUNGS.map((r) => ({ label: rungName(r) })), series: ser, k,
      value: (g, i) => point(years[i], RUNGS[g]),
      describe: t("dashboard.years.describe", {
        years: years.map((y) => y.period).join(", "),
        values: RUNGS.map((r) => `${rungName(r)} ${years.map((y) => `${y.period} ${said(point(y, r), k)}`).join(", ")}`).join("; "),
      }),
    }),
    valueTable(t("dashboard.years.table_show"), t("dashboard.years.table"), [t("dashboard.col.year"), ...RUNGS.map(rungName)], [...years].reverse().map((y) => [y.period, RUNGS.map((r) => point(y, r))]), k));
}

const MOVES = () => [["up", t("dashboard.move.up"), "fill-up"], ["down", t("dashboard.move.down"), "fill-down"],
  ["stayed", t("dashboard.move.stayed"), "fill-same"], ["entered", t("dashboard.move.entered"), "fill-new"]];

function movementTrend(quarters, k) {
  const title = { title: t("dashboard.movement.title"), id: "movement-quarter-by-quarter" };
  if (!quarters.length) return section(title, empty(t("dashboard.quarters.none")));
  const groups = quarters.map((q) => ({ label: periodName(q.period), short: periodShort(q.period) }));
  const point = (q, key) => val(q.tables.movement[key]);
  return section(title,
    h("p", { class: "hint" }, t("dashboard.movement.hint")),
    h("div", { class: "multiples" }, MOVES().map(([key, label, cls]) => h("div", { class: "multiple" },
      h("h3", {}, label),
      columnChart({
        groups, series: [{ name: label, cls }], k, height: 110,
        value: (g) => point(quarters[g], key),
        describe: trendWords(t("dashboard.movement.series", { label }), quarters.map((q) => ({ period: q.period, v: point(q, key) })), k),
      })))),
    valueTable(t("dashboard.movement.table_show"), t("dashboard.movement.table"), [t("dashboard.col.quarter"), ...MOVES().map((m) => m[1])],
      [...quarters].reverse().map((q) => [periodName(q.period), MOVES().map(([key]) => point(q, key))]), k));
}

function againstLastYear(rel, year, months, k) {
  const title = { title: t("dashboard.against.title"), id: "this-year-against-last-year" };
  if (!year) return section(title, empty(t("dashboard.quarters.none")));
  const qs = [1, 2, 3, 4];
  const ser = [{ name: String(year - 1), cls: "fill-year-1" }, { name: String(year), cls: "fill-year-0" }];
  const up = (y, q) => { const r = rel.get(`${y}-Q${q}`); return r ? val(r.tables.movement.up) : null; };
  const now = months[months.length - 1];
  const then = now && rel.get(yearBefore(now.period));
  const rungSer = then ? [{ name: periodName(then.period), cls: "fill-year-1" }, { name: periodName(now.period), cls: "fill-year-0" }] : [];
  const at = (m, r) => val(rungCell(m.tables.distribution, r), m.tables.distribution.margin_95);
  return section(title,
    h("h3", {}, t("dashboard.against.up_title", { year, last: year - 1 })),
    seriesKey(ser),
    columnChart({
      groups: qs.map((q) => ({ label: t("dashboard.quarter_n", { n: q }), short: t("dashboard.quarter_short", { n: q }) })), series: ser, k,
      value: (g, i) => up(year - 1 + i, qs[g]),
      describe: t("dashboard.against.up_describe", {
        last: year - 1, year,
        values: qs.map((q) => t("dashboard.against.up_value", { n: q, then: said(up(year - 1, q), k), now: said(up(year, q), k) })).join("; "),
      }),
    }),
    valueTable(t("dashboard.against.up_table_show"), t("dashboard.against.up_table", { last: year - 1, year }), [t("dashboard.col.quarter"), String(year - 1), String(year)],
      qs.map((q) => [t("dashboard.quarter_n", { n: q }), [up(year - 1, q), up(year, q)]]), k),
    then ? [
      h("h3", {}, t("dashboard.against.rungs_title", { then: periodName(then.period), now: periodName(now.period) })),
      seriesKey(rungSer),
      columnChart({
        categorical: true, groups: RUNGS.map((r) => ({ label: rungName(r) })), series: rungSer, k,
        value: (g, i) => at(i ? now : then, RUNGS[g]),
        describe: t("dashboard.against.rungs_describe", {
          then: periodName(then.period), now: periodName(now.period),
          values: RUNGS.map((r) => t("dashboard.against.rungs_value", { rung: rungName(r), then: said(at(then, r), k), now: said(at(now, r), k) })).join("; "),
        }),
      }),
      valueTable(t("dashboard.against.rungs_table_show"), t("dashboard.against.rungs_title", { then: periodName(then.period), now: periodName(now.period) }), [t("dashboard.col.rung"), periodName(then.period), periodName(now.period)],
        RUNGS.map((r) => [rungName(r), [at(then, r), at(now, r)]]), k),
    ] : null);
}

function capacityTrend(quarters, k) {
  const title = { title: t("dashboard.capacity.title"), id: "capacities-over-time" };
  if (!quarters.length) return section(title, empty(t("dashboard.quarters.none")));
  const ser = Object.entries(PERSPECTIVES).map(([p, name], i) => ({ p, name, cls: `fill-view-${i}` }));
  const groups = quarters.map((q) => ({ label: periodName(q.period), short: periodShort(q.period) }));
  const cell = (q, p, cap, score) => {
    const tb = q.tables[`capacity/${p}`];
    const row = tb && tb.capacities.find((c) => c.capacity === cap);
    return row ? val(row.scores.find((x) => x.score === score), tb.margin_95) : null;
  };
  const latest = quarters[quarters.length - 1];
  return section(title,
    h("p", { class: "hint" }, t("dashboard.capacity.hint"), " ",
      t("dashboard.capacity.margin", { margin: num(latest.tables["capacity/self"].margin_95) })),
    seriesKey(ser),
    Object.entries(CAPACITIES).map(([cap, capName]) => h("div", { class: "cap-block" },
      h("h3", {}, capName),
      h("div", { class: "multiples multiples-4" }, [1, 2, 3, 4].map((score) => h("div", { class: "multiple" },
        h("h4", {}, t("dashboard.capacity.score", { n: score })),
        columnChart({
          groups, series: ser, k, height: 90,
          value: (g, i) => cell(quarters[g], ser[i].p, cap, score),
          describe: t("dashboard.capacity.describe", { capacity: capName, n: score }) + " " + ser.map((x) => trendWords(x.name, quarters.map((q) => ({ period: q.period, v: cell(q, x.p, cap, score) })), k)).join(" "),
        })))),
      valueTable(t("dashboard.capacity.table_show", { capacity: capName }), t("dashboard.capacity.table", { capacity: capName }),
        [t("dashboard.col.quarter"), ...ser.flatMap((x) => [1, 2, 3, 4].map((n) => t("dashboard.capacity.col", { view: x.name, n })))],
        [...quarters].reverse().map((q) => [periodName(q.period), ser.flatMap((x) => [1, 2, 3, 4].map((n) => cell(q, x.p, cap, n)))]), k))));
}

function ladderSection(ladder) {
  const by = new Map((ladder.rungs || []).map((r) => [r.rung, r.programs || []]));
  return section({ title: t("dashboard.programs.title"), id: "programs-on-each-rung" },
    h("p", { class: "hint" }, t("dashboard.programs.hint")),
    h("ol", { class: "ladder compact" }, [...RUNGS].reverse().map((r) => {
      const ps = by.get(r) || [];
      return h("li", { class: `rung rung-edge-${r}${ps.length ? "" : " rung-empty"}` },
        h("strong", {}, rungName(r)), " ",
        ps.length ? h("span", {}, ps.map((p) => p.name).join(", ")) : h("span", { class: "gap" }, t("dashboard.programs.gap")));
    })),
    csvLink("/reports/ladder", {}, t("dashboard.csv.ladder")));
}

/** The chosen release in detail, with its downloads. */
function snapshot(r, k) {
  const tb = r.tables, period = r.period;
  const dist = tb.distribution, mv = tb.movement, progs = tb["distribution/programs"], roles = tb.roles;
  const tiles = MOVES().map(([key, label]) => [label, mv[key]]);
  const rows = progs.rows || [];
  return section({ title: t("dashboard.detail.title", { period: periodName(period) }), id: "release-in-detail" },
    h("h3", {}, t("dashboard.detail.rungs")),
    barChart(RUNGS.map((rg) => ({ label: rungName(rg), value: val(rungCell(dist, rg), dist.margin_95), cls: `fill-${rg}` })), { title: t("dashboard.detail.rungs_in", { period: periodName(period) }), k }),
    h("p", { class: "total" }, t("dashboard.detail.everyone"), " ", countText(dist.total, k)),
    h("h3", {}, t("dashboard.detail.movement")),
    h("ul", { class: "tiles" }, tiles.map(([l, c]) => h("li", { class: "tile" }, h("span", { class: "tile-label" }, l), countText(c, k)))),
    h("h3", {}, t("dashboard.detail.by_program")),
    h("p", { class: "hint" }, t("dashboard.detail.by_program_hint", { margin: num(progs.margin_95) })),
    rows.length ? h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": t("dashboard.detail.by_program") },
      h("table", { class: "grid" },
        h("caption", { class: "visually-hidden" }, t("dashboard.detail.by_program_caption", { period: periodName(period) })),
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("dashboard.col.program")), RUNGS.map((rg) => h("th", { scope: "col" }, rungName(rg))), h("th", { scope: "col" }, t("dashboard.col.all")))),
        h("tbody", {}, rows.map((row) => h("tr", {}, h("th", { scope: "row" }, row.program),
          row.cells.map((c) => h("td", { class: c.fewer_than_k ? "cell-hidden" : "" }, countText(c, k, 0))),
          h("td", { class: row.total.fewer_than_k ? "cell-hidden" : "" }, countText(row.total, k))))))) : empty(t("dashboard.detail.no_programs")),
    h("h3", {}, t("dashboard.detail.bodies")),
    (roles.bodies || []).length ? h("ul", { class: "plain-list" }, roles.bodies.map((b) => h("li", {},
      h("strong", {}, b.name), " ", t("dashboard.detail.kind", { kind: BODY_KINDS[b.kind] || b.kind }),
      h("br"), t("dashboard.detail.seats_filled"), " ", countText(b.seats_filled, k, roles.margin_95), b.seats != null ? " " + tn("dashboard.detail.seats", b.seats) : "",
      b.kind === "speakers_bureau" ? [h("br"), t("dashboard.detail.speakers"), " ", countText(b.speakers_in_period, k, roles.margin_95),
        h("br"), t("dashboard.detail.talks"), " ", num((b.speaking_engagements || []).reduce((a, x) => a + x.count, 0))] : null))) : empty(t("dashboard.detail.no_bodies")),
    h("p", { class: "downloads" },
      csvLink("/reports/distribution", { period }, t("dashboard.csv.rungs")), " ",
      csvLink("/reports/movement", { period }, t("dashboard.csv.movement")), " ",
      csvLink("/reports/distribution/programs", { period }, t("dashboard.csv.by_program")), " ",
      csvLink("/reports/roles", { period }, t("dashboard.csv.roles")), " ",
      csvLink("/reports/capacity", { period }, t("dashboard.csv.capacities"))));
}

function protectedNote(list, chosen) {
  const b = list.budget;
  const ledger = chosen ? chosen.ledger : [];
  const m = (name) => (ledger.find((l) => l.table === name) || {}).margin_95;
  return h("section", { class: "panel protected", "aria-labelledby": "h-protected" },
    h("h2", { id: "h-protected" }, t("dashboard.protected.title")),
    h("ul", {},
      h("li", {}, t("dashboard.protected.noise")),
      b ? h("li", {}, t("dashboard.protected.budget", { year: b.year, spent: num(b.epsilon_spent), limit: num(b.epsilon_limit) })) : null,
      h("li", {}, t("dashboard.protected.margin"),
        chosen && m("distribution") ? " " + t("dashboard.protected.margins", { rung: num(m("distribution")), movement: num(m("movement")) }) : ""),
      h("li", {}, t("dashboard.protected.fewer", { k: num(chosen ? chosen.min_cell_size : 11), fewer: fewerThan(chosen ? chosen.min_cell_size : 11) }))),
    chosen ? h("p", { class: "hint" }, t("dashboard.protected.method"), " ", h("code", {}, chosen.method), " ", t("dashboard.protected.library"), " ", h("code", {}, chosen.library)) : null);
}
