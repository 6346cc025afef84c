// One person's journey: rungs over time, roles, engagement, capacity
// check-ins and consent, with the few actions staff take most.

import { get, post, put, patch } from "./api.js";
import { h, today, showDate, showTime } from "./dom.js";
import { RUNGS, rungName, STRATEGIES, CAPACITIES, CONSENT_METHODS, SCOPES, PERSPECTIVES, BODY_KINDS, ENROLMENT_WORDS as EW, enrolmentSpan } from "./words.js";
import { form, textField, selectField, choiceGroup, noteField, onSubmit, value, ticked } from "./forms.js";
import { rungTag, programsById, section, empty, rungChoices, confirmDialog } from "./parts.js";
import { suggestionCard } from "./people.js";
import { personAuditLink } from "./admin.js";
import { checkinsPanel } from "./checkins.js";

/** The participant page. */
export async function personView(ctx) {
  const id = Number(ctx.params[0]);
  const base = `/participants/${id}`;
  const writer = ctx.can.writePeople;
  // One read of the record (one audit entry) brings the history the page shows.
  const [p, programs, suggestions] = await Promise.all([
    get(base, { include: writer ? "placements,engagements,capacity_checkins" : "placements" }), programsById(),
    writer ? get(`/suggestions?participant_id=${id}`).then((r) => r.items) : [],
  ]);
  const { placements, engagements = null, capacity_checkins: checkins = null } = p;
  const programNames = (p.program_ids || []).map((pid) => programs.get(pid)?.name).filter(Boolean);
  const done = (sel, msg) => ctx.rerender(sel, msg);

  const head = h("div", { class: "person-head" },
    h("p", { class: "crumb" }, h("a", { href: "/participants" }, "People")),
    h("h1", {}, p.display_name),
    h("dl", { class: "facts" },
      h("div", {}, h("dt", {}, "Now on"), h("dd", {}, rungTag(p.current_rung))),
      h("div", {}, h("dt", {}, "Case-management ID"), h("dd", {}, p.external_ref)),
      h("div", {}, h("dt", {}, "Programs"), h("dd", {}, programNames.length ? programNames.join(", ") : "None yet")),
      h("div", {}, h("dt", {}, "Following since"), h("dd", {}, showDate(p.consented_since)))));

  const actions = writer ? section("Quick actions",
    suggestions.map((sg) => h("ul", { class: "cards" }, suggestionCard(ctx, sg, {
      withName: false, onDone: () => done("#h-journey", `${p.display_name} is now on ${rungName(sg.suggested_rung)}.`),
    }))),
    action("Log an engagement", engagementForm(base, p, programs, () => done("#h-engagements", "Engagement logged."))),
    action("Record a move on the pathway", placementForm(base, p, () => done("#h-journey", "Move recorded."))),
    action("Record a capacity check-in", checkinForm(base, () => done("#h-capacity-check-ins", "Check-in recorded.")))) : null;

  const journey = section("Journey", journeyList(placements));
  const enrolments = section(EW.heading, enrolmentsList(base, p, writer, () => done("#h-programs", EW.saved)),
    writer ? action(EW.change, programsForm(base, p, programs, () => done("#h-programs", EW.changed))) : null,
    writer ? action(EW.record, earlierEnrolmentForm(base, p, programs, () => done("#h-programs", EW.recorded))) : null);
  const roles = section("Roles", rolesList(p.roles || []));
  const engagementList = engagements ? section("Engagements", engagementsList(engagements, programs)) : null;
  const capacity = checkins ? checkinsPanel({ base, p, checkins }) : null;
  const consent = section("Consent", consentFacts(p.consent),
    writer ? action("Update consent", consentForm(base, p, () => done("#h-consent", "Consent updated."))) : null,
    writer ? withdrawBlock(ctx, base, p) : null);

  return h("article", { class: "page person-page" }, head, ctx.can.admin ? h("p", { class: "audit-link" }, personAuditLink(id)) : null,
    h("div", { class: "columns" },
      h("div", { class: "col-main" }, actions, journey, engagementList, capacity),
      h("div", { class: "col-side" }, enrolments, roles, consent)));
}

function action(label, frm) {
  return h("details", { class: "action" }, h("summary", {}, label), frm);
}

