// The leadership dashboard: anonymised reports drawn as charts, with a
// period picker and CSV downloads. Hidden counts are drawn as hidden.

import { get, query } from "./api.js";
import { h } from "./dom.js";
import { RUNGS, rungName, BODY_KINDS, AUDIENCES, CAPACITIES, PERSPECTIVES } from "./words.js";
import { section, countText, empty } from "./parts.js";
import { barChart, flowChart, hiddenLegend, HIDDEN } from "./charts.js";
import { currentMonth, recentPeriods, periodName } from "./periods.js";

const rungRows = (cells) => cells.map((c) => ({ label: rungName(c.rung), count: c.count, suppressed: c.suppressed, cls: `fill-${c.rung}` }));

function csvLink(path, params, what) {
  return h("a", { class: "csv", href: `/api/v1${path}${query({ ...params, format: "csv" })}`, download: "" }, `Download ${what} (CSV)`);
}

function failed(err) { return h("p", { class: "notice" }, err.message); }

function reason(rep) { return rep.reason ? h("p", { class: "notice" }, rep.reason) : null; }

/** The dashboard page. */
export async function dashboardView(ctx) {
  const period = ctx.query.get("period") || currentMonth();
  const perspective = ctx.query.get("perspective") || "self";
  const safe = (p) => p.catch((err) => ({ error: err }));
  const [dist, byProgram, movement, roles, capacity] = await Promise.all([
    safe(get("/reports/distribution", { period })),
    safe(get("/reports/distribution/programs", { period })),
    safe(get("/reports/movement", { period })),
    safe(get("/reports/roles", { period })),
    safe(get("/reports/capacity", { period, perspective })),
  ]);
  const k = [dist, byProgram, movement, roles, capacity].find((r) => !r.error)?.min_cell_size ?? 11;
  const asOf = dist.as_of;
  return h("section", { class: "page wide" },
    h("h1", {}, "How client voice is growing"),
    h("p", { class: "lede" }, "Anonymised counts only: no names, no case-management IDs, no notes."),
    periodForm(ctx, period, perspective),
    h("p", { class: "hint" }, `${periodName(period)}${asOf ? `, counted as of ${asOf}` : ""}.`),
    hiddenLegend(k),
    h("div", { class: "dash-grid" },
      distributionSection(dist, period),
      movementSection(movement, period),
      programSection(byProgram, period),
      rolesSection(roles, period),
      capacitySection(capacity, period, perspective)));
}

function periodForm(ctx, period, perspective) {
  const { months, quarters } = recentPeriods();
  const known = [...months, ...quarters].some(([v]) => v === period);
  const frm = h("form", { class: "period-form", "aria-label": "Choose the period" },
    h("div", { class: "field" },
      h("label", { for: "period" }, "Period"),
      h("select", { id: "period", name: "period" },
        known ? null : h("option", { value: period, selected: true }, period),
        h("optgroup", { label: "Months" }, months.map(([v, l]) => h("option", { value: v, selected: v === period }, l))),
        h("optgroup", { label: "Quarters" }, quarters.map(([v, l]) => h("option", { value: v, selected: v === period }, l))))),
    h("div", { class: "field" },
      h("label", { for: "perspective" }, "Capacity check-ins from"),
      h("select", { id: "perspective", name: "perspective" },
        Object.entries(PERSPECTIVES).map(([v, l]) => h("option", { value: v, selected: v === perspective }, l)))),
    h("div", { class: "form-actions" }, h("button", { type: "submit" }, "Show")));
  frm.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const p = frm.elements.period.value, v = frm.elements.perspective.value;
    history.replaceState(null, "", `/dashboard${query({ period: p, perspective: v === "self" ? "" : v })}`);
    ctx.rerender("#period", `Showing ${periodName(p)}.`);
  });
  return frm;
}

function distributionSection(rep, period) {
  if (rep.error) return section("People on each rung", failed(rep.error));
  return section("People on each rung",
    reason(rep),
    barChart(rungRows(rep.cells), { title: "People on each rung" }),
    h("p", { class: "total" }, "Everyone on the pathway: ", countText(rep.total)),
    csvLink("/reports/distribution", { period }, "rung counts"));
}

function movementSection(rep, period) {
  if (rep.error) return section("Movement between rungs", failed(rep.error));
  const tiles = [["Moved up", rep.up], ["Stayed", rep.stayed], ["Moved down", rep.down], ["New to the pathway", rep.entered]];
  const from = [...RUNGS.map((r) => [r, rungName(r)]), [null, "New"]];
  const cell = (f, t) => rep.transitions.find((x) => (x.from ?? null) === f && x.to === t);
  return section("Movement between rungs",
    reason(rep),
    h("p", { class: "hint" }, "Each person counted once: the rung they were on just before the period, and the rung they are on at its end. Moving in any direction is part of a journey."),
    h("ul", { class: "tiles" }, tiles.map(([l, c]) => h("li", { class: "tile" }, h("span", { class: "tile-label" }, l), countText(c, true)))),
    flowChart(rep),
    h("details", { class: "as-table" }, h("summary", {}, "Show the movement as a table"),
      h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": "Movement table" },
        h("table", {},
          h("caption", {}, "Rows: rung before the period. Columns: rung at its end."),
          h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "From"), RUNGS.map((r) => h("th", { scope: "col" }, rungName(r))))),
          h("tbody", {}, from.map(([f, l]) => h("tr", {}, h("th", { scope: "row" }, l),
            RUNGS.map((t) => { const c = cell(f, t); return h("td", { class: c && c.suppressed ? "cell-hidden" : "" }, c ? countText(c, true) : "0"); }))))))),
    medianStays(rep),
    h("p", { class: "total" }, "People now below the highest rung they have reached: ", countText(rep.below_highest_rung_reached)),
    csvLink("/reports/movement", { period }, "movement"));
}

