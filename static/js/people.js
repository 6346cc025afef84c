// Finding people on the pathway, adding a person with their consent, and
// the pathway suggestions staff can accept in one tap.

import { get, post } from "./api.js";
import { h, fill, today, showDate } from "./dom.js";
import { RUNGS, rungName, CONSENT_METHODS, SCOPES } from "./words.js";
import { form, textField, selectField, choiceGroup, onSubmit, value, ticked } from "./forms.js";
import { rungTag, programsById, rungChoices, actionButton } from "./parts.js";
import { t, tn, formatDate } from "./i18n.js";

const PAGE = 25;
const RECENT = 8;

/** The orders the list can take, as the API names them, in words. */
const sortNames = () => ({ name: t("people.sort.name"), last_engaged: t("people.sort.last_engaged"), added: t("people.sort.added") });
const SORTS = ["name", "last_engaged", "added"];

/** The address of the event page, for a program when one is chosen. */
export const eventHref = (programId) => "/events/new" + (programId ? `?program_id=${encodeURIComponent(programId)}` : "");

/** The people list: search by name or reference, filter by rung and program, sort, and the people opened lately. */
export async function peopleView(ctx) {
  const [programs, suggestions] = await Promise.all([
    programsById(),
    ctx.can.writePeople ? get("/suggestions").then((r) => r.items) : Promise.resolve([]),
  ]);
  const q = ctx.query;
  const programOptions = [["", t("people.filter.any_program")], ...[...programs.values()].map((p) => [String(p.id), p.name])];
  const search = h("form", { class: "search", role: "search", "aria-label": t("people.search.region") },
    textField({ name: "q", label: t("people.search.label"), type: "search", value: q.get("q") || "", hint: t("people.search.hint") }),
    selectField({ name: "rung", label: t("people.filter.rung"), options: [["", t("people.filter.any_rung")], ...RUNGS.map((r) => [r, rungName(r)])], value: q.get("rung") || "" }),
    selectField({ name: "program_id", label: t("people.filter.program"), options: programOptions, value: q.get("program_id") || "" }),
    selectField({ name: "sort", label: t("people.sort.label"), options: Object.entries(sortNames()), value: SORTS.includes(q.get("sort")) ? q.get("sort") : "name" }),
    h("div", { class: "form-actions" }, h("button", { type: "submit" }, t("people.search.submit"))));
  const count = h("p", { class: "result-count", "aria-live": "polite" });
  const list = h("ul", { class: "cards people", "aria-label": t("people.list.label") });
  const more = h("div", { class: "more" });
  const logEvent = ctx.can.writePeople ? h("a", { class: "button button-secondary", href: eventHref(q.get("program_id")) }, t("people.event.link")) : null;
  const recent = h("div", { class: "recent-slot" });
  let seq = 0;

  async function load(cursor) {
    const mine = ++seq;
    const params = {
      q: value(search, "q"), rung: value(search, "rung"), program_id: value(search, "program_id"), sort: value(search, "sort"),
      limit: PAGE, cursor,
    };
    if (!cursor) {
      const url = new URL(location.href);
      for (const k of ["q", "rung", "program_id", "sort"]) { if (params[k] && !(k === "sort" && params[k] === "name")) url.searchParams.set(k, params[k]); else url.searchParams.delete(k); }
      history.replaceState(null, "", url.pathname + url.search);
      list.setAttribute("aria-busy", "true");
      if (logEvent) {
        logEvent.href = eventHref(params.program_id);
        logEvent.textContent = params.program_id ? t("people.event.link_program") : t("people.event.link");
      }
    }
    let page;
    try {
      page = await get("/participants", params);
    } catch (err) {
      if (mine === seq) { count.textContent = err.message; list.removeAttribute("aria-busy"); }
      return;
    }
    if (mine !== seq) return;
    list.removeAttribute("aria-busy");
    if (!cursor) list.replaceChildren();
    const firstNew = page.items.map((p) => { const li = personCard(p, programs); list.append(li); return li; })[0];
    const shown = list.children.length;
    const filtered = params.q || params.rung || params.program_id;
    count.textContent = shown === 0
      ? (filtered ? t("people.list.no_match") : t("people.list.nobody"))
      : (page.next_cursor ? tn("people.list.count_more", shown) : tn("people.list.count", shown));
    fill(more, page.next_cursor ? h("button", { type: "button", class: "button-secondary", onclick: async (ev) => {
      ev.target.disabled = true;
      ev.target.textContent = t("people.list.loading");
      await load(page.next_cursor);
    } }, t("people.list.more")) : null);
    if (cursor && firstNew) firstNew.querySelector("a").focus();
  }

  let timer;
  search.addEventListener("submit", (ev) => { ev.preventDefault(); clearTimeout(timer); load(); });
  search.elements.q.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(() => load(), 300); });
  for (const name of ["rung", "program_id", "sort"]) search.elements[name].addEventListener("change", () => load());
  load();
  get("/participants", { recent: "true", limit: RECENT }).then((r) => fill(recent, r.items.length ? recentPanel(r.items) : null), () => {});

  return h("section", { class: "page" },
    h("div", { class: "page-head" },
      h("h1", {}, t("people.title")),
      h("div", { class: "head-actions" },
        logEvent,
        ctx.can.writePeople ? h("a", { class: "button", href: "/participants/new" }, t("people.add.link")) : null)),
    search,
    recent,
    suggestions.length ? suggestionsPanel(ctx, suggestions) : null,
    count, list, more);
}

