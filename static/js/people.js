// Finding people on the pathway, adding a person with their consent, and
// a link to the pathway suggestions (suggestions.js).

import { get, post } from "./api.js";
import { h, fill, today, plural } from "./dom.js";
import { RUNGS, rungName, CONSENT_METHODS, SCOPES } from "./words.js";
import { form, textField, selectField, choiceGroup, onSubmit, value, ticked } from "./forms.js";
import { rungTag, programsById, rungChoices } from "./parts.js";
import { suggestionsLink } from "./suggestions.js";

const PAGE = 25;

/** The people list: search by name or reference, filter by rung and program. */
export async function peopleView(ctx) {
  const programs = await programsById();
  const q = ctx.query;
  const programOptions = [["", "Any program"], ...[...programs.values()].map((p) => [String(p.id), p.name])];
  const search = h("form", { class: "search", role: "search", "aria-label": "Find people" },
    textField({ name: "q", label: "Name or case-management ID", type: "search", value: q.get("q") || "" }),
    selectField({ name: "rung", label: "Rung", options: [["", "Any rung"], ...RUNGS.map((r) => [r, rungName(r)])], value: q.get("rung") || "" }),
    selectField({ name: "program_id", label: "Program", options: programOptions, value: q.get("program_id") || "" }),
    h("div", { class: "form-actions" }, h("button", { type: "submit" }, "Search")));
  const count = h("p", { class: "result-count", "aria-live": "polite" });
  const list = h("ul", { class: "cards people", "aria-label": "People found" });
  const more = h("div", { class: "more" });
  let seq = 0;

  async function load(cursor) {
    const mine = ++seq;
    const params = {
      q: value(search, "q"), rung: value(search, "rung"), program_id: value(search, "program_id"),
      limit: PAGE, cursor,
    };
    if (!cursor) {
      const url = new URL(location.href);
      for (const k of ["q", "rung", "program_id"]) { if (params[k]) url.searchParams.set(k, params[k]); else url.searchParams.delete(k); }
      history.replaceState(null, "", url.pathname + url.search);
      list.setAttribute("aria-busy", "true");
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
      ? (filtered ? "Nobody matches that search." : "Nobody has been added yet.")
      : `Showing ${plural(shown, "person", "people")}${page.next_cursor ? " (there are more)" : ""}.`;
    fill(more, page.next_cursor ? h("button", { type: "button", class: "button-secondary", onclick: async (ev) => {
      ev.target.disabled = true;
      ev.target.textContent = "Loading…";
      await load(page.next_cursor);
    } }, "Show more") : null);
    if (cursor && firstNew) firstNew.querySelector("a").focus();
  }

  let timer;
  search.addEventListener("submit", (ev) => { ev.preventDefault(); clearTimeout(timer); load(); });
  search.elements.q.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(() => load(), 300); });
  search.elements.rung.addEventListener("change", () => load());
  search.elements.program_id.addEventListener("change", () => load());
  load();

  return h("section", { class: "page" },
    h("div", { class: "page-head" },
      h("h1", {}, "People on the pathway"),
      ctx.can.writePeople ? h("a", { class: "button", href: "/participants/new" }, "Add a person") : null),
    search,
    suggestionsLink(ctx),
    count, list, more);
}

function personCard(p, programs) {
  const names = (p.program_ids || []).map((id) => programs.get(id)?.name).filter(Boolean);
  return h("li", { class: "card person" },
    h("a", { class: "person-name", href: `/participants/${p.id}` }, p.display_name),
    h("span", { class: "ref" }, h("span", { class: "visually-hidden" }, "Case-management ID "), p.external_ref),
    h("span", { class: "person-rung" }, h("span", { class: "visually-hidden" }, "Now on: "), rungTag(p.current_rung)),
    names.length ? h("span", { class: "person-programs" }, names.join(", ")) : null);
}

/** Adding a person: who they are, their programs, their consent and first rung, in one form. */
export async function newPersonView(ctx) {
  const programs = await programsById();
  const frm = form({ label: "Add a person", submit: "Add person" },
    textField({ name: "external_ref", label: "Case-management ID", hint: "Their ID in your case-management system, so the two records line up.", maxlength: 100 }),
    textField({ name: "display_name", label: "Preferred name", hint: "The name they like to be called.", maxlength: 100 }),
    choiceGroup({ name: "program_ids", legend: "Programs", type: "checkbox", options: [...programs.values()].map((p) => [String(p.id), p.name]) }),
    h("fieldset", { class: "group" },
      h("legend", {}, "Consent"),
      h("p", { class: "hint" }, "Pathway only follows people who have agreed to it."),
      textField({ name: "consent.given_on", label: "Date consent was given", type: "date", value: today(), max: today() }),
      choiceGroup({ name: "consent.method", legend: "How it was given", options: Object.entries(CONSENT_METHODS), value: "written", inline: true }),
      choiceGroup({ name: "consent.scopes", legend: "They agreed to", type: "checkbox", value: ["tracking"],
        hint: "Following their journey is required. Sharing their story is needed before any public speaking.",
        options: Object.entries(SCOPES).map(([v, l]) => [v, v === "tracking" ? l + " (required)" : l]) })),
    choiceGroup({ name: "rung", legend: "Starting rung", options: rungChoices(), value: "observer" }));
  onSubmit(frm, async () => {
    const p = await post("/participants", {
      external_ref: value(frm, "external_ref"),
      display_name: value(frm, "display_name"),
      program_ids: ticked(frm, "program_ids").map(Number),
      consent: { given_on: value(frm, "consent.given_on"), method: value(frm, "consent.method"), scopes: ticked(frm, "consent.scopes") },
      rung: value(frm, "rung"),
    });
    ctx.navigate(`/participants/${p.id}`, { message: `${p.display_name} was added on ${rungName(p.current_rung)}.` });
  }, "Adding…");
  return h("section", { class: "page narrow" },
    h("p", { class: "crumb" }, h("a", { href: "/participants" }, "People")),
    h("h1", {}, "Add a person"),
    frm);
}