function medianStays(rep) {
  const rows = (rep.median_days_before_moving_up || []).filter((m) => m.days != null || m.suppressed);
  if (!rows.length) return null;
  return h("div", {},
    h("h3", {}, "Typical time on a rung before moving up"),
    h("ul", { class: "plain-list tight" }, rows.map((m) => h("li", {}, `${rungName(m.rung)}: `,
      m.suppressed ? h("span", { class: "hidden-count" }, HIDDEN) : `${m.days} days (median)`))));
}

function programSection(rep, period) {
  if (rep.error) return section("Rungs by program", failed(rep.error));
  const rows = rep.rows || [];
  const max = Math.max(1, ...rows.flatMap((r) => r.cells.filter((c) => !c.suppressed).map((c) => c.count || 0)));
  const heat = (c) => (c.suppressed ? "cell-hidden" : `heat-${Math.min(4, Math.ceil(((c.count || 0) / max) * 4))}`);
  const td = (c) => h("td", { class: heat(c) }, countText(c, true));
  return section("Rungs by program",
    reason(rep),
    h("p", { class: "hint" }, "A person in two programs is counted in both rows."),
    rows.length ? h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": "Rungs by program" },
      h("table", { class: "grid" },
        h("caption", { class: "visually-hidden" }, "People on each rung, by program"),
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Program"), RUNGS.map((r) => h("th", { scope: "col" }, rungName(r))), h("th", { scope: "col" }, "All"))),
        h("tbody", {}, rows.map((r) => h("tr", {}, h("th", { scope: "row" }, r.program), r.cells.map(td), td(r.total)))),
        h("tfoot", {}, h("tr", {}, h("th", { scope: "row" }, "Everyone"), rep.totals.cells.map(td), td(rep.totals.total))))) : empty("No programs yet."),
    csvLink("/reports/distribution/programs", { period }, "rungs by program"));
}

function rolesSection(rep, period) {
  if (rep.error) return section("Roles and speaking", failed(rep.error));
  const bodies = rep.bodies || [];
  const talks = new Map();
  for (const b of bodies) for (const t of b.speaking_engagements || []) talks.set(t.audience, (talks.get(t.audience) || 0) + t.count);
  return section("Roles and speaking",
    bodies.length ? h("ul", { class: "cards" }, bodies.map((b) => h("li", { class: "card" },
      h("strong", {}, b.name), h("span", { class: "muted" }, BODY_KINDS[b.kind] || b.kind),
      barChart([
        { label: "Seats filled", count: b.seats_filled.count, suppressed: b.seats_filled.suppressed, cls: "fill-seat" },
        ...(b.seats != null ? [{ label: "All seats", count: b.seats, cls: "fill-total" }] : []),
        { label: "People in roles", count: b.people_in_period.count, suppressed: b.people_in_period.suppressed, cls: "fill-people" },
        ...(b.kind === "speakers_bureau" ? [{ label: "Speakers", count: b.speakers_in_period.count, suppressed: b.speakers_in_period.suppressed, cls: "fill-people" }] : []),
      ], { title: `${b.name}, this period` }),
      h("p", { class: "hint" }, "People in roles and speakers count anyone who held a role at some time in the period.")))) : empty("No bodies yet."),
    h("h3", {}, "Speaking engagements by audience"),
    talks.size ? barChart([...talks].map(([a, n]) => ({ label: AUDIENCES[a] || a, count: n, cls: "fill-talk" })), { title: "Speaking engagements by audience" })
      : empty("No speaking engagements in this period."),
    csvLink("/reports/roles", { period }, "roles and speaking"));
}

function capacitySection(rep, period, perspective) {
  if (rep.error) return section("Capacities", failed(rep.error));
  if (rep.checked_in && !rep.checked_in.suppressed && rep.checked_in.count === 0) {
    return section("Capacities", empty(`No capacity check-ins (${(PERSPECTIVES[rep.perspective] || rep.perspective).toLowerCase()}) yet.`),
      csvLink("/reports/capacity", { period, perspective }, "capacities"));
  }
  return section("Capacities",
    reason(rep),
    h("p", { class: "hint" }, `${PERSPECTIVES[rep.perspective] || rep.perspective}, on a scale of 1 to 4. People checked in: `, countText(rep.checked_in),
      ". Compared with their first check-in: ", countText(rep.compared), "."),
    h("div", { class: "cap-grid" }, (rep.capacities || []).map((c) => h("div", { class: "cap" },
      h("h3", {}, CAPACITIES[c.capacity] || c.capacity),
      barChart(c.scores.map((sc) => ({ label: `Score ${sc.score}`, count: sc.count, suppressed: sc.suppressed, cls: `fill-score-${sc.score}` })), { title: `${CAPACITIES[c.capacity]}, latest scores` }),
      h("h4", {}, "Since their first check-in"),
      barChart([
        { label: "Higher", count: c.improved.count, suppressed: c.improved.suppressed, cls: "fill-up" },
        { label: "The same", count: c.stayed.count, suppressed: c.stayed.suppressed, cls: "fill-same" },
        { label: "Lower", count: c.declined.count, suppressed: c.declined.suppressed, cls: "fill-down" },
      ], { title: `${CAPACITIES[c.capacity]}, change since the first check-in` })))),
    csvLink("/reports/capacity", { period, perspective }, "capacities"));
}