/** The people this account opened lately, as links. */
function recentPanel(items) {
  return h("section", { class: "panel recent", "aria-labelledby": "h-recent" },
    h("h2", { id: "h-recent" }, t("people.recent.title")),
    h("ul", { class: "recent-people" }, items.map((p) => h("li", {}, h("a", { href: `/participants/${p.id}` }, p.display_name)))));
}

/** When someone last took part, in words. */
export function lastEngaged(p) {
  return p.last_engaged_on ? t("people.card.last_engaged", { date: formatDate(p.last_engaged_on) }) : t("people.card.never_engaged");
}

function personCard(p, programs) {
  const names = (p.program_ids || []).map((id) => programs.get(id)?.name).filter(Boolean);
  return h("li", { class: "card person" },
    h("a", { class: "person-name", href: `/participants/${p.id}` }, p.display_name),
    h("span", { class: "ref" }, h("span", { class: "visually-hidden" }, t("people.card.ref")), p.external_ref),
    h("span", { class: "person-rung" }, h("span", { class: "visually-hidden" }, t("people.card.rung")), rungTag(p.current_rung)),
    names.length ? h("span", { class: "person-programs" }, names.join(", ")) : null,
    h("span", { class: "person-engaged" }, lastEngaged(p)));
}

/** Accepts a suggestion: a placement on the suggested rung, with its evidence. */
export function acceptSuggestion(sg) {
  return post(`/participants/${sg.participant_id}/placements`, {
    rung: sg.suggested_rung, effective_on: today(), note: "",
    evidence: sg.evidence.map((e) => ({ kind: e.kind, id: e.id })),
  });
}

/** One suggestion with its evidence and an accept button. */
export function suggestionCard(ctx, sg, { withName = true, onDone } = {}) {
  const card = h("li", { class: "card suggestion" },
    h("p", { class: "suggestion-what" },
      withName ? h("a", { href: `/participants/${sg.participant_id}` }, sg.display_name) : "Ready for a next step",
      ": ", rungTag(sg.current_rung), h("span", { "aria-hidden": "true" }, " → "), h("span", { class: "visually-hidden" }, " to "), rungTag(sg.suggested_rung)),
    h("p", { class: "hint" }, "Based on:"),
    h("ul", { class: "evidence" }, sg.evidence.map((e) => h("li", {}, e.what, " (", showDate(e.on), ")"))));
  const err = h("p", { class: "field-error", role: "alert", hidden: true });
  card.append(err, actionButton(`Move ${withName ? sg.display_name : "them"} to ${rungName(sg.suggested_rung)}`, "Saving…", async () => {
    err.hidden = true;
    try {
      await acceptSuggestion(sg);
    } catch (e) {
      err.textContent = e.message;
      err.hidden = false;
      return;
    }
    if (onDone) onDone();
    else {
      card.remove();
      ctx.announce(`${sg.display_name} is now on ${rungName(sg.suggested_rung)}.`);
    }
  }));
  return card;
}

