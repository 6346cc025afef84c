// The ladder board: five rungs, the programs on each, and how many people
// stand on each rung, counted honestly for the reader's role.

import { get, post } from "./api.js";
import { h } from "./dom.js";
import { RUNGS, RUNG, rungName, STRATEGIES } from "./words.js";
import { form, textField, selectField, choiceGroup, onSubmit, value, ticked } from "./forms.js";
import { rungTag } from "./parts.js";
import { periodName } from "./periods.js";

/** People per rung: the anonymised report for leadership and admin, exact counts of visible people otherwise. */
async function rungCounts(ctx) {
  if (ctx.can.reports) {
    const { items } = await get("/releases");
    const month = items.find((it) => it.kind === "month");
    if (!month) return { caption: "People on each rung appear here once the first monthly release is published.", text: () => "" };
    const rep = await get("/reports/distribution", { period: month.period });
    const by = new Map(rep.cells.map((c) => [c.rung, c]));
    return {
      caption: `People on each rung at the end of ${periodName(month.period)}, from its release. Each count is within ±${rep.margin_95} of the truth 95 times in 100; a count under ${rep.min_cell_size} reads "fewer than ${rep.min_cell_size}".`,
      text: (r) => {
        const c = by.get(r);
        if (!c || c.fewer_than_k) return h("span", { class: "hidden-count" }, `fewer than ${rep.min_cell_size}`);
        return `about ${c.count} ${c.count === 1 ? "person" : "people"}`;
      },
    };
  }
  const counts = await get("/participants/counts");
  const by = new Map(counts.rungs.map((c) => [c.rung, c.count]));
  const scoped = ctx.user.role === "staff" && (ctx.user.program_ids || []).length > 0;
  return {
    caption: scoped ? "People on each rung in your caseload." : "People on each rung.",
    text: (r) => {
      const n = by.get(r) || 0;
      return n === 0 ? "Nobody yet" : `${n} ${n === 1 ? "person" : "people"}`;
    },
  };
}

/** The ladder page. */
export async function ladderView(ctx) {
  const [ladder, counts] = await Promise.all([get("/ladder"), rungCounts(ctx)]);
  const byRung = new Map(ladder.rungs.map((r) => [r.rung, r.programs]));
  const board = h("ol", { class: "ladder" }, [...RUNGS].reverse().map((r) => {
    const programs = byRung.get(r) || [];
    return h("li", { class: `rung rung-edge-${r}${programs.length ? "" : " rung-empty"}` },
      h("div", { class: "rung-head" },
        h("h2", {}, rungTag(r)),
        h("p", { class: "rung-count" }, counts.text(r))),
      h("p", { class: "rung-meaning" }, RUNG[r].meaning),
      programs.length
        ? h("ul", { class: "programs", "aria-label": `Programs on ${rungName(r)}` }, programs.map(programItem))
        : h("p", { class: "gap" }, "No programs on this rung yet. A gap here shows where a pathway is missing."));
  }));
  return h("section", { class: "page" },
    h("h1", {}, "The ladder of engagement"),
    h("p", { class: "lede" }, "Five rungs, from first contact to leading change. Every rung has value, and people move in both directions, skip rungs and come back."),
    h("p", { class: "hint" }, counts.caption, " The board reads from leading change at the top to first contact at the bottom."),
    counts.reason ? h("p", { class: "notice" }, counts.reason) : null,
    board,
    ctx.can.editPrograms ? h("details", { class: "panel action" }, h("summary", {}, "Add a program to the ladder"), programForm(ctx)) : null);
}

function programItem(p) {
  return h("li", { class: "program" },
    h("strong", {}, p.name),
    p.description ? h("span", { class: "program-desc" }, p.description) : null,
    h("span", { class: "muted" }, [
      p.beneficiaries ? `For ${p.beneficiaries}` : "",
      p.estimated_served != null ? `about ${p.estimated_served} a year` : "",
    ].filter(Boolean).join(", ")),
    (p.strategies || []).length ? h("span", { class: "tags" }, p.strategies.map((st) => h("span", { class: "tag" }, STRATEGIES[st] || st))) : null);
}

function programForm(ctx) {
  const frm = form({ label: "Add a program", submit: "Add program" },
    textField({ name: "name", label: "Program name", maxlength: 200 }),
    selectField({ name: "rung", label: "Rung it fits best", options: RUNGS.map((r) => [r, rungName(r)]), value: "observer" }),
    textField({ name: "description", label: "What it does (optional)", maxlength: 2000 }),
    textField({ name: "beneficiaries", label: "Who it serves (optional)", maxlength: 500 }),
    textField({ name: "estimated_served", label: "About how many people a year (optional)", type: "number", min: 0, inputmode: "numeric" }),
    choiceGroup({ name: "strategies", legend: "Social change strategies", type: "checkbox", options: Object.entries(STRATEGIES) }));
  return onSubmit(frm, async () => {
    const body = {
      name: value(frm, "name"), rung: value(frm, "rung"), description: value(frm, "description"),
      beneficiaries: value(frm, "beneficiaries"), strategies: ticked(frm, "strategies"),
    };
    const n = value(frm, "estimated_served");
    if (n !== "") body.estimated_served = Number(n);
    const p = await post("/programs", body);
    await ctx.rerender("h1", `${p.name} was added to ${rungName(p.rung)}.`);
  });
}