function sensitiveNote(text) {
  if (!text) return null;
  return h("p", { class: "note" }, h("span", { class: "sensitive-tag" }, "Sensitive note"), " ", text);
}

function journeyList(placements) {
  if (!placements.length) return empty("No rungs recorded yet.");
  return h("ol", { class: "timeline", reversed: true }, placements.map((pl, i) => {
    const older = placements[i + 1];
    let move = "First rung recorded";
    if (older) {
      const d = RUNGS.indexOf(pl.rung) - RUNGS.indexOf(older.rung);
      move = d === 0 ? `Stayed on ${rungName(older.rung)}` : `From ${rungName(older.rung)}`;
    }
    return h("li", { class: `timeline-item rung-edge-${pl.rung}` },
      h("p", { class: "timeline-head" }, rungTag(pl.rung), " ", h("span", { class: "timeline-date" }, showDate(pl.effective_on))),
      h("p", { class: "timeline-from" }, move),
      pl.evidence && pl.evidence.length ? h("ul", { class: "evidence", "aria-label": "Evidence" }, pl.evidence.map((e) => h("li", {}, e.what, " (", showDate(e.on), ")"))) : null,
      sensitiveNote(pl.note),
      h("p", { class: "recorded" }, `Recorded by ${pl.recorded_by}, ${showTime(pl.recorded_at)}`));
  }));
}

function enrolmentsList(base, p, writer, after) {
  const all = p.enrolments || [];
  if (!all.length) return empty(EW.none);
  const item = (e) => h("li", { class: "enrolment" },
    h("strong", {}, e.program), " ",
    h("span", { class: "muted" }, enrolmentSpan(showDate(e.enrolled_on), e.left_on && showDate(e.left_on))),
    writer ? h("details", { class: "action small" },
      h("summary", {}, EW.correct, h("span", { class: "visually-hidden" }, ` for ${e.program}, ${enrolmentSpan(showDate(e.enrolled_on), e.left_on && showDate(e.left_on))}`)),
      enrolmentForm(base, p, e, after)) : null);
  const current = all.filter((e) => !e.left_on);
  const past = all.filter((e) => e.left_on).reverse(); // the latest first
  return h("div", {},
    current.length ? h("ul", { class: "plain-list" }, current.map(item)) : empty(EW.none),
    past.length ? h("h3", {}, EW.earlier) : null,
    past.length ? h("ul", { class: "plain-list" }, past.map(item)) : null);
}

function enrolmentForm(base, p, e, after) {
  const frm = form({ label: `${EW.correct}: ${e.program}`, submit: EW.save },
    textField({ name: "enrolled_on", label: EW.firstDay, type: "date", value: e.enrolled_on, min: p.consented_since, max: today() }),
    textField({ name: "left_on", label: EW.lastDay, type: "date", value: e.left_on || "", min: p.consented_since, max: today(), hint: EW.lastDayHint }));
  return onSubmit(frm, async () => {
    await patch(`${base}/enrolments/${e.id}`, { enrolled_on: value(frm, "enrolled_on"), left_on: value(frm, "left_on") || null });
    await after();
  });
}

function programsForm(base, p, programs, after) {
  const options = [...programs.values()].sort((a, b) => a.name.localeCompare(b.name)).map((pr) => [String(pr.id), pr.name]);
  const frm = form({ label: EW.change, submit: EW.changeSave },
    choiceGroup({ name: "program_ids", legend: EW.heading, type: "checkbox", options, value: (p.program_ids || []).map(String), hint: EW.changeHint }));
  return onSubmit(frm, async () => {
    await patch(base, { program_ids: ticked(frm, "program_ids").map(Number) });
    await after();
  });
}

function earlierEnrolmentForm(base, p, programs, after) {
  const options = [["", "Choose a program"], ...[...programs.values()].sort((a, b) => a.name.localeCompare(b.name)).map((pr) => [String(pr.id), pr.name])];
  const frm = form({ label: EW.record, submit: EW.recordSave },
    h("p", { class: "hint" }, EW.recordHint),
    selectField({ name: "program_id", label: EW.program, options, value: "" }),
    textField({ name: "enrolled_on", label: EW.firstDay, type: "date", min: p.consented_since, max: today() }),
    textField({ name: "left_on", label: EW.lastDay, type: "date", min: p.consented_since, max: today(), hint: EW.lastDayHint }));
  return onSubmit(frm, async () => {
    const body = { program_id: Number(value(frm, "program_id")) || 0, enrolled_on: value(frm, "enrolled_on") };
    if (value(frm, "left_on")) body.left_on = value(frm, "left_on");
    await post(base + "/enrolments", body);
    await after();
  });
}

