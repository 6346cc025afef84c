// One person's journey: rungs over time, roles, engagement, capacity
// check-ins and consent, with the few actions staff take most, and the
// corrections: deleting a mistaken move, undoing an accepted suggestion.

import { get, post, put, patch, del } from "./api.js";
import { h, today } from "./dom.js";
import { t, formatDate, formatDateTime } from "./i18n.js";
import { RUNGS, rungName, STRATEGIES, CAPACITIES, CONSENT_METHODS, SCOPES, PERSPECTIVES, BODY_KINDS } from "./words.js";
import { form, textField, selectField, choiceGroup, noteField, onSubmit, value, ticked } from "./forms.js";
import { rungTag, programsById, section, empty, rungChoices, confirmDialog } from "./parts.js";
import { suggestionCard, undoOffer, askingButton } from "./suggestions.js";
import { personAuditLink } from "./admin.js";
import { checkinsPanel } from "./checkins.js";

const showDate = (iso) => formatDate(iso);
const showTime = (iso) => formatDateTime(iso);

/** A time in a program: "since 3 Jan 2026" while it lasts, "3 Jan 2025 – 2 Jun 2025" once over. */
const enrolmentSpan = (from, to) => (to ? t("person.enrolment.span", { from, to }) : t("person.enrolment.since", { from }));

/** The participant page. */
export async function personView(ctx) {
  const id = Number(ctx.params[0]);
  const base = `/participants/${id}`;
  const writer = ctx.can.writePeople;
  // One read of the record (one audit entry) brings the history the page shows.
  const [p, programs] = await Promise.all([
    get(base, { include: writer ? "placements,engagements,capacity_checkins,suggestions" : "placements" }), programsById(),
  ]);
  const suggestions = p.suggestions || [];
  const { placements, engagements = null, capacity_checkins: checkins = null } = p;
  const programNames = (p.program_ids || []).map((pid) => programs.get(pid)?.name).filter(Boolean);
  const done = (sel, msg) => ctx.rerender(sel, msg);

  const head = h("div", { class: "person-head" },
    h("p", { class: "crumb" }, h("a", { href: "/participants" }, t("person.crumb"))),
    h("h1", {}, p.display_name),
    h("dl", { class: "facts" },
      h("div", {}, h("dt", {}, t("person.now_on")), h("dd", {}, rungTag(p.current_rung))),
      h("div", {}, h("dt", {}, t("person.external_ref")), h("dd", {}, p.external_ref)),
      h("div", {}, h("dt", {}, t("person.programs")), h("dd", {}, programNames.length ? programNames.join(", ") : t("person.programs.none"))),
      h("div", {}, h("dt", {}, t("person.following_since")), h("dd", {}, showDate(p.consented_since)))));

  // An acceptance made a moment ago on this page can still be undone.
  const undo = writer ? undoOffer(ctx, id, () => done("#h-journey", t("person.undone", { name: p.display_name }))) : null;
  const actions = writer ? sec("actions", t("person.actions"),
    undo,
    suggestions.length ? h("ul", { class: "cards" }, suggestions.map((sg) => suggestionCard(ctx, sg, {
      withName: false,
      onAccepted: () => done("#h-journey", t("person.accepted", { name: p.display_name, rung: rungName(sg.suggested_rung) })),
      onDismissed: () => done("#h-actions", t("person.dismissed")),
    }))) : null,
    action(t("person.engagement.title"), engagementForm(base, p, programs, () => done("#h-engagements", t("person.engagement.done")))),
    action(t("person.move.title"), placementForm(base, p, () => done("#h-journey", t("person.move.done")))),
    action(t("person.checkin.title"), checkinForm(base, () => done("#h-capacity-check-ins", t("person.checkin.done"))))) : null;

  const journey = sec("journey", t("person.journey"), journeyList(ctx, base, p, placements, (msg) => done("#h-journey", msg)),
    ctx.can.readNotes ? null : h("p", { class: "hint notes-withheld" }, t("person.notes.withheld")));
  const enrolments = sec("programs", t("person.enrolment.heading"), enrolmentsList(base, p, writer, () => done("#h-programs", t("person.enrolment.saved"))),
    writer ? action(t("person.enrolment.change"), programsForm(base, p, programs, () => done("#h-programs", t("person.enrolment.changed")))) : null,
    writer ? action(t("person.enrolment.record"), earlierEnrolmentForm(base, p, programs, () => done("#h-programs", t("person.enrolment.recorded")))) : null);
  const roles = sec("roles", t("person.roles"), rolesList(p.roles || []));
  const engagementList = engagements ? sec("engagements", t("person.engagements"), engagementsList(engagements, programs)) : null;
  const capacity = checkins ? checkinsPanel({ base, p, checkins }) : null;
  const consent = sec("consent", t("person.consent"), consentFacts(p.consent),
    writer ? action(t("person.consent.update"), consentForm(base, p, () => done("#h-consent", t("person.consent.done")))) : null,
    writer ? withdrawBlock(ctx, base, p) : null);

  return h("article", { class: "page person-page" }, head, ctx.can.admin ? h("p", { class: "audit-link" }, personAuditLink(id)) : null,
    h("div", { class: "columns" },
      h("div", { class: "col-main" }, actions, journey, engagementList, capacity),
      h("div", { class: "col-side" }, enrolments, roles, consent)));
}