function suggestionsPanel(ctx, suggestions) {
  return h("details", { class: "panel suggestions" },
    h("summary", {}, `Suggested next steps (${suggestions.length})`),
    h("p", { class: "hint" }, "Roles and program activity from the last 90 days point to a next rung for these people. Accepting records the move with that evidence."),
    h("ul", { class: "cards" }, suggestions.map((sg) => suggestionCard(ctx, sg))));
}

/** Adding a person: who they are, their programs, their consent and first rung, in one form. */
export async function newPersonView(ctx) {
  const programs = await programsById();
  // Unticked on purpose: ticking records that the person agreed.
  const scopes = choiceGroup({ name: "consent.scopes", legend: t("people.new.scopes"), type: "checkbox", value: [],
    hint: t("people.new.scopes_hint"),
    options: Object.entries(SCOPES).map(([v, l]) => [v, v === "tracking" ? t("people.new.scope_required", { scope: l }) : l]) });
  scopes.dataset.label = t("people.new.scopes_error_label");
  const frm = form({ label: t("people.new.title"), submit: t("people.new.submit") },
    textField({ name: "external_ref", label: t("people.new.ref"), hint: t("people.new.ref_hint"), maxlength: 100 }),
    textField({ name: "display_name", label: t("people.new.name"), hint: t("people.new.name_hint"), maxlength: 100 }),
    choiceGroup({ name: "program_ids", legend: t("people.new.programs"), type: "checkbox", options: [...programs.values()].map((p) => [String(p.id), p.name]) }),
    h("fieldset", { class: "group" },
      h("legend", {}, t("people.new.consent")),
      h("p", { class: "hint" }, t("people.new.consent_hint")),
      textField({ name: "consent.given_on", label: t("people.new.consent_date"), type: "date", value: today(), max: today() }),
      choiceGroup({ name: "consent.method", legend: t("people.new.consent_method"), options: Object.entries(CONSENT_METHODS), value: "written", inline: true }),
      scopes),
    choiceGroup({ name: "rung", legend: t("people.new.rung"), options: rungChoices(), value: "observer" }));
  onSubmit(frm, async () => {
    let p;
    try {
      p = await post("/participants", {
        external_ref: value(frm, "external_ref"),
        display_name: value(frm, "display_name"),
        program_ids: ticked(frm, "program_ids").map(Number),
        consent: { given_on: value(frm, "consent.given_on"), method: value(frm, "consent.method"), scopes: ticked(frm, "consent.scopes") },
        rung: value(frm, "rung"),
      });
    } catch (err) {
      // The only way the form's scopes are refused is without the one
      // every person needs: say so in the form's words.
      for (const fe of err.errors || []) {
        if (String(fe.field || "").startsWith("consent.scopes")) { fe.field = "consent.scopes"; fe.message = t("people.new.scopes_needed", { scope: SCOPES.tracking }); }
      }
      if (err.errors) err.errors = err.errors.filter((fe, i, all) => all.findIndex((x) => x.field === fe.field && x.message === fe.message) === i);
      throw err;
    }
    ctx.navigate(`/participants/${p.id}`, { message: t("people.new.added", { name: p.display_name, rung: rungName(p.current_rung) }) });
  }, t("people.new.busy"));
  return h("section", { class: "page narrow" },
    h("p", { class: "crumb" }, h("a", { href: "/participants" }, t("people.crumb"))),
    h("h1", {}, t("people.new.title")),
    frm);
}
