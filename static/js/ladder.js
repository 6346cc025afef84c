// The ladder board: five rungs, the programs on each, and how many people
// stand on each rung, counted honestly for the reader's role.

import { get, post } from "./api.js";
import { h } from "./dom.js";
import { RUNGS, RUNG, rungName, STRATEGIES } from "./words.js";
import { form, textField, selectField, choiceGroup, onSubmit, value, ticked } from "./forms.js";
import { rungTag } from "./parts.js";
import { periodName } from "./periods.js";
import { t, tn, formatNumber } from "./i18n.js";

/** People per rung: the anonymised report for leadership and admin, exact counts of visible people otherwise. */
async function rungCounts(ctx) {
  if (ctx.can.reports) {
    const { items } = await get("/releases");
    const month = items.find((it) => it.kind === "month");
    if (!month) return { caption: t("ladder.counts.none_yet"), text: () => "" };
    const rep = await get("/reports/distribution", { period: month.period });
    const by = new Map(rep.cells.map((c) => [c.rung, c]));
    return {
      caption: t("ladder.counts.release", { period: periodName(month.period), margin: formatNumber(rep.margin_95), k: formatNumber(rep.min_cell_size) }),
      text: (r) => {
        const c = by.get(r);
        if (!c || c.fewer_than_k) return h("span", { class: "hidden-count" }, t("dashboard.fewer_than", { k: formatNumber(rep.min_cell_size) }));
        return tn("ladder.counts.about", c.count);
      },
    };
  }
  const counts = await get("/participants/counts");
  const by = new Map(counts.rungs.map((c) => [c.rung, c.count]));
  const scoped = ctx.user.role === "staff" && (ctx.user.program_ids || []).length > 0;
  return {
    caption: scoped ? t("ladder.counts.caseload") : t("ladder.counts.all"),
    text: (r) => {
      const n = by.get(r) || 0;
      return n === 0 ? t("ladder.counts.nobody") : tn("ladder.counts.people", n);
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
        ? h("ul", { class: "programs", "aria-label": t("ladder.programs_on", { rung: rungName(r) }) }, programs.map(programItem))
        : h("p", { class: "gap" }, t("ladder.gap")));
  }));
  return h("section", { class: "page" },
    h("h1", {}, t("ladder.title")),
    h("p", { class: "lede" }, t("ladder.lede")),
    h("p", { class: "hint" }, counts.caption, " ", t("ladder.reading")),
    counts.reason ? h("p", { class: "notice" }, counts.reason) : null,
    board,
    ctx.can.editPrograms ? h("details", { class: "panel action" }, h("summary", {}, t("ladder.add.summary")), programForm(ctx)) : null);
}

function programItem(p) {
  return h("li", { class: "program" },
    h("strong", {}, p.name),
    p.description ? h("span", { class: "program-desc" }, p.description) : null,
    h("span", { class: "muted" }, [
      p.beneficiaries ? t("ladder.program.for", { who: p.beneficiaries }) : "",
      p.estimated_served != null ? t("ladder.program.served", { n: formatNumber(p.estimated_served) }) : "",
    ].filter(Boolean).join(", ")),
    (p.strategies || []).length ? h("span", { class: "tags" }, p.strategies.map((st) => h("span", { class: "tag" }, STRATEGIES[st] || st))) : null);
}

function programForm(ctx) {
  const frm = form({ label: t("ladder.add.form"), submit: t("ladder.add.submit") },
    textField({ name: "name", label: t("ladder.add.name"), maxlength: 200 }),
    selectField({ name: "rung", label: t("ladder.add.rung"), options: RUNGS.map((r) => [r, rungName(r)]), value: RUNGS[0] }),
    textField({ name: "description", label: t("ladder.add.description"), maxlength: 2000 }),
    textField({ name: "beneficiaries", label: t("ladder.add.beneficiaries"), maxlength: 500 }),
    textField({ name: "estimated_served", label: t("ladder.add.served"), type: "number", min: 0, inputmode: "numeric" }),
    choiceGroup({ name: "strategies", legend: t("ladder.add.strategies"), type: "checkbox", options: Object.entries(STRATEGIES) }));
  return onSubmit(frm, async () => {
    const body = {
      name: value(frm, "name"), rung: value(frm, "rung"), description: value(frm, "description"),
      beneficiaries: value(frm, "beneficiaries"), strategies: ticked(frm, "strategies"),
    };
    const n = value(frm, "estimated_served");
    if (n !== "") body.estimated_served = Number(n);
    const p = await post("/programs", body);
    await ctx.rerender("h1", t("ladder.add.done", { name: p.name, rung: rungName(p.rung) }));
  });
}