/**
 * A page section whose heading has a fixed id (h-<id>) in every language,
 * so a page drawn again after a change can bring focus back to it.
 */
function sec(id, title, ...children) {
  const el = section(title, ...children);
  el.setAttribute("aria-labelledby", "h-" + id);
  el.querySelector("h2").id = "h-" + id;
  return el;
}

function action(label, frm) {
  return h("details", { class: "action" }, h("summary", {}, label), frm);
}

function sensitiveNote(text) {
  if (!text) return null;
  return h("p", { class: "note" }, h("span", { class: "sensitive-tag" }, t("person.note.tag")), " ", text);
}

/**
 * Whether the signed-in account may delete a move, by the API's rule: the
 * person who recorded it, or an admin, and never the only one.
 */
function mayDelete(ctx, pl, placements) {
  return ctx.can.writePeople && placements.length > 1 && (ctx.user.role === "admin" || pl.recorded_by === ctx.user.email);
}

function journeyList(ctx, base, p, placements, after) {
  if (!placements.length) return empty(t("person.journey.none"));
  return h("ol", { class: "timeline", reversed: true }, placements.map((pl, i) => {
    const older = placements[i + 1];
    let move = t("person.journey.first");
    if (older) {
      const d = RUNGS.indexOf(pl.rung) - RUNGS.indexOf(older.rung);
      move = d === 0 ? t("person.journey.stayed", { rung: rungName(older.rung) }) : t("person.journey.from", { rung: rungName(older.rung) });
    }
    return h("li", { class: `timeline-item rung-edge-${pl.rung}` },
      h("p", { class: "timeline-head" }, rungTag(pl.rung), " ", h("span", { class: "timeline-date" }, showDate(pl.effective_on))),
      h("p", { class: "timeline-from" }, move),
      pl.evidence && pl.evidence.length ? h("ul", { class: "evidence", "aria-label": t("person.journey.evidence") }, pl.evidence.map((e) => h("li", {}, e.what, " (", showDate(e.on), ")"))) : null,
      sensitiveNote(pl.note),
      h("p", { class: "recorded" }, t("person.journey.recorded", { who: pl.recorded_by, when: showTime(pl.recorded_at) })),
      mayDelete(ctx, pl, placements) ? deleteMove(base, p, pl, placements, after) : null);
  }));
}

/** The button that deletes a mistaken move, after asking. */
function deleteMove(base, p, pl, placements, after) {
  const err = h("p", { class: "field-error", role: "alert", hidden: true });
  const what = { rung: rungName(pl.rung), date: showDate(pl.effective_on) };
  const btn = askingButton(t("person.delete.button"), t("person.delete.busy"), () => {
    err.hidden = true;
    return confirmDialog({
      title: t("person.delete.title", { name: p.display_name }),
      body: [t("person.delete.body", what), t("person.delete.audit")],
      confirm: t("person.delete.confirm"), cancel: t("person.delete.cancel"), danger: true,
    });
  }, async () => {
    try {
      await del(`${base}/placements/${pl.id}`);
    } catch (e) {
      err.textContent = e.message;
      err.hidden = false;
      return;
    }
    const now = placements.find((x) => x.id !== pl.id);
    await after(t("person.delete.done", { name: p.display_name, rung: rungName(now.rung) }));
  }, "button-secondary small");
  btn.setAttribute("aria-label", t("person.delete.label", what));
  return h("div", { class: "timeline-actions" }, err, btn);
}

