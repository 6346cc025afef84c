// The leadership dashboard: trends drawn from published releases only.
// Every count is a stored, noised release count, drawn with its margin;
// a count under k reads "fewer than k" and is never drawn as a zero.

import { get, query } from "./api.js";
import { h, showDate } from "./dom.js";
import { RUNGS, rungName, BODY_KINDS, CAPACITIES, PERSPECTIVES } from "./words.js";
import { section, countText, empty } from "./parts.js";
import { barChart, columnChart, seriesKey, fewerLegend, fewerThan, said } from "./charts.js";
import { currentMonth, lastMonth, periodName, periodShort, publishedOn, yearBefore, parsePeriod } from "./periods.js";

const KINDS = [["month", "Months"], ["quarter", "Quarters"], ["year", "Years"]];

/** A release count as a chart value, with the margin of its table. */
function val(c, margin) {
  if (!c) return null;
  if (c.fewer_than_k) return { fewer: true };
  return { count: c.count, margin: c.margin_95 ?? margin };
}

const rungCell = (dist, r) => dist && dist.cells.find((c) => c.rung === r);

function failed(err) { return h("p", { class: "notice" }, err.message); }

function csvLink(path, params, what) {
  return h("a", { class: "csv", href: `/api/v1${path}${query({ ...params, format: "csv" })}`, download: "" }, `Download ${what} (CSV)`);
}

/** A table of values, as the text alternative of a chart. */
function valueTable(label, caption, cols, rows, k) {
  const td = (v) => h("td", { class: v && v.fewer ? "cell-hidden" : "" },
    !v ? "–" : v.fewer ? h("span", { class: "hidden-count" }, fewerThan(k)) : h("span", { class: "count" }, String(v.count), v.margin ? h("span", { class: "margin" }, ` ±${v.margin}`) : null));
  return h("details", { class: "as-table" }, h("summary", {}, `Show ${label} as a table`),
    h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": caption },
      h("table", { class: "grid" },
        h("caption", {}, caption),
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, cols[0]), cols.slice(1).map((c) => h("th", { scope: "col" }, c)))),
        h("tbody", {}, rows.map(([head, vals]) => h("tr", {}, h("th", { scope: "row" }, head), vals.map(td)))))));
}

/** A sentence summing up a series for screen readers: first, last. */
function trendWords(title, points, k) {
  const known = points.filter((p) => p.v);
  if (!known.length) return `${title}: no releases yet.`;
  const a = known[0], b = known[known.length - 1];
  return `${title}: ${said(a.v, k)} in ${periodName(a.period)}, ${said(b.v, k)} in ${periodName(b.period)}.`
    + (known.length > 2 ? ` ${known.length} releases in all; the table below lists each.` : "");
}

