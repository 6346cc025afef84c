// Boards, bureaus and committees: seats, terms ending and starting soon,
// the roster on any day, adding and ending roles, speaking engagements and
// the roster download. A term's ends_on is its last day: the holder keeps
// the seat through it, and the next term may start the day after.

import { get, post, patch } from "./api.js";
import { h, fill, today, daysUntil } from "./dom.js";
import { t, tn, formatDate } from "./i18n.js";
import { RUNGS, rungName } from "./words.js";
import { form, textField, selectField, choiceGroup, onSubmit, value, ticked } from "./forms.js";
import { rungTag, empty } from "./parts.js";

const KINDS = ["advisory_board", "speakers_bureau", "board_of_directors", "committee", "staff"];
const AUDIENCE_KEYS = ["city_council", "state_legislature", "media", "funders", "conference", "school", "community", "other"];

const kindName = (k) => (KINDS.includes(k) ? t(`bodies.kind.${k}`) : k);
const audienceName = (a) => (AUDIENCE_KEYS.includes(a) ? t(`bodies.audience.${a}`) : a);

/** How far ahead the lists of terms ending and starting look, in days. */
const SOON_DAYS = 60;

/** How many talks the body page shows before linking to the talks page. */
const RECENT_TALKS = 3;

/** How many talks a page of the talks page holds. */
const TALKS_PAGE = 20;

/** The day after a YYYY-MM-DD date. */
function nextDay(iso) {
  const [y, m, d] = iso.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}

/** A valid YYYY-MM-DD date, or "". */
function isoOrEmpty(s) {
  return /^\d{4}-\d{2}-\d{2}$/.test(s || "") && !Number.isNaN(Date.parse(s + "T00:00:00Z")) ? s : "";
}

/**
 * How a roster names a holder, the one public-story rule the screen, its
 * print view and the CSV share: the name the API gives as public_name, or
 * "Member without public-story consent".
 */
const rosterName = (r) => r.public_name ?? t("bodies.roster.unnamed");

/** A panel with a heading whose id does not depend on the language. */
function panel(id, title, ...children) {
  return h("section", { class: "panel", "aria-labelledby": "h-" + id },
    h("h2", { id: "h-" + id }, title), ...children);
}

/** Marks an element to be left out of the print view. */
function noPrint(el) {
  el.classList.add("no-print");
  return el;
}

function seatsLine(b) {
  if (b.seats == null) return tn("bodies.seats.unlimited", b.seats_filled);
  const open = b.seats_open ?? Math.max(0, b.seats - b.seats_filled);
  return t("bodies.seats.filled", { filled: b.seats_filled, seats: b.seats, open });
}

function seatBar(b) {
  if (b.seats == null || b.seats === 0) return null;
  const bar = h("span", { class: "seat-fill" });
  bar.style.width = `${Math.min(100, (100 * b.seats_filled) / b.seats)}%`;
  return h("span", { class: "seat-bar", "aria-hidden": "true" }, bar);
}

function endsWhen(iso) {
  const d = daysUntil(iso);
  const date = formatDate(iso);
  if (d === 0) return t("bodies.ending.today", { date });
  if (d === 1) return t("bodies.ending.tomorrow", { date });
  return tn("bodies.ending.in", d, { date });
}

function startsWhen(iso) {
  const d = daysUntil(iso);
  const date = formatDate(iso);
  if (d === 1) return t("bodies.starting.tomorrow", { date });
  return tn("bodies.starting.in", d, { date });
}

/** One term in a list of terms: who, which role, where, and when. */
function termItem(ctx, r, when) {
  return h("li", {},
    ctx.can.readPeople ? h("a", { href: `/participants/${r.participant_id}` }, r.display_name) : r.display_name,
    ` · ${r.title}, `, h("a", { href: `/bodies/${r.body_id}` }, r.body_name),
    h("br"), h("span", { class: "muted" }, when));
}