function enrolmentsList(base, p, writer, after) {
  const all = p.enrolments || [];
  if (!all.length) return empty(t("person.enrolment.none"));
  const item = (e) => h("li", { class: "enrolment" },
    h("strong", {}, e.program), " ",
    h("span", { class: "muted" }, enrolmentSpan(showDate(e.enrolled_on), e.left_on && showDate(e.left_on))),
    writer ? h("details", { class: "action small" },
      h("summary", {}, t("person.enrolment.correct"), h("span", { class: "visually-hidden" }, t("person.enrolment.correct_for", { program: e.program, span: enrolmentSpan(showDate(e.enrolled_on), e.left_on && showDate(e.left_on)) }))),
      enrolmentForm(base, p, e, after)) : null);
  const current = all.filter((e) => !e.left_on);
  const past = all.filter((e) => e.left_on).reverse(); // the latest first
  return h("div", {},
    current.length ? h("ul", { class: "plain-list" }, current.map(item)) : empty(t("person.enrolment.none")),
    past.length ? h("h3", {}, t("person.enrolment.earlier")) : null,
    past.length ? h("ul", { class: "plain-list" }, past.map(item)) : null);
}

function enrolmentForm(base, p, e, after) {
  const frm = form({ label: t("person.enrolment.correct_label", { program: e.program }), submit: t("person.enrolment.save") },
    textField({ name: "enrolled_on", label: t("person.enrolment.first_day"), type: "date", value: e.enrolled_on, min: p.consented_since, max: today() }),
    textField({ name: "left_on", label: t("person.enrolment.last_day"), type: "date", value: e.left_on || "", min: p.consented_since, max: today(), hint: t("person.enrolment.last_day_hint") }));
  return onSubmit(frm, async () => {
    await patch(`${base}/enrolments/${e.id}`, { enrolled_on: value(frm, "enrolled_on"), left_on: value(frm, "left_on") || null });
    await after();
  });
}

function programsForm(base, p, programs, after) {
  const options = [...programs.values()].sort((a, b) => a.name.localeCompare(b.name)).map((pr) => [String(pr.id), pr.name]);
  const frm = form({ label: t("person.enrolment.change"), submit: t("person.enrolment.change_save") },
    choiceGroup({ name: "program_ids", legend: t("person.enrolment.heading"), type: "checkbox", options, value: (p.program_ids || []).map(String), hint: t("person.enrolment.change_hint") }));
  return onSubmit(frm, async () => {
    await patch(base, { program_ids: ticked(frm, "program_ids").map(Number) });
    await after();
  });
}

function earlierEnrolmentForm(base, p, programs, after) {
  const options = [["", t("person.enrolment.choose")], ...[...programs.values()].sort((a, b) => a.name.localeCompare(b.name)).map((pr) => [String(pr.id), pr.name])];
  const frm = form({ label: t("person.enrolment.record"), submit: t("person.enrolment.record_save") },
    h("p", { class: "hint" }, t("person.enrolment.record_hint")),
    selectField({ name: "program_id", label: t("person.enrolment.program"), options, value: "" }),
    textField({ name: "enrolled_on", label: t("person.enrolment.first_day"), type: "date", min: p.consented_since, max: today() }),
    textField({ name: "left_on", label: t("person.enrolment.last_day"), type: "date", min: p.consented_since, max: today(), hint: t("person.enrolment.last_day_hint") }));
  return onSubmit(frm, async () => {
    const body = { program_id: Number(value(frm, "program_id")) || 0, enrolled_on: value(frm, "enrolled_on") };
    if (value(frm, "left_on")) body.left_on = value(frm, "left_on");
    await post(base + "/enrolments", body);
    await after();
  });
}

function rolesList(roles) {
  if (!roles.length) return empty(t("person.roles.none"));
  const now = today();
  return h("ul", { class: "plain-list" }, roles.map((r) => {
    const current = r.starts_on <= now && (!r.ends_on || r.ends_on >= now);
    return h("li", {},
      h("strong", {}, r.title), " · ", r.body_name,
      h("span", { class: "muted" }, ` (${BODY_KINDS[r.body_kind] || r.body_kind})`),
      h("br"),
      h("span", { class: "muted" }, r.ends_on ? t("person.roles.span", { from: showDate(r.starts_on), to: showDate(r.ends_on) }) : t("person.roles.open", { from: showDate(r.starts_on) })),
      current ? h("span", { class: "tag" }, t("person.roles.current")) : null);
  }));
}

function engagementsList(items, programs) {
  if (!items.length) return empty(t("person.engagements.none"));
  return h("ul", { class: "plain-list" }, items.map((e) => h("li", {},
    h("strong", {}, e.activity), " · ", showDate(e.occurred_on),
    e.program_id ? h("span", { class: "muted" }, " · " + (programs.get(e.program_id)?.name || t("person.engagements.a_program"))) : null,
    e.strategy ? h("span", { class: "tag" }, STRATEGIES[e.strategy] || e.strategy) : null,
    sensitiveNote(e.note))));
}