function rolesList(roles) {
  if (!roles.length) return empty("No roles yet.");
  const now = today();
  return h("ul", { class: "plain-list" }, roles.map((r) => {
    const current = r.starts_on <= now && (!r.ends_on || r.ends_on >= now);
    return h("li", {},
      h("strong", {}, r.title), " · ", r.body_name,
      h("span", { class: "muted" }, ` (${BODY_KINDS[r.body_kind] || r.body_kind})`),
      h("br"),
      h("span", { class: "muted" }, `${showDate(r.starts_on)} to ${r.ends_on ? showDate(r.ends_on) : "open-ended"}`),
      current ? h("span", { class: "tag" }, "Current") : null);
  }));
}

function engagementsList(items, programs) {
  if (!items.length) return empty("No engagement logged yet.");
  return h("ul", { class: "plain-list" }, items.map((e) => h("li", {},
    h("strong", {}, e.activity), " · ", showDate(e.occurred_on),
    e.program_id ? h("span", { class: "muted" }, " · " + (programs.get(e.program_id)?.name || "a program")) : null,
    e.strategy ? h("span", { class: "tag" }, STRATEGIES[e.strategy] || e.strategy) : null,
    sensitiveNote(e.note))));
}

function checkinsTable(items) {
  if (!items.length) return empty("No check-ins yet. Capacities are checked on a scale of 1 to 4.");
  return h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": "Capacity check-ins" },
    h("table", {},
      h("caption", { class: "visually-hidden" }, "Capacity check-ins, newest first, on a scale of 1 to 4"),
      h("thead", {}, h("tr", {},
        h("th", { scope: "col" }, "Date"), h("th", { scope: "col" }, "View"),
        Object.values(CAPACITIES).map((c) => h("th", { scope: "col" }, c)))),
      h("tbody", {}, items.map((c) => h("tr", {},
        h("th", { scope: "row" }, showDate(c.assessed_on)), h("td", {}, PERSPECTIVES[c.perspective] || c.perspective),
        h("td", {}, String(c.self_advocacy)), h("td", {}, String(c.root_cause_analysis)), h("td", {}, String(c.leadership)))))),
    items.some((c) => c.note) ? h("div", {}, items.filter((c) => c.note).map((c) => sensitiveNote(`${showDate(c.assessed_on)}: ${c.note}`))) : null);
}

function consentFacts(c) {
  return h("dl", { class: "facts stacked" },
    h("div", {}, h("dt", {}, "Given on"), h("dd", {}, showDate(c.given_on))),
    h("div", {}, h("dt", {}, "How"), h("dd", {}, CONSENT_METHODS[c.method] || c.method)),
    h("div", {}, h("dt", {}, "They agreed to"), h("dd", {}, h("ul", { class: "plain-list tight" }, (c.scopes || []).map((sc) => h("li", {}, SCOPES[sc] || sc))))),
    h("div", {}, h("dt", {}, "Recorded by"), h("dd", {}, c.recorded_by)));
}

function engagementForm(base, p, programs, after) {
  const mine = new Set(p.program_ids || []);
  const opts = [["", "Not part of a program"], ...[...programs.values()].sort((a, b) => (mine.has(b.id) - mine.has(a.id))).map((pr) => [String(pr.id), pr.name])];
  const frm = form({ label: "Log an engagement", submit: "Log engagement" },
    textField({ name: "occurred_on", label: "Date", type: "date", value: today(), max: today() }),
    textField({ name: "activity", label: "What they took part in", hint: "For example: community meeting, rally, training.", maxlength: 200 }),
    selectField({ name: "program_id", label: "Program", options: opts, value: "" }),
    selectField({ name: "strategy", label: "Social change strategy", options: [["", "None"], ...Object.entries(STRATEGIES)], value: "" }),
    noteField());
  return onSubmit(frm, async () => {
    const body = { occurred_on: value(frm, "occurred_on"), activity: value(frm, "activity"), note: value(frm, "note") };
    if (value(frm, "program_id")) body.program_id = Number(value(frm, "program_id"));
    if (value(frm, "strategy")) body.strategy = value(frm, "strategy");
    await post(base + "/engagements", body);
    await after();
  });
}

