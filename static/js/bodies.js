// Boards, bureaus and committees: seats, terms ending soon, adding and
// ending roles, speaking engagements and the roster download.

import { get, post, patch } from "./api.js";
import { h, fill, today, addMonths, showDate, daysUntil, plural } from "./dom.js";
import { RUNGS, rungName, BODY_KINDS, AUDIENCES } from "./words.js";
import { form, textField, selectField, choiceGroup, onSubmit, value, ticked } from "./forms.js";
import { rungTag, section, empty } from "./parts.js";

function seatsLine(b) {
  if (b.seats == null) return `${plural(b.seats_filled, "person", "people")} taking part; no seat limit`;
  const open = b.seats_open ?? Math.max(0, b.seats - b.seats_filled);
  return `${b.seats_filled} of ${b.seats} seats filled · ${open} open`;
}

function seatBar(b) {
  if (b.seats == null || b.seats === 0) return null;
  const bar = h("span", { class: "seat-fill" });
  bar.style.width = `${Math.min(100, (100 * b.seats_filled) / b.seats)}%`;
  return h("span", { class: "seat-bar", "aria-hidden": "true" }, bar);
}

/** The list of bodies with their seats and the terms ending soon. */
export async function bodiesView(ctx) {
  const [bodies, ending] = await Promise.all([
    get("/bodies").then((r) => r.items),
    get("/roles", { ending_within_days: 60 }).then((r) => r.items),
  ]);
  ending.sort((a, b) => (a.ends_on < b.ends_on ? -1 : 1));
  return h("section", { class: "page" },
    h("h1", {}, "Boards and bureaus"),
    h("p", { class: "lede" }, "Where people hold roles: advisory boards, the speakers bureau, the board of directors, committees and staff."),
    section("Terms ending in the next 60 days",
      ending.length ? h("ul", { class: "plain-list" }, ending.map((r) => {
        const d = daysUntil(r.ends_on);
        return h("li", {},
          ctx.can.readPeople ? h("a", { href: `/participants/${r.participant_id}` }, r.display_name) : r.display_name,
          ` · ${r.title}, `, h("a", { href: `/bodies/${r.body_id}` }, r.body_name),
          h("br"), h("span", { class: "muted" }, `Ends ${showDate(r.ends_on)} (${d === 0 ? "today" : d === 1 ? "tomorrow" : `in ${d} days`})`));
      })) : empty("No terms end in the next 60 days.")),
    section("All bodies",
      bodies.length ? h("ul", { class: "cards bodies" }, bodies.map((b) => h("li", { class: "card body-card" },
        h("a", { class: "body-name", href: `/bodies/${b.id}` }, b.name),
        h("span", { class: "muted" }, BODY_KINDS[b.kind] || b.kind, " · holding a role here points to ", rungTag(b.rung)),
        h("span", { class: "seats" }, seatsLine(b)), seatBar(b)))) : empty("No bodies yet.")),
    ctx.can.runBodies ? h("details", { class: "panel action" }, h("summary", {}, "Add a body"), bodyForm(ctx)) : null);
}

function bodyForm(ctx) {
  const frm = form({ label: "Add a body", submit: "Add body" },
    textField({ name: "name", label: "Name", maxlength: 200 }),
    selectField({ name: "kind", label: "Kind", options: Object.entries(BODY_KINDS), value: "advisory_board" }),
    textField({ name: "seats", label: "Seats (leave empty for no limit)", type: "number", min: 1, inputmode: "numeric" }),
    selectField({ name: "rung", label: "Rung a role here points to", options: [["", "The usual one for this kind"], ...RUNGS.map((r) => [r, rungName(r)])], value: "" }),
    textField({ name: "term_months", label: "Term length in months (optional)", type: "number", min: 1, inputmode: "numeric" }),
    textField({ name: "term_limit", label: "Most terms in a row (optional)", type: "number", min: 1, inputmode: "numeric" }),
    textField({ name: "description", label: "Description (optional)", maxlength: 2000 }));
  return onSubmit(frm, async () => {
    const body = { name: value(frm, "name"), kind: value(frm, "kind"), description: value(frm, "description") };
    for (const k of ["seats", "term_months", "term_limit"]) if (value(frm, k) !== "") body[k] = Number(value(frm, k));
    if (value(frm, "rung")) body.rung = value(frm, "rung");
    const b = await post("/bodies", body);
    ctx.navigate(`/bodies/${b.id}`, { message: `${b.name} was added.` });
  });
}

/** One body: who holds a role today, adding and ending roles, speaking engagements. */
export async function bodyView(ctx) {
  const id = Number(ctx.params[0]);
  const [body, talks] = await Promise.all([
    get(`/bodies/${id}`),
    get(`/bodies/${id}/speaking-engagements`).then((r) => r.items),
  ]);
  const run = ctx.can.runBodies;
  const after = (sel, msg) => ctx.rerender(sel, msg);
  const roster = body.roles || [];
  const isBureau = body.kind === "speakers_bureau";
  return h("section", { class: "page" },
    h("p", { class: "crumb" }, h("a", { href: "/bodies" }, "Boards and bureaus")),
    h("div", { class: "page-head" },
      h("h1", {}, body.name),
      run ? h("a", { class: "button button-secondary", href: `/api/v1/bodies/${id}/roster.csv`, download: `roster-${id}.csv` }, "Download roster (CSV)") : null),
    h("p", { class: "muted" }, BODY_KINDS[body.kind] || body.kind, " · holding a role here points to ", rungTag(body.rung),
      body.term_months ? ` · terms of ${body.term_months} months` : "", body.term_limit ? `, at most ${body.term_limit} in a row` : ""),
    body.description ? h("p", {}, body.description) : null,
    h("p", { class: "seats" }, seatsLine(body)), seatBar(body),
    section(`Who holds a role on ${showDate(body.as_of)}`,
      roster.length ? h("ul", { class: "cards roster" }, roster.map((r) => rosterCard(ctx, r, run, after))) : empty("Nobody holds a role here today.")),
    run ? h("details", { class: "panel action", open: roster.length === 0 }, h("summary", {}, "Add someone to a seat"), roleForm(ctx, body, after)) : null,
    isBureau || talks.length ? section("Speaking engagements",
      talks.length ? h("ul", { class: "plain-list" }, talks.map((t) => h("li", {},
        h("strong", {}, t.topic), ` · ${AUDIENCES[t.audience] || t.audience}, ${showDate(t.held_on)}`, h("br"),
        h("span", { class: "muted" }, (t.speakers || []).length ? "Speakers: " + t.speakers.map((sp) => sp.display_name).join(", ") : plural(t.speaker_count, "speaker", "speakers"))))) : empty("No speaking engagements recorded yet."),
      run ? h("details", { class: "action" }, h("summary", {}, "Record a speaking engagement"), talkForm(body, roster, after)) : null) : null);
}