function consentFacts(c) {
  return h("dl", { class: "facts stacked" },
    h("div", {}, h("dt", {}, t("person.consent.given_on")), h("dd", {}, showDate(c.given_on))),
    h("div", {}, h("dt", {}, t("person.consent.how")), h("dd", {}, CONSENT_METHODS[c.method] || c.method)),
    h("div", {}, h("dt", {}, t("person.consent.scopes")), h("dd", {}, h("ul", { class: "plain-list tight" }, (c.scopes || []).map((sc) => h("li", {}, SCOPES[sc] || sc))))),
    h("div", {}, h("dt", {}, t("person.consent.recorded_by")), h("dd", {}, c.recorded_by)));
}

function engagementForm(base, p, programs, after) {
  const mine = new Set(p.program_ids || []);
  const opts = [["", t("person.engagement.no_program")], ...[...programs.values()].sort((a, b) => (mine.has(b.id) - mine.has(a.id))).map((pr) => [String(pr.id), pr.name])];
  const frm = form({ label: t("person.engagement.title"), submit: t("person.engagement.save") },
    textField({ name: "occurred_on", label: t("person.engagement.date"), type: "date", value: today(), max: today() }),
    textField({ name: "activity", label: t("person.engagement.activity"), hint: t("person.engagement.activity_hint"), maxlength: 200 }),
    selectField({ name: "program_id", label: t("person.engagement.program"), options: opts, value: "" }),
    selectField({ name: "strategy", label: t("person.engagement.strategy"), options: [["", t("person.engagement.no_strategy")], ...Object.entries(STRATEGIES)], value: "" }),
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
  const frm = form({ label: t("person.move.title"), submit: t("person.move.save") },
    choiceGroup({ name: "rung", legend: t("person.move.rung"), options: rungChoices(p.current_rung), value: "" }),
    textField({ name: "effective_on", label: t("person.move.date"), type: "date", value: today(), max: today() }),
    noteField());
  return onSubmit(frm, async () => {
    await post(base + "/placements", { rung: value(frm, "rung"), effective_on: value(frm, "effective_on"), note: value(frm, "note") });
    await after();
  });
}

function checkinForm(base, after) {
  const scale = [["1", "1"], ["2", "2"], ["3", "3"], ["4", "4"]];
  const frm = form({ label: t("person.checkin.title"), submit: t("person.checkin.save") },
    textField({ name: "assessed_on", label: t("person.checkin.date"), type: "date", value: today(), max: today() }),
    choiceGroup({ name: "perspective", legend: t("person.checkin.whose"), options: Object.entries(PERSPECTIVES), value: "self", inline: true }),
    Object.entries(CAPACITIES).map(([k, l]) => choiceGroup({ name: k, legend: l, options: scale, inline: true, hint: t("person.checkin.scale_hint") })),
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
  const frm = form({ label: t("person.consent.update"), submit: t("person.consent.save") },
    textField({ name: "given_on", label: t("person.consent.date"), type: "date", value: today(), max: today() }),
    choiceGroup({ name: "method", legend: t("person.consent.method"), options: Object.entries(CONSENT_METHODS), value: p.consent.method, inline: true }),
    choiceGroup({ name: "scopes", legend: t("person.consent.scopes"), type: "checkbox", value: p.consent.scopes,
      options: Object.entries(SCOPES).map(([v, l]) => [v, v === "tracking" ? t("person.consent.required", { scope: l }) : l]) }));
  return onSubmit(frm, async () => {
    await put(base + "/consent", { given_on: value(frm, "given_on"), method: value(frm, "method"), scopes: ticked(frm, "scopes") });
    await after();
  });
}

function withdrawBlock(ctx, base, p) {
  const err = h("p", { class: "field-error", role: "alert", hidden: true });
  const btn = h("button", { type: "button", class: "danger" }, t("person.withdraw.button"));
  btn.addEventListener("click", async () => {
    const ok = await confirmDialog({
      title: t("person.withdraw.title", { name: p.display_name }),
      body: [t("person.withdraw.body", { name: p.display_name }), t("person.withdraw.after")],
      confirm: t("person.withdraw.button"), cancel: t("person.withdraw.cancel"), danger: true,
    });
    if (!ok) return;
    btn.disabled = true;
    btn.textContent = t("person.withdraw.busy");
    try {
      await post(base + "/consent/withdrawal");
    } catch (e) {
      btn.disabled = false;
      btn.textContent = t("person.withdraw.button");
      err.textContent = e.message;
      err.hidden = false;
      return;
    }
    ctx.navigate("/participants", { message: t("person.withdraw.done", { name: p.display_name }) });
  });
  return h("div", { class: "withdraw" },
    h("h3", {}, t("person.withdraw.heading")),
    h("p", {}, t("person.withdraw.intro")),
    err, btn);
}