/** The list of bodies with their seats and the terms ending and starting soon. */
export async function bodiesView(ctx) {
  const [bodies, ending, starting] = await Promise.all([
    get("/bodies").then((r) => r.items),
    get("/roles", { ending_within_days: SOON_DAYS }).then((r) => r.items),
    get("/roles", { starting_within_days: SOON_DAYS }).then((r) => r.items),
  ]);
  ending.sort((a, b) => (a.ends_on < b.ends_on ? -1 : 1));
  starting.sort((a, b) => (a.starts_on < b.starts_on ? -1 : 1));
  return h("section", { class: "page" },
    h("h1", {}, t("bodies.title")),
    h("p", { class: "lede" }, t("bodies.lede")),
    panel("ending", t("bodies.ending.heading", { n: SOON_DAYS }),
      ending.length ? h("ul", { class: "plain-list" }, ending.map((r) => termItem(ctx, r, endsWhen(r.ends_on))))
        : empty(t("bodies.ending.none", { n: SOON_DAYS }))),
    panel("starting", t("bodies.starting.heading", { n: SOON_DAYS }),
      starting.length ? h("ul", { class: "plain-list" }, starting.map((r) => termItem(ctx, r, startsWhen(r.starts_on))))
        : empty(t("bodies.starting.none", { n: SOON_DAYS }))),
    panel("all-bodies", t("bodies.all.heading"),
      bodies.length ? h("ul", { class: "cards bodies" }, bodies.map((b) => h("li", { class: "card body-card" },
        h("a", { class: "body-name", href: `/bodies/${b.id}` }, b.name),
        h("span", { class: "muted" }, kindName(b.kind), " · ", t("bodies.points_to"), " ", rungTag(b.rung)),
        b.seats_filled != null ? h("span", { class: "seats" }, seatsLine(b)) : null,
        b.seats_filled != null ? seatBar(b) : null))) : empty(t("bodies.all.none"))),
    ctx.can.runBodies ? h("details", { class: "panel action" }, h("summary", {}, t("bodies.add.summary")), bodyForm(ctx)) : null);
}

function bodyForm(ctx) {
  const frm = form({ label: t("bodies.add.summary"), submit: t("bodies.add.submit") },
    textField({ name: "name", label: t("bodies.add.name"), maxlength: 200 }),
    selectField({ name: "kind", label: t("bodies.add.kind"), options: KINDS.map((k) => [k, kindName(k)]), value: "advisory_board" }),
    textField({ name: "seats", label: t("bodies.add.seats"), type: "number", min: 1, inputmode: "numeric" }),
    selectField({ name: "rung", label: t("bodies.add.rung"), options: [["", t("bodies.add.rung_usual")], ...RUNGS.map((r) => [r, rungName(r)])], value: "" }),
    textField({ name: "term_months", label: t("bodies.add.term_months"), type: "number", min: 1, inputmode: "numeric" }),
    textField({ name: "term_limit", label: t("bodies.add.term_limit"), type: "number", min: 1, inputmode: "numeric" }),
    textField({ name: "description", label: t("bodies.add.description"), maxlength: 2000 }));
  return onSubmit(frm, async () => {
    const body = { name: value(frm, "name"), kind: value(frm, "kind"), description: value(frm, "description") };
    for (const k of ["seats", "term_months", "term_limit"]) if (value(frm, k) !== "") body[k] = Number(value(frm, k));
    if (value(frm, "rung")) body.rung = value(frm, "rung");
    const b = await post("/bodies", body);
    ctx.navigate(`/bodies/${b.id}`, { message: t("bodies.add.done", { name: b.name }) });
  }, t("bodies.saving"));
}

// A seat to fill, kept from ending a term until the page is drawn again:
// the add-to-seat form then opens with the day after the last day.
let seatToFill = null;

