// The web app's words in English. One "key": "text", per line;
// every key here is in the other catalogue too (static/i18n_test.go).
// Each area keeps its keys in its own section, under its comment.

export default {
  // app: the shell, navigation and messages every page shares

  // signin

  // words: rungs, capacities, strategies, kinds and other closed sets

  // people: the people list and search

  // event: logging an event's attendance

  // person: one person's page, journey, check-ins and consent

  // suggestions

  // bodies: boards, bureaus, seats, terms and talks
  "bodies.title": "Boards and bureaus",
  "bodies.lede": "Where people hold roles: advisory boards, the speakers bureau, the board of directors, committees and staff.",
  "bodies.kind.advisory_board": "Advisory board",
  "bodies.kind.speakers_bureau": "Speakers bureau",
  "bodies.kind.board_of_directors": "Board of directors",
  "bodies.kind.committee": "Committee",
  "bodies.kind.staff": "Staff (hired from the community)",
  "bodies.audience.city_council": "City council",
  "bodies.audience.state_legislature": "State legislature",
  "bodies.audience.media": "Media",
  "bodies.audience.funders": "Funders",
  "bodies.audience.conference": "Conference",
  "bodies.audience.school": "School",
  "bodies.audience.community": "Community",
  "bodies.audience.other": "Other",
  "bodies.points_to": "holding a role here points to",
  "bodies.seats.unlimited.one": "{n} person taking part; no seat limit",
  "bodies.seats.unlimited.other": "{n} people taking part; no seat limit",
  "bodies.seats.filled": "{filled} of {seats} seats filled · {open} open",
  "bodies.term_months.one": " · terms of {n} month",
  "bodies.term_months.other": " · terms of {n} months",
  "bodies.term_limit.one": ", at most {n} in a row",
  "bodies.term_limit.other": ", at most {n} in a row",
  "bodies.saving": "Saving…",
  "bodies.ending.heading": "Terms ending in the next {n} days",
  "bodies.ending.none": "No terms end in the next {n} days.",
  "bodies.ending.today": "Last day {date} (today)",
  "bodies.ending.tomorrow": "Last day {date} (tomorrow)",
  "bodies.ending.in.one": "Last day {date} (in {n} day)",
  "bodies.ending.in.other": "Last day {date} (in {n} days)",
  "bodies.starting.heading": "Terms starting in the next {n} days",
  "bodies.starting.none": "No terms start in the next {n} days.",
  "bodies.starting.tomorrow": "Starts {date} (tomorrow)",
  "bodies.starting.in.one": "Starts {date} (in {n} day)",
  "bodies.starting.in.other": "Starts {date} (in {n} days)",
  "bodies.all.heading": "All bodies",
  "bodies.all.none": "No bodies yet.",
  "bodies.add.summary": "Add a body",
  "bodies.add.submit": "Add body",
  "bodies.add.name": "Name",
  "bodies.add.kind": "Kind",
  "bodies.add.seats": "Seats (leave empty for no limit)",
  "bodies.add.rung": "Rung a role here points to",
  "bodies.add.rung_usual": "The usual one for this kind",
  "bodies.add.term_months": "Term length in months (optional)",
  "bodies.add.term_limit": "Most terms in a row (optional)",
  "bodies.add.description": "Description (optional)",
  "bodies.add.done": "{name} was added.",
  "bodies.csv": "Download roster (CSV)",
  "bodies.print": "Print the roster",
  "bodies.roster.heading_today": "Who holds a role today, {date}",
  "bodies.roster.heading": "Who holds a role on {date}",
  "bodies.roster.none": "Nobody holds a role here on {date}.",
  "bodies.roster.unnamed": "Member without public-story consent",
  "bodies.roster.unnamed_note": "People who have not agreed to share their story in public are not named on the roster: not on screen, in print or in the download.",
  "bodies.roster.record": "Open their record",
  "bodies.roster.since": "Since {date}",
  "bodies.roster.starts": "Starts {date}",
  "bodies.roster.until": "last day {date}",
  "bodies.roster.open": "open-ended",
  "bodies.roster.pick.label": "Show the roster on",
  "bodies.roster.pick.submit": "Show",
  "bodies.roster.pick.today": "Back to today",
  "bodies.soon.heading": "Starting soon",
  "bodies.soon.none": "Nobody starts here in the next {n} days.",
  "bodies.end.summary": "End this role",
  "bodies.end.for": "for {name}",
  "bodies.end.form": "End the role of {name}",
  "bodies.end.last_day": "Last day in the role",
  "bodies.end.last_day_hint": "They keep the seat through this day; it is free from the next day.",
  "bodies.end.next": "After the last day",
  "bodies.end.fill": "Fill the seat from the next day",
  "bodies.end.submit": "End role",
  "bodies.end.done": "The role of {name} as {title} ends on {date}.",
  "bodies.end.done_fill": "The role of {name} as {title} ends on {date}. Now choose who fills the seat from {next}.",
  "bodies.seat.summary": "Add someone to a seat",
  "bodies.seat.submit": "Add to seat",
  "bodies.seat.filling": "Filling the seat from {date}, the day after the last term ends.",
  "bodies.seat.find": "Find the person",
  "bodies.seat.find_hint": "Type part of their name or case-management ID, then choose them.",
  "bodies.seat.find_button": "Find",
  "bodies.seat.person": "Person",
  "bodies.seat.person_label": "The person",
  "bodies.seat.matches.one": "{n} match.",
  "bodies.seat.matches.other": "{n} matches.",
  "bodies.seat.narrow": "Type more to narrow it down.",
  "bodies.seat.nobody": "Nobody matches; try another spelling.",
  "bodies.seat.title": "Title",
  "bodies.seat.title_member": "Member",
  "bodies.seat.title_speaker": "Speaker",
  "bodies.seat.starts_on": "Starts on",
  "bodies.seat.starts_on_hint": "A seat is free from the day after a term's last day. A day in the future is fine.",
  "bodies.seat.ends_on": "Last day (optional)",
  "bodies.seat.ends_on_term.one": "Left empty, the term lasts {n} month: its last day is the day before the same date a month later.",
  "bodies.seat.ends_on_term.other": "Left empty, the term lasts {n} months: its last day is the day before the same date {n} months later.",
  "bodies.seat.ends_on_open": "Left empty, the term stays open until you end it.",
  "bodies.seat.done": "The seat is filled.",
  "bodies.seat.done_from": "The seat is filled from {date}.",
  "bodies.talks.heading": "Speaking engagements",
  "bodies.talks.recent": "Latest talks",
  "bodies.talks.none": "No speaking engagements recorded yet.",
  "bodies.talks.all": "All past talks",
  "bodies.talks.speakers": "Speakers: {names}",
  "bodies.talks.count.one": "{n} speaker",
  "bodies.talks.count.other": "{n} speakers",
  "bodies.talks.page_title": "Past talks of {name}",
  "bodies.talks.older": "Show older talks",
  "bodies.talks.shown.one": "{n} talk shown, newest first.",
  "bodies.talks.shown.other": "{n} talks shown, newest first.",
  "bodies.talk.form": "Record a speaking engagement",
  "bodies.talk.submit": "Save speaking engagement",
  "bodies.talk.date": "Date",
  "bodies.talk.date_hint": "The speakers to choose from are who was a member on this date.",
  "bodies.talk.audience": "Audience",
  "bodies.talk.topic": "Topic",
  "bodies.talk.speakers": "Speakers",
  "bodies.talk.speakers_hint": "Members of the bureau on {date} who agreed to share their story in public.",
  "bodies.talk.no_speakers": "Nobody who agreed to share their story in public was a member of the bureau on {date}.",
  "bodies.talk.loading": "Finding who was a member on {date}…",
  "bodies.talk.pick_date": "Choose the date of the talk to see who can be named as a speaker.",
  "bodies.talk.done": "Speaking engagement recorded.",

  // admin: accounts, tokens, the audit log

  // account: one's own password and language

  // dashboard: releases, trends and charts

  // ladder

  // import

  // self: the participant's own pages at /p/
};
