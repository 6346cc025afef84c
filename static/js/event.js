// Logging an event: one occasion, many attendees, one save. Attendees are
// picked from a program's people, the people this account opened lately or
// a search, and each can be dropped again before saving. The program
// chosen last is offered first next time; only its id is kept in the
// browser, nothing about a person.

import { get, post, Problem } from "./api.js";
import { h, fill, today } from "./dom.js";
import { STRATEGIES } from "./words.js";
import { form, textField, selectField, noteField, onSubmit, value } from "./forms.js";
import { programsById } from "./parts.js";
import { t, tn } from "./i18n.js";

const LAST_PROGRAM = "pathway.event.program";
const PAGE = 100;

/** The id of the program last used for an event, if any. */
function lastProgram() {
  try { return localStorage.getItem(LAST_PROGRAM) || ""; } catch { return ""; }
}

function rememberProgram(id) {
  try {
    if (id) localStorage.setItem(LAST_PROGRAM, String(id));
    else localStorage.removeItem(LAST_PROGRAM);
  } catch { /* storage may be off; the default is only a convenience */ }
}

/** The event page. */
export async function eventView(ctx) {
  const programs = await programsById();
  const asked = ctx.query.get("program_id") || lastProgram();
  const programId = programs.has(Number(asked)) ? asked : "";

  // Who is chosen, in the order they were picked: id → {name, ref}.
  const chosen = new Map();
  const problems = new Map(); // id → what went wrong for them

  const frm = form({ label: t("event.title"), submit: t("event.save"), className: "event-form" },
    h("fieldset", { class: "group" },
      h("legend", {}, t("event.what")),
      textField({ name: "activity", label: t("event.activity"), hint: t("event.activity_hint"), maxlength: 200 }),
      textField({ name: "occurred_on", label: t("event.date"), type: "date", value: today(), max: today() }),
      selectField({ name: "program_id", label: t("event.program"), value: programId,
        hint: t("event.program_hint"),
        options: [["", t("event.no_program")], ...[...programs.values()].map((p) => [String(p.id), p.name])] }),
      selectField({ name: "strategy", label: t("event.strategy"), value: defaultStrategy(programs.get(Number(programId))),
        options: [["", t("event.no_strategy")], ...Object.entries(STRATEGIES)] }),
      noteField({ label: t("event.note") })));

  // The attendee picker sits in the form, before its save button.
  const picked = h("ul", { class: "chosen", "aria-label": t("event.chosen.label") });
  const pickedCount = h("p", { class: "chosen-count", "aria-live": "polite" });
  const attendeeError = h("p", { class: "field-error", id: "attendees-error", hidden: true });
  const refused = h("div", { class: "refused", role: "alert", hidden: true });
  const searchBox = h("input", { type: "search", id: "attendee-q", name: "attendee_q", autocomplete: "off", "aria-describedby": "attendee-q-hint" });
  const sources = h("div", { class: "sources", role: "group", "aria-label": t("event.source.label") });
  const found = h("ul", { class: "pick-list", "aria-labelledby": "found-title" });
  const foundTitle = h("h3", { id: "found-title" });
  const foundMore = h("div", { class: "more" });
  const selectAll = h("button", { type: "button", class: "button-secondary small" }, t("event.select_all"));
  const attendees = h("fieldset", { class: "field group attendees", dataset: { field: "participant_ids", label: t("event.attendees") }, "aria-describedby": "attendees-error" },
    h("legend", {}, t("event.attendees")),
    attendeeError,
    refused,
    pickedCount,
    picked,
    h("div", { class: "finder-box" },
      h("label", { for: "attendee-q" }, t("event.search")),
      h("p", { class: "hint", id: "attendee-q-hint" }, t("event.search_hint")),
      searchBox),
    sources,
    h("div", { class: "found-head" }, foundTitle, selectAll),
    found, foundMore);
  frm.querySelector(":scope > .form-actions").before(attendees);

  let source = programId ? "program" : "recent";
  let shownItems = [];
  let seq = 0;

  function drawChosen() {
    pickedCount.textContent = chosen.size ? tn("event.chosen.count", chosen.size) : t("event.chosen.none");
    fill(picked, [...chosen].map(([id, p]) => {
      const problem = problems.get(id);
      return h("li", { class: "chip" + (problem ? " chip-problem" : "") },
        h("span", { class: "chip-name" }, p.name),
        problem ? h("span", { class: "chip-why" }, problem) : null,
        h("button", { type: "button", class: "button-quiet small", "aria-label": t("event.remove", { name: p.name }), onclick: () => {
          chosen.delete(id);
          problems.delete(id);
          drawChosen();
          syncBoxes();
          drawRefused();
          searchBox.focus();
        } }, t("event.remove_short")));
    }));
    frm.querySelector("button[type=submit]").textContent = chosen.size ? tn("event.save_for", chosen.size) : t("event.save");
  }

  function syncBoxes() {
    for (const box of found.querySelectorAll("input[type=checkbox]")) box.checked = chosen.has(Number(box.value));
    const all = shownItems.length > 0 && shownItems.every((p) => chosen.has(p.id));
    selectAll.textContent = all ? t("event.clear_shown") : tn("event.select_all_n", shownItems.length);
    selectAll.disabled = shownItems.length === 0;
  }

  function choose(p, on) {
    if (on) chosen.set(p.id, { name: p.display_name, ref: p.external_ref });
    else { chosen.delete(p.id); problems.delete(p.id); }
  }

  function drawSources() {
    const options = [["recent", t("event.source.recent")], ["search", t("event.source.search")]];
    const prog = value(frm, "program_id");
    if (prog) options.unshift(["program", t("event.source.program", { program: programs.get(Number(prog))?.name || "" })]);
    if (!options.some(([v]) => v === source)) source = options[0][0];
    fill(sources, options.filter(([v]) => v !== "search").map(([v, label]) =>
      h("button", { type: "button", class: "button-secondary small", "aria-pressed": String(source === v && !searchBox.value.trim()), onclick: () => {
        searchBox.value = "";
        source = v;
        load();
      } }, label)));
  }

  async function load(cursor) {
    const mine = ++seq;
    const q = searchBox.value.trim();
    const prog = value(frm, "program_id");
    let params, title;
    if (q) { params = { q, sort: "name", limit: PAGE }; title = t("event.found.search"); }
    else if (source === "program" && prog) { params = { program_id: prog, sort: "name", limit: PAGE }; title = t("event.found.program", { program: programs.get(Number(prog))?.name || "" }); }
    else { params = { recent: "true", limit: 50 }; title = t("event.found.recent"); }
    if (cursor) params.cursor = cursor;
    drawSources();
    found.setAttribute("aria-busy", "true");
    let page;
    try {
      page = await get("/participants", params);
    } catch (err) {
      if (mine !== seq) return;
      found.removeAttribute("aria-busy");
      fill(found, h("li", { class: "field-error" }, err.message));
      return;
    }
    if (mine !== seq) return;
    found.removeAttribute("aria-busy");
    if (!cursor) { shownItems = []; found.replaceChildren(); }
    shownItems.push(...page.items);
    foundTitle.textContent = title;
    for (const p of page.items) found.append(pickRow(p));
    if (!shownItems.length) found.append(h("li", { class: "empty" }, q ? t("event.found.none") : (params.recent ? t("event.found.no_recent") : t("event.found.none_in_program"))));
    fill(foundMore, page.next_cursor ? h("button", { type: "button", class: "button-secondary small", onclick: () => load(page.next_cursor) }, t("event.found.more")) : null);
    syncBoxes();
  }

  function pickRow(p) {
    const id = `pick-${p.id}`;
    const box = h("input", { type: "checkbox", id, value: String(p.id), checked: chosen.has(p.id) });
    box.addEventListener("change", () => { choose(p, box.checked); drawChosen(); syncBoxes(); });
    return h("li", { class: "choice" }, box,
      h("label", { for: id }, p.display_name, h("span", { class: "choice-more ref" }, p.external_ref)));
  }

  selectAll.addEventListener("click", () => {
    const all = shownItems.every((p) => chosen.has(p.id));
    for (const p of shownItems) choose(p, !all);
    drawChosen();
    syncBoxes();
  });

  let timer;
  searchBox.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(() => load(), 250); });
  searchBox.addEventListener("keydown", (ev) => { if (ev.key === "Enter") { ev.preventDefault(); clearTimeout(timer); load(); } });
  frm.elements.program_id.addEventListener("change", () => {
    const prog = programs.get(Number(value(frm, "program_id")));
    if (!value(frm, "strategy")) frm.elements.strategy.value = defaultStrategy(prog);
    if (prog && !searchBox.value.trim()) source = "program";
    load();
  });

  function drawRefused() {
    if (!problems.size) { refused.hidden = true; refused.replaceChildren(); return; }
    refused.hidden = false;
    fill(refused,
      h("p", {}, tn("event.refused.lead", problems.size)),
      h("ul", {}, [...problems].map(([id, why]) => h("li", {}, t("event.refused.one", { name: chosen.get(id)?.name || "", why })))),
      h("button", { type: "button", class: "button-secondary small", onclick: () => {
        for (const id of problems.keys()) chosen.delete(id);
        problems.clear();
        drawChosen();
        syncBoxes();
        drawRefused();
        frm.querySelector("button[type=submit]").focus();
      } }, tn("event.refused.drop", problems.size)));
  }

  onSubmit(frm, async () => {
    problems.clear();
    drawRefused();
    attendeeError.hidden = true;
    const ids = [...chosen.keys()];
    if (!ids.length) throw new Problem({ detail: t("event.none_chosen"), errors: [{ field: "participant_ids", message: t("event.none_chosen_field") }] }, 422);
    const program = value(frm, "program_id");
    const body = {
      occurred_on: value(frm, "occurred_on"), activity: value(frm, "activity"),
      strategy: value(frm, "strategy"), note: value(frm, "note"), participant_ids: ids,
    };
    if (program) body.program_id = Number(program);
    let res;
    try {
      res = await post("/events", body);
    } catch (err) {
      // An attendee the server refused is named by position: show it by
      // their name, keep everything chosen and typed, and offer to drop them.
      const rest = [];
      for (const fe of err.errors || []) {
        const m = /^participant_ids\[(\d+)\]$/.exec(fe.field || "");
        if (m && ids[Number(m[1])] !== undefined) problems.set(ids[Number(m[1])], inWords(fe.message));
        else rest.push(fe);
      }
      if (problems.size) {
        drawChosen();
        drawRefused();
        err.errors = rest;
        if (!rest.length) err.message = t("event.refused.nothing_saved");
      }
      throw err;
    }
    rememberProgram(program);
    const activity = body.activity;
    ctx.navigate("/participants" + (program ? `?program_id=${program}` : ""), { message: tn("event.saved", res.count, { activity }) });
  }, t("event.saving"));

  drawChosen();
  load();

  return h("section", { class: "page narrow-wide" },
    h("p", { class: "crumb" }, h("a", { href: "/participants" }, t("event.crumb"))),
    h("h1", {}, t("event.title")),
    h("p", { class: "lede" }, t("event.lede")),
    frm);
}

// The form's own labels for the API's field names an attendee's refusal may
// start with ("occurred_on cannot be before consent was given").
const LABELS = { occurred_on: "event.date", activity: "event.activity", program_id: "event.program", strategy: "event.strategy", note: "event.note" };

/** An attendee's refusal with the form's label in place of an API field name. */
function inWords(message) {
  const m = /^([a-z_]+) (.*)$/s.exec(message || "");
  return m && LABELS[m[1]] ? `${t(LABELS[m[1]])}: ${m[2]}` : message;
}

/** A program's strategy, when it has exactly one. */
function defaultStrategy(program) {
  return program && program.strategies && program.strategies.length === 1 ? program.strategies[0] : "";
}