/** One body: the roster on a chosen day, who starts soon, adding and ending roles, and talks. */
export async function bodyView(ctx) {
  const id = Number(ctx.params[0]);
  const asked = isoOrEmpty(ctx.query.get("on"));
  const run = ctx.can.runBodies;
  const [body, talks, starting] = await Promise.all([
    get(`/bodies/${id}`, asked ? { as_of: asked } : undefined),
    get(`/bodies/${id}/speaking-engagements`, { limit: RECENT_TALKS }),
    get("/roles", { body_id: id, starting_within_days: SOON_DAYS }).then((r) => r.items),
  ]);
  const fillSeat = seatToFill && seatToFill.bodyId === id ? seatToFill : null;
  seatToFill = null;
  const after = (sel, msg) => ctx.rerender(sel, msg);
  const roster = body.roles || [];
  const isBureau = body.kind === "speakers_bureau";
  const day = body.as_of;
  const isToday = day === today();
  const csv = `/api/v1/bodies/${id}/roster.csv` + (isToday ? "" : `?as_of=${day}`);
  starting.sort((a, b) => (a.starts_on < b.starts_on ? -1 : 1));

  // The talks are not part of the roster, so its print view leaves them out.
  const talkPanel = isBureau || talks.items.length ? noPrint(panel("talks", t("bodies.talks.heading"),
    run && isBureau ? talkForm(body, after) : null,
    h("h3", {}, t("bodies.talks.recent")),
    talks.items.length ? talkList(talks.items) : empty(t("bodies.talks.none")),
    talks.next_cursor ? h("p", {}, h("a", { href: `/bodies/${id}/talks` }, t("bodies.talks.all"))) : null)) : null;

  return h("section", { class: "page" },
    h("p", { class: "crumb" }, h("a", { href: "/bodies" }, t("bodies.title"))),
    h("div", { class: "page-head" },
      h("h1", {}, body.name),
      h("div", { class: "page-actions no-print" },
        run ? h("a", { class: "button button-secondary", href: csv, download: `roster-${id}-${day}.csv` }, t("bodies.csv")) : null,
        h("button", { type: "button", class: "button-secondary", onclick: () => window.print() }, t("bodies.print")))),
    h("p", { class: "muted" }, kindName(body.kind), " · ", t("bodies.points_to"), " ", rungTag(body.rung),
      body.term_months ? tn("bodies.term_months", body.term_months) : "", body.term_limit ? tn("bodies.term_limit", body.term_limit) : ""),
    body.description ? h("p", {}, body.description) : null,
    // On a bureau's page, recording a talk comes first: it is the day's work there.
    isBureau ? talkPanel : null,
    panel("roster", isToday ? t("bodies.roster.heading_today", { date: formatDate(day) }) : t("bodies.roster.heading", { date: formatDate(day) }),
      h("p", { class: "seats" }, seatsLine(body)), seatBar(body),
      dayPicker(ctx, id, day, isToday),
      roster.length ? h("ul", { class: "cards roster" }, roster.map((r) => rosterCard(ctx, r, run, day, after)))
        : empty(t("bodies.roster.none", { date: formatDate(day) })),
      roster.some((r) => r.public_name == null) ? h("p", { class: "hint" }, t("bodies.roster.unnamed_note")) : null),
    panel("starting", t("bodies.soon.heading"),
      starting.length ? h("ul", { class: "plain-list" }, starting.map((r) => h("li", {},
        h("strong", {}, rosterName(r)), ` · ${r.title}`, h("br"),
        h("span", { class: "muted" }, startsWhen(r.starts_on), r.ends_on ? " · " + t("bodies.roster.until", { date: formatDate(r.ends_on) }) : ""))))
        : empty(t("bodies.soon.none", { n: SOON_DAYS }))),
    run ? h("details", { class: "panel action", id: "add-seat", open: roster.length === 0 || !!fillSeat },
      h("summary", {}, t("bodies.seat.summary")), roleForm(ctx, body, fillSeat, after)) : null,
    isBureau ? null : talkPanel);
}