/** The dashboard page. */
export async function dashboardView(ctx) {
  const [list, ladder] = await Promise.all([get("/releases"), get("/ladder")]);
  const items = list.items || [];
  const head = [h("h1", {}, "How client voice is growing"),
    h("p", { class: "lede" }, "Counts from published releases only: no names, no case-management IDs, no notes. Each release is made once, after its month, quarter or year has closed, and never changes.")];
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
    chosen ? h("p", { class: "published" }, h("strong", {}, periodName(chosen.period)), `, published on ${publishedOn(chosen.published_at)}.`)
      : h("p", { class: "notice" }, await unpublished(asked)),
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

/** What the API says about a period that is not published. */
async function unpublished(period) {
  try { await get(`/releases/${encodeURIComponent(period)}`); return `${periodName(period)} is not listed yet.`; } catch (err) { return readable(err.message); }
}

/** When nothing is published: says plainly when the first release comes. */
async function nothingYet() {
  const msgs = await Promise.all([lastMonth(), currentMonth()].map((p) => unpublished(p)));
  const soon = msgs.find((m) => /will be published/.test(m)) || msgs[1];
  return h("div", { class: "panel notice-strong" },
    h("h2", {}, "No release is published yet"),
    h("p", {}, "Leadership sees counts only once a month, quarter or year has closed and its release is published."),
    h("p", {}, soon));
}

function periodForm(ctx, items, period) {
  const frm = h("form", { class: "period-form", "aria-label": "Choose a release" },
    h("div", { class: "field" },
      h("label", { for: "period" }, "Release to look at closely"),
      h("select", { id: "period", name: "period" },
        KINDS.map(([kind, label]) => {
          const its = items.filter((it) => it.kind === kind);
          return its.length ? h("optgroup", { label }, its.map((it) => h("option", { value: it.period, selected: it.period === period }, periodName(it.period)))) : null;
        }))),
    h("div", { class: "form-actions" }, h("button", { type: "submit" }, "Show")));
  frm.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const p = frm.elements.period.value;
    history.replaceState(null, "", `/dashboard${query({ period: p === items[0].period ? "" : p })}`);
    const slug = `${periodName(p)} in detail`.toLowerCase().replace(/[^a-z0-9]+/g, "-");
    ctx.rerender(`#h-${slug}`, `Showing ${periodName(p)}.`);
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
      h("h3", {}, "Moved up last quarter"),
      h("p", { class: "headline" }, up.fewer_than_k ? `Fewer than ${k} people moved up a rung` : `About ${up.count} people moved up a rung`,
        up.fewer_than_k ? "" : h("span", { class: "margin" }, ` (±${up.margin_95})`)),
      h("p", { class: "hint" }, `In ${periodName(q.period)}, comparing each person's rung before the quarter with the rung they were on at its end.`)));
  }
  const now = months[months.length - 1];
  const then = now && months.find((m) => m.period === yearBefore(now.period));
  if (now) {
    const voice = ["contributor", "leader"];
    const line = (r) => {
      const a = val(rungCell(now.tables.distribution, r), now.tables.distribution.margin_95);
      const b = then ? val(rungCell(then.tables.distribution, r), then.tables.distribution.margin_95) : null;
      return h("li", {}, h("strong", {}, `${rungName(r)}: `), said(a, k), then ? ` now, against ${said(b, k)} a year before. ${verdict(a, b)}` : " now.");
    };
    items.push(h("li", { class: "glance-item" },
      h("h3", {}, "Client voice this year"),
      h("p", {}, `People on the rungs where they shape and lead programs, in ${periodName(now.period)}${then ? ` and ${periodName(then.period)}` : ""}:`),
      h("ul", { class: "plain-list tight" }, voice.map(line))));
  }
  const gaps = (ladder.rungs || []).filter((r) => !(r.programs || []).length).map((r) => rungName(r.rung));
  items.push(h("li", { class: "glance-item" },
    h("h3", {}, "Rungs with no programs"),
    h("p", { class: "headline" }, gaps.length ? gaps.join(", ") : "Every rung has a program"),
    h("p", { class: "hint" }, gaps.length ? "A rung without a program shows where a pathway is missing. " : "", h("a", { href: "#h-programs-on-each-rung" }, "See the programs on each rung"))));
  return section("At a glance", h("ul", { class: "glance" }, items));
}

/** Says whether a change is larger than the two margins together. */
function verdict(a, b) {
  if (!a || !b) return "";
  if (b.fewer) return "A year before, the count was too small to compare.";
  if (a.fewer) return "The count is too small now to compare.";
  const d = a.count - b.count, m = a.margin + b.margin;
  if (d > m) return "That is more, by more than the margins.";
  if (-d > m) return "That is fewer, by more than the margins.";
  return "About the same: the change is within the margins.";
}

function rungTrend(months, k) {
  if (!months.length) return section("People on each rung, month by month", empty("No monthly release yet."));
  const groups = months.map((m) => ({ label: periodName(m.period), short: periodShort(m.period) }));
  const point = (m, r) => val(rungCell(m.tables.distribution, r), m.tables.distribution.margin_95);
  return section("People on each rung, month by month",
    h("p", { class: "hint" }, `The last ${months.length} monthly releases, each counting people on their rung on the month's last day. Each rung has its own scale.`),
    h("div", { class: "multiples multiples-5" }, RUNGS.map((r) => h("div", { class: "multiple" },
      h("h3", {}, rungName(r)),
      columnChart({
        groups, series: [{ name: rungName(r), cls: `fill-${r}` }], k, height: 120,
        value: (g) => point(months[g], r),
        describe: trendWords(`${rungName(r)}, month by month`, months.map((m) => ({ period: m.period, v: point(m, r) })), k),
      })))),
    valueTable("the months", "People on each rung, by monthly release", ["Month", ...RUNGS.map(rungName)],
      [...months].reverse().map((m) => [periodName(m.period), RUNGS.map((r) => point(m, r))]), k));
}