function placementForm(base, p, after) {
  const frm = form({ label: "Record a move on the pathway", submit: "Save move" },
    choiceGroup({ name: "rung", legend: "Rung", options: rungChoices(p.current_rung), value: "" }),
    textField({ name: "effective_on", label: "From which date", type: "date", value: today(), max: today() }),
    noteField());
  return onSubmit(frm, async () => {
    await post(base + "/placements", { rung: value(frm, "rung"), effective_on: value(frm, "effective_on"), note: value(frm, "note") });
    await after();
  });
}

function checkinForm(base, after) {
  const scale = [["1", "1"], ["2", "2"], ["3", "3"], ["4", "4"]];
  const frm = form({ label: "Record a capacity check-in", submit: "Save check-in" },
    textField({ name: "assessed_on", label: "Date", type: "date", value: today(), max: today() }),
    choiceGroup({ name: "perspective", legend: "Whose view", options: Object.entries(PERSPECTIVES), value: "self", inline: true }),
    Object.entries(CAPACITIES).map(([k, l]) => choiceGroup({ name: k, legend: l, options: scale, inline: true, hint: "1 is just starting, 4 is strong." })),
    noteField());
  return onSubmit(frm, async () => {
    const n = (k) => (value(frm, k) ? Number(value(frm, k)) : null);
    await post(base + "/capacity-checkins", {
      assessed_on: value(frm, "assessed_on"), perspective: value(frm, "perspective"),
      self_advocacy: n("self_advocacy"), root_cause_analysis: n("root_cause_analysis"), leadership: n("leadership"), note: value(frm, "note"),
    });
    await after();
  });
}

function consentForm(base, p, after) {
  const frm = form({ label: "Update consent", submit: "Save consent" },
    textField({ name: "given_on", label: "Date consent was given", type: "date", value: today(), max: today() }),
    choiceGroup({ name: "method", legend: "How it was given", options: Object.entries(CONSENT_METHODS), value: p.consent.method, inline: true }),
    choiceGroup({ name: "scopes", legend: "They agreed to", type: "checkbox", value: p.consent.scopes,
      options: Object.entries(SCOPES).map(([v, l]) => [v, v === "tracking" ? l + " (required)" : l]) }));
  return onSubmit(frm, async () => {
    await put(base + "/consent", { given_on: value(frm, "given_on"), method: value(frm, "method"), scopes: ticked(frm, "scopes") });
    await after();
  });
}

function withdrawBlock(ctx, base, p) {
  const err = h("p", { class: "field-error", role: "alert", hidden: true });
  const btn = h("button", { type: "button", class: "danger" }, "Withdraw consent and erase");
  btn.addEventListener("click", async () => {
    const ok = await confirmDialog({
      title: `Erase ${p.display_name}'s record?`,
      body: [
        `Withdrawing consent erases ${p.display_name}'s name, case-management ID, notes and their whole journey from Pathway, for good. It cannot be undone.`,
        "Reports will be counted again without them. Only a note that a record was erased stays in the audit log.",
      ],
      confirm: "Withdraw consent and erase", cancel: "Keep the record", danger: true,
    });
    if (!ok) return;
    btn.disabled = true;
    btn.textContent = "Erasing…";
    try {
      await post(base + "/consent/withdrawal");
    } catch (e) {
      btn.disabled = false;
      btn.textContent = "Withdraw consent and erase";
      err.textContent = e.message;
      err.hidden = false;
      return;
    }
    ctx.navigate("/participants", { message: `${p.display_name}'s consent was withdrawn and their record erased.` });
  });
  return h("div", { class: "withdraw" },
    h("h3", {}, "Withdrawing consent"),
    h("p", {}, "If they no longer want to be followed, withdrawing consent erases their data from Pathway."),
    err, btn);
}