/** Picks the day the roster is for; the address keeps it, so it can be shared or printed. */
function dayPicker(ctx, id, day, isToday) {
  const frm = h("form", { class: "form inline-form no-print", "aria-label": t("bodies.roster.pick.label") },
    textField({ name: "on", label: t("bodies.roster.pick.label"), type: "date", value: day }),
    h("div", { class: "form-actions" }, h("button", { type: "submit", class: "button-secondary" }, t("bodies.roster.pick.submit")),
      isToday ? null : h("a", { href: `/bodies/${id}` }, t("bodies.roster.pick.today"))));
  frm.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const on = isoOrEmpty(value(frm, "on"));
    ctx.navigate(on && on !== today() ? `/bodies/${id}?on=${on}` : `/bodies/${id}`);
  });
  return frm;
}

function termLine(r, day) {
  const start = formatDate(r.starts_on);
  const since = r.starts_on > day ? t("bodies.roster.starts", { date: start }) : t("bodies.roster.since", { date: start });
  const until = r.ends_on ? t("bodies.roster.until", { date: formatDate(r.ends_on) }) : t("bodies.roster.open");
  return `${since} · ${until}`;
}

function rosterCard(ctx, r, run, day, after) {
  const name = rosterName(r);
  const named = r.public_name != null;
  const card = h("li", { class: "card" },
    named && ctx.can.readPeople ? h("a", { class: "person-name", href: `/participants/${r.participant_id}` }, name) : h("strong", { class: named ? "" : "unnamed" }, name),
    h("span", {}, r.title),
    h("span", { class: "muted" }, termLine(r, day)),
    !named && ctx.can.readPeople ? h("a", { class: "no-print", href: `/participants/${r.participant_id}` }, t("bodies.roster.record")) : null);
  if (run && (!r.ends_on || r.ends_on >= today())) card.append(endForm(r, name, after));
  return card;
}

/**
 * Ends a term on its last day and, in the same flow, offers to fill the
 * seat from the next day: the seat form then opens with that day set.
 */
function endForm(r, name, after) {
  // Today, or the first day of a term that has not started yet.
  const lastDay = r.starts_on > today() ? r.starts_on : today();
  const fillBox = choiceGroup({ name: "fill", legend: t("bodies.end.next"), type: "checkbox", value: ["yes"],
    options: [["yes", t("bodies.end.fill")]] });
  const frm = form({ label: t("bodies.end.form", { name }), submit: t("bodies.end.submit") },
    textField({ name: "ends_on", label: t("bodies.end.last_day"), type: "date", value: lastDay, hint: t("bodies.end.last_day_hint") }),
    fillBox);
  onSubmit(frm, async () => {
    const ends = value(frm, "ends_on");
    await patch(`/roles/${r.id}`, { ends_on: ends });
    const date = formatDate(ends);
    if (ticked(frm, "fill").length) {
      seatToFill = { bodyId: r.body_id, startsOn: nextDay(ends), title: r.title };
      await after("#add-seat input[name=find]", t("bodies.end.done_fill", { name, title: r.title, date, next: formatDate(nextDay(ends)) }));
    } else {
      await after("h1", t("bodies.end.done", { name, title: r.title, date }));
    }
  }, t("bodies.saving"));
  return h("details", { class: "action small" },
    h("summary", {}, h("span", {}, t("bodies.end.summary")), h("span", { class: "visually-hidden" }, t("bodies.end.for", { name }))), frm);
}