function rosterCard(ctx, r, run, after) {
  const card = h("li", { class: "card" },
    ctx.can.readPeople ? h("a", { class: "person-name", href: `/participants/${r.participant_id}` }, r.display_name) : h("strong", {}, r.display_name),
    h("span", {}, r.title),
    h("span", { class: "muted" }, `Since ${showDate(r.starts_on)} · ${r.ends_on ? "until " + showDate(r.ends_on) : "open-ended"}`));
  if (run) {
    const frm = form({ label: `End ${r.display_name}'s role`, submit: "End role" },
      textField({ name: "ends_on", label: "Last day in the role", type: "date", value: today() }));
    onSubmit(frm, async () => {
      await patch(`/roles/${r.id}`, { ends_on: value(frm, "ends_on") });
      await after("h1", `${r.display_name}'s role as ${r.title} ends on ${showDate(value(frm, "ends_on"))}.`);
    });
    card.append(h("details", { class: "action small" }, h("summary", {}, h("span", {}, "End this role"), h("span", { class: "visually-hidden" }, ` for ${r.display_name}`)), frm));
  }
  return card;
}

function roleForm(ctx, body, after) {
  const finder = h("div", { class: "finder" },
    textField({ name: "find", label: "Find the person", type: "search", hint: "Type part of their name or case-management ID, then choose them." }),
    h("button", { type: "button", class: "button-secondary" }, "Find"));
  const picks = h("div", {});
  const frm = form({ label: "Add someone to a seat", submit: "Add to seat" },
    finder, picks,
    textField({ name: "title", label: "Title", value: body.kind === "speakers_bureau" ? "Speaker" : "Member", maxlength: 100 }),
    textField({ name: "starts_on", label: "Starts on", type: "date", value: today() }),
    textField({ name: "ends_on", label: "Ends on (optional)", type: "date", value: body.term_months ? addMonths(today(), body.term_months) : "" }));
  const input = finder.querySelector("input");
  let seq = 0;
  const find = async () => {
    const mine = ++seq;
    const q = input.value.trim();
    if (!q) { fill(picks); return; }
    let page;
    try { page = await get("/participants", { q, limit: 10 }); } catch (e) { fill(picks, h("p", { class: "field-error" }, e.message)); return; }
    if (mine !== seq) return;
    fill(picks, choiceGroup({
      name: "participant_id", legend: "Person",
      hint: page.items.length ? `${plural(page.items.length, "match", "matches")}${page.next_cursor ? "; type more to narrow it down" : ""}.` : "Nobody matches; try another spelling.",
      options: page.items.map((p) => [String(p.id), `${p.display_name} (${p.external_ref})`, rungName(p.current_rung)]),
      value: page.items.length === 1 ? String(page.items[0].id) : "",
    }));
  };
  let timer;
  input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(find, 300); });
  input.addEventListener("keydown", (ev) => { if (ev.key === "Enter") { ev.preventDefault(); clearTimeout(timer); find(); } });
  finder.querySelector("button").addEventListener("click", () => { clearTimeout(timer); find(); });
  fill(picks, h("div", { class: "field", dataset: { field: "participant_id", label: "The person" } }, h("p", { class: "field-error", id: "pid-error", hidden: true })));
  return onSubmit(frm, async () => {
    const pid = value(frm, "participant_id");
    const payload = { participant_id: pid ? Number(pid) : 0, title: value(frm, "title"), starts_on: value(frm, "starts_on") };
    if (value(frm, "ends_on")) payload.ends_on = value(frm, "ends_on");
    await post(`/bodies/${body.id}/roles`, payload);
    await after("h1", "The seat is filled.");
  });
}

function talkForm(body, roster, after) {
  const frm = form({ label: "Record a speaking engagement", submit: "Save speaking engagement" },
    textField({ name: "held_on", label: "Date", type: "date", value: today(), max: today() }),
    selectField({ name: "audience", label: "Audience", options: Object.entries(AUDIENCES), value: "city_council" }),
    textField({ name: "topic", label: "Topic", maxlength: 200 }),
    choiceGroup({ name: "speaker_ids", legend: "Speakers", type: "checkbox", hint: "People who hold a role here and agreed to share their story in public.",
      options: roster.map((r) => [String(r.participant_id), r.display_name]) }));
  return onSubmit(frm, async () => {
    await post(`/bodies/${body.id}/speaking-engagements`, {
      held_on: value(frm, "held_on"), audience: value(frm, "audience"), topic: value(frm, "topic"),
      speaker_ids: ticked(frm, "speaker_ids").map(Number),
    });
    await after("#h-speaking-engagements", "Speaking engagement recorded.");
  });
}