function yearSection(years, k) {
  if (!years.length) return section("People on each rung, year by year", empty("No yearly release yet. A year's release is published early in the next year."));
  const ser = years.map((y, i) => ({ name: y.period, cls: `fill-year-${(years.length - 1 - i) % 3}` }));
  const point = (y, r) => val(rungCell(y.tables.distribution, r), y.tables.distribution.margin_95);
  return section("People on each rung, year by year",
    h("p", { class: "hint" }, "Each yearly release counts people on their rung on the 31st of December."),
    seriesKey(ser),
    columnChart({
      categorical: true, groups: RUNGS.map((r) => ({ label: rungName(r) })), series: ser, k,
      value: (g, i) => point(years[i], RUNGS[g]),
      describe: `People on each rung at the end of ${years.map((y) => y.period).join(", ")}: ` + RUNGS.map((r) => `${rungName(r)} ${years.map((y) => `${y.period} ${said(point(y, r), k)}`).join(", ")}`).join("; ") + ".",
    }),
    valueTable("the years", "People on each rung, by yearly release", ["Year", ...RUNGS.map(rungName)], [...years].reverse().map((y) => [y.period, RUNGS.map((r) => point(y, r))]), k));
}

const MOVES = [["up", "Moved up", "fill-up"], ["down", "Moved down", "fill-down"], ["stayed", "Stayed on their rung", "fill-same"], ["entered", "New to the pathway", "fill-new"]];

function movementTrend(quarters, k) {
  if (!quarters.length) return section("Movement, quarter by quarter", empty("No quarterly release yet."));
  const groups = quarters.map((q) => ({ label: periodName(q.period), short: periodShort(q.period) }));
  const point = (q, key) => val(q.tables.movement[key]);
  return section("Movement, quarter by quarter",
    h("p", { class: "hint" }, "Each quarterly release counts each person once: the rung they were on just before the quarter, and the rung at its end. Moving in any direction is part of a journey."),
    h("div", { class: "multiples" }, MOVES.map(([key, label, cls]) => h("div", { class: "multiple" },
      h("h3", {}, label),
      columnChart({
        groups, series: [{ name: label, cls }], k, height: 110,
        value: (g) => point(quarters[g], key),
        describe: trendWords(`${label}, quarter by quarter`, quarters.map((q) => ({ period: q.period, v: point(q, key) })), k),
      })))),
    valueTable("the quarters", "Movement between rungs, by quarterly release", ["Quarter", ...MOVES.map((m) => m[1])],
      [...quarters].reverse().map((q) => [periodName(q.period), MOVES.map(([key]) => point(q, key))]), k));
}

function againstLastYear(rel, year, months, k) {
  const title = "This year against last year";
  if (!year) return section(title, empty("No quarterly release yet."));
  const qs = [1, 2, 3, 4];
  const ser = [{ name: String(year - 1), cls: "fill-year-1" }, { name: String(year), cls: "fill-year-0" }];
  const up = (y, q) => { const r = rel.get(`${y}-Q${q}`); return r ? val(r.tables.movement.up) : null; };
  const now = months[months.length - 1];
  const then = now && rel.get(yearBefore(now.period));
  const rungSer = then ? [{ name: periodName(then.period), cls: "fill-year-1" }, { name: periodName(now.period), cls: "fill-year-0" }] : [];
  const at = (m, r) => val(rungCell(m.tables.distribution, r), m.tables.distribution.margin_95);
  return section(title,
    h("h3", {}, `People who moved up, each quarter of ${year} and ${year - 1}`),
    seriesKey(ser),
    columnChart({
      groups: qs.map((q) => ({ label: `Quarter ${q}`, short: `Q${q}` })), series: ser, k,
      value: (g, i) => up(year - 1 + i, qs[g]),
      describe: `People who moved up, ${year - 1} against ${year}: ` + qs.map((q) => `quarter ${q}, ${said(up(year - 1, q), k)} against ${said(up(year, q), k)}`).join("; ") + ". A quarter not yet published has no value.",
    }),
    valueTable("moving up by quarter", `People who moved up, by quarter, ${year - 1} and ${year}`, ["Quarter", String(year - 1), String(year)],
      qs.map((q) => [`Quarter ${q}`, [up(year - 1, q), up(year, q)]]), k),
    then ? [
      h("h3", {}, `People on each rung, ${periodName(then.period)} and ${periodName(now.period)}`),
      seriesKey(rungSer),
      columnChart({
        categorical: true, groups: RUNGS.map((r) => ({ label: rungName(r) })), series: rungSer, k,
        value: (g, i) => at(i ? now : then, RUNGS[g]),
        describe: `People on each rung, ${periodName(then.period)} against ${periodName(now.period)}: ` + RUNGS.map((r) => `${rungName(r)} ${said(at(then, r), k)} against ${said(at(now, r), k)}`).join("; ") + ".",
      }),
      valueTable("the two months", `People on each rung, ${periodName(then.period)} and ${periodName(now.period)}`, ["Rung", periodName(then.period), periodName(now.period)],
        RUNGS.map((r) => [rungName(r), [at(then, r), at(now, r)]]), k),
    ] : null);
}