function roleForm(ctx, body, fillSeat, after) {
  const finder = h("div", { class: "finder" },
    textField({ name: "find", label: t("bodies.seat.find"), type: "search", hint: t("bodies.seat.find_hint") }),
    h("button", { type: "button", class: "button-secondary" }, t("bodies.seat.find_button")));
  const picks = h("div", {});
  const defaultTitle = body.kind === "speakers_bureau" ? t("bodies.seat.title_speaker") : t("bodies.seat.title_member");
  const starts = fillSeat ? fillSeat.startsOn : today();
  const frm = form({ label: t("bodies.seat.summary"), submit: t("bodies.seat.submit") },
    fillSeat ? h("p", { class: "hint" }, t("bodies.seat.filling", { date: formatDate(fillSeat.startsOn) })) : null,
    finder, picks,
    textField({ name: "title", label: t("bodies.seat.title"), value: fillSeat ? fillSeat.title : defaultTitle, maxlength: 100 }),
    textField({ name: "starts_on", label: t("bodies.seat.starts_on"), type: "date", value: starts, hint: t("bodies.seat.starts_on_hint") }),
    textField({ name: "ends_on", label: t("bodies.seat.ends_on"), type: "date", value: "",
      hint: body.term_months ? tn("bodies.seat.ends_on_term", body.term_months) : t("bodies.seat.ends_on_open") }));
  const input = finder.querySelector("input");
  let seq = 0;
  const find = async () => {
    const mine = ++seq;
    const q = input.value.trim();
    if (!q) { fill(picks, personSlot()); return; }
    let page;
    try { page = await get("/participants", { q, limit: 10 }); } catch (e) { fill(picks, h("p", { class: "field-error" }, e.message)); return; }
    if (mine !== seq) return;
    fill(picks, choiceGroup({
      name: "participant_id", legend: t("bodies.seat.person"),
      hint: page.items.length ? tn("bodies.seat.matches", page.items.length) + (page.next_cursor ? " " + t("bodies.seat.narrow") : "") : t("bodies.seat.nobody"),
      options: page.items.map((p) => [String(p.id), `${p.display_name} (${p.external_ref})`, rungName(p.current_rung)]),
      value: page.items.length === 1 ? String(page.items[0].id) : "",
    }));
  };
  let timer;
  input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(find, 300); });
  input.addEventListener("keydown", (ev) => { if (ev.key === "Enter") { ev.preventDefault(); clearTimeout(timer); find(); } });
  finder.querySelector("button").addEventListener("click", () => { clearTimeout(timer); find(); });
  fill(picks, personSlot());
  return onSubmit(frm, async () => {
    const pid = value(frm, "participant_id");
    const payload = { participant_id: pid ? Number(pid) : 0, title: value(frm, "title"), starts_on: value(frm, "starts_on") };
    if (value(frm, "ends_on")) payload.ends_on = value(frm, "ends_on");
    const r = await post(`/bodies/${body.id}/roles`, payload);
    await after("h1", r.starts_on > today() ? t("bodies.seat.done_from", { date: formatDate(r.starts_on) }) : t("bodies.seat.done"));
  }, t("bodies.saving"));
}

/** Where the API's message about the person goes before anyone is chosen. */
function personSlot() {
  return h("div", { class: "field", dataset: { field: "participant_id", label: t("bodies.seat.person_label") } },
    h("p", { class: "field-error", hidden: true }));
}

function talkList(items) {
  return h("ul", { class: "plain-list talks" }, items.map((e) => h("li", {},
    h("strong", {}, e.topic), t("bodies.talks.audience_on", { audience: audienceName(e.audience), date: formatDate(e.held_on) }), h("br"),
    h("span", { class: "muted" }, (e.speakers || []).length
      ? t("bodies.talks.speakers", { names: e.speakers.map((sp) => sp.display_name).join(", ") })
      : tn("bodies.talks.count", e.speaker_count)))));
}

/**
 * Records a talk. The speakers to choose from are the bureau's members on
 * the talk's date who agreed to share their story in public, read again
 * whenever the date changes.
 */