function capacityTrend(quarters, k) {
  const title = "Capacities over time";
  if (!quarters.length) return section(title, empty("No quarterly release yet."));
  const ser = Object.entries(PERSPECTIVES).map(([p, name], i) => ({ p, name, cls: `fill-view-${i}` }));
  const groups = quarters.map((q) => ({ label: periodName(q.period), short: periodShort(q.period) }));
  const cell = (q, p, cap, score) => {
    const t = q.tables[`capacity/${p}`];
    const row = t && t.capacities.find((c) => c.capacity === cap);
    return row ? val(row.scores.find((x) => x.score === score), t.margin_95) : null;
  };
  const latest = quarters[quarters.length - 1];
  return section(title,
    h("p", { class: "hint" }, "People by their latest check-in score, from 1 to 4, at the end of each quarter: in their own view and in staff's view. ",
      `These counts carry a wide margin (±${latest.tables["capacity/self"].margin_95}), so only large changes mean much.`),
    seriesKey(ser),
    Object.entries(CAPACITIES).map(([cap, capName]) => h("div", { class: "cap-block" },
      h("h3", {}, capName),
      h("div", { class: "multiples multiples-4" }, [1, 2, 3, 4].map((score) => h("div", { class: "multiple" },
        h("h4", {}, `Score ${score}`),
        columnChart({
          groups, series: ser, k, height: 90,
          value: (g, i) => cell(quarters[g], ser[i].p, cap, score),
          describe: `${capName}, score ${score}: ` + ser.map((x) => trendWords(x.name, quarters.map((q) => ({ period: q.period, v: cell(q, x.p, cap, score) })), k)).join(" "),
        })))),
      valueTable(`"${capName.toLowerCase()}"`, `${capName}: people by latest score, by quarterly release`,
        ["Quarter", ...ser.flatMap((x) => [1, 2, 3, 4].map((n) => `${x.name}, score ${n}`))],
        [...quarters].reverse().map((q) => [periodName(q.period), ser.flatMap((x) => [1, 2, 3, 4].map((n) => cell(q, x.p, cap, n)))]), k))));
}

function ladderSection(ladder) {
  const by = new Map((ladder.rungs || []).map((r) => [r.rung, r.programs || []]));
  return section("Programs on each rung",
    h("p", { class: "hint" }, "The organisation's programs, by the rung each fits best. This is the inventory, not a count of people."),
    h("ol", { class: "ladder compact" }, [...RUNGS].reverse().map((r) => {
      const ps = by.get(r) || [];
      return h("li", { class: `rung rung-edge-${r}${ps.length ? "" : " rung-empty"}` },
        h("strong", {}, rungName(r)), " ",
        ps.length ? h("span", {}, ps.map((p) => p.name).join(", ")) : h("span", { class: "gap" }, "No programs yet: a pathway is missing here."));
    })),
    csvLink("/reports/ladder", {}, "the ladder"));
}