function talkForm(body, after) {
  const speakers = h("div", {});
  const date = textField({ name: "held_on", label: t("bodies.talk.date"), type: "date", value: today(), max: today(), hint: t("bodies.talk.date_hint") });
  const frm = form({ label: t("bodies.talk.form"), submit: t("bodies.talk.submit"), className: "talk-form no-print" },
    h("h3", {}, t("bodies.talk.form")),
    date,
    selectField({ name: "audience", label: t("bodies.talk.audience"), options: AUDIENCE_KEYS.map((a) => [a, audienceName(a)]), value: "city_council" }),
    textField({ name: "topic", label: t("bodies.talk.topic"), maxlength: 200 }),
    speakers);
  const dateInput = date.querySelector("input");
  let seq = 0;
  const load = async () => {
    const mine = ++seq;
    const on = isoOrEmpty(dateInput.value);
    const was = ticked(frm, "speaker_ids");
    if (!on) { fill(speakers, speakerSlot(t("bodies.talk.pick_date"))); return; }
    fill(speakers, speakerSlot(t("bodies.talk.loading", { date: formatDate(on) })));
    let roster;
    try { roster = await get(`/bodies/${body.id}`, { as_of: on }); } catch (e) { if (mine === seq) fill(speakers, speakerSlot(e.message)); return; }
    if (mine !== seq) return;
    const options = roster.roles.filter((r) => r.public_name != null).map((r) => [String(r.participant_id), r.public_name, r.title]);
    fill(speakers, options.length
      ? choiceGroup({ name: "speaker_ids", legend: t("bodies.talk.speakers"), type: "checkbox", hint: t("bodies.talk.speakers_hint", { date: formatDate(on) }), options, value: was })
      : speakerSlot(t("bodies.talk.no_speakers", { date: formatDate(on) })));
  };
  dateInput.addEventListener("change", load);
  load();
  return onSubmit(frm, async () => {
    await post(`/bodies/${body.id}/speaking-engagements`, {
      held_on: value(frm, "held_on"), audience: value(frm, "audience"), topic: value(frm, "topic"),
      speaker_ids: ticked(frm, "speaker_ids").map(Number),
    });
    await after("#h-talks", t("bodies.talk.done"));
  }, t("bodies.saving"));
}

/** The speakers field while there is nobody to choose: a message, and room for the API's. */
function speakerSlot(text) {
  return h("div", { class: "field", dataset: { field: "speaker_ids", label: t("bodies.talk.speakers") } },
    h("p", { class: "field-label" }, t("bodies.talk.speakers")),
    h("p", { class: "field-error", hidden: true }),
    h("p", { class: "muted", "aria-live": "polite" }, text));
}

/** A bureau's past talks, newest first, a page at a time. */
export async function talksView(ctx) {
  const id = Number(ctx.params[0]);
  const [body, first] = await Promise.all([
    get(`/bodies/${id}`),
    get(`/bodies/${id}/speaking-engagements`, { limit: TALKS_PAGE }),
  ]);
  const list = talkList(first.items);
  const shown = h("p", { class: "muted", "aria-live": "polite" });
  let cursor = first.next_cursor;
  let count = first.items.length;
  const more = h("button", { type: "button", class: "button-secondary" }, t("bodies.talks.older"));
  const update = () => { shown.textContent = tn("bodies.talks.shown", count); more.hidden = !cursor; };
  more.addEventListener("click", async () => {
    more.disabled = true;
    try {
      const page = await get(`/bodies/${id}/speaking-engagements`, { limit: TALKS_PAGE, cursor });
      const firstNew = talkList(page.items).children;
      const added = [...firstNew];
      list.append(...added);
      cursor = page.next_cursor;
      count += page.items.length;
      update();
      if (added[0]) { added[0].tabIndex = -1; added[0].focus(); }
    } catch (e) {
      shown.textContent = e.message;
    } finally {
      more.disabled = false;
    }
  });
  update();
  return h("section", { class: "page" },
    h("p", { class: "crumb" }, h("a", { href: `/bodies/${id}` }, body.name)),
    h("h1", {}, t("bodies.talks.page_title", { name: body.name })),
    first.items.length ? [list, shown, h("p", {}, more)] : empty(t("bodies.talks.none")));
}