/** The chosen release in detail, with its downloads. */
function snapshot(r, k) {
  const t = r.tables, period = r.period;
  const dist = t.distribution, mv = t.movement, progs = t["distribution/programs"], roles = t.roles;
  const tiles = MOVES.map(([key, label]) => [label, mv[key]]);
  const rows = progs.rows || [];
  return section(`${periodName(period)} in detail`,
    h("h3", {}, "People on each rung"),
    barChart(RUNGS.map((rg) => ({ label: rungName(rg), value: val(rungCell(dist, rg), dist.margin_95), cls: `fill-${rg}` })), { title: `People on each rung, ${periodName(period)}`, k }),
    h("p", { class: "total" }, "Everyone on the pathway: ", countText(dist.total, k)),
    h("h3", {}, "Movement"),
    h("ul", { class: "tiles" }, tiles.map(([l, c]) => h("li", { class: "tile" }, h("span", { class: "tile-label" }, l), countText(c, k)))),
    h("h3", {}, "Rungs by program"),
    h("p", { class: "hint" }, `Everyone enrolled at some time in the period, by their rung at its end. Each cell ±${progs.margin_95}.`),
    rows.length ? h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": "Rungs by program" },
      h("table", { class: "grid" },
        h("caption", { class: "visually-hidden" }, `People on each rung, by program, ${periodName(period)}`),
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Program"), RUNGS.map((rg) => h("th", { scope: "col" }, rungName(rg))), h("th", { scope: "col" }, "All"))),
        h("tbody", {}, rows.map((row) => h("tr", {}, h("th", { scope: "row" }, row.program),
          row.cells.map((c) => h("td", { class: c.fewer_than_k ? "cell-hidden" : "" }, countText(c, k, 0))),
          h("td", { class: row.total.fewer_than_k ? "cell-hidden" : "" }, countText(row.total, k))))))) : empty("No programs in this release."),
    h("h3", {}, "Boards and bureaus"),
    (roles.bodies || []).length ? h("ul", { class: "plain-list" }, roles.bodies.map((b) => h("li", {},
      h("strong", {}, b.name), ` (${BODY_KINDS[b.kind] || b.kind}). `,
      "Seats filled: ", countText(b.seats_filled, k, roles.margin_95), b.seats != null ? ` (it has ${b.seats} seats)` : "",
      b.kind === "speakers_bureau" ? [". Speakers: ", countText(b.speakers_in_period, k, roles.margin_95),
        ". Talks given: ", String((b.speaking_engagements || []).reduce((a, x) => a + x.count, 0))] : null, "."))) : empty("No bodies in this release."),
    h("p", { class: "downloads" },
      csvLink("/reports/distribution", { period }, "rung counts"), " ",
      csvLink("/reports/movement", { period }, "movement"), " ",
      csvLink("/reports/distribution/programs", { period }, "rungs by program"), " ",
      csvLink("/reports/roles", { period }, "roles"), " ",
      csvLink("/reports/capacity", { period }, "capacities")));
}

function protectedNote(list, chosen) {
  const b = list.budget;
  const ledger = chosen ? chosen.ledger : [];
  const m = (name) => (ledger.find((l) => l.table === name) || {}).margin_95;
  return h("section", { class: "panel protected", "aria-labelledby": "h-protected" },
    h("h2", { id: "h-protected" }, "How these numbers are protected"),
    h("ul", {},
      h("li", {}, "Each release adds random noise to its counts once, when its period has closed, and is stored. It is never recomputed, so nobody can learn about one person by comparing versions."),
      b ? h("li", {}, `In ${b.year}, releases have spent ε ${b.epsilon_spent} of the ${b.epsilon_limit} the year allows. ε measures how much the releases together could reveal about any one person; the cap keeps it small.`) : null,
      h("li", {}, "Each count comes with a margin: the true count is within it 95 times in 100. ",
        chosen && m("distribution") ? `One rung count is within ±${m("distribution")} and one movement cell within ±${m("movement")}; sums such as "moved up" add several cells and carry their own, wider margin, shown beside them.` : ""),
      h("li", {}, `A count that comes out under ${chosen ? chosen.min_cell_size : 11} reads "${fewerThan(chosen ? chosen.min_cell_size : 11)}". It is not a zero, and it is never drawn as one.`)),
    chosen ? h("p", { class: "hint" }, `Method: ${chosen.method}. Library: ${chosen.library}.`) : null);
}
