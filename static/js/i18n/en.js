// The web app's words in English. One "key": "text", per line;
// every key here is in the other catalogue too (static/i18n_test.go).
// Each area keeps its keys in its own section, under its comment.

export default {
  // app: the shell, navigation and messages every page shares

  // signin

  // words: rungs, capacities, strategies, kinds and other closed sets

  // people: the people list and search
  "people.title": "People on the pathway",
  "people.crumb": "People",
  "people.search.region": "Find people",
  "people.search.label": "Name or case-management ID",
  "people.search.hint": "Capitals and accents do not matter: lucia finds Lucía.",
  "people.search.submit": "Search",
  "people.filter.rung": "Rung",
  "people.filter.any_rung": "Any rung",
  "people.filter.program": "Program",
  "people.filter.any_program": "Any program",
  "people.sort.label": "Order",
  "people.sort.name": "Name, A to Z",
  "people.sort.last_engaged": "Last engagement, latest first",
  "people.sort.added": "When they were added",
  "people.list.label": "People found",
  "people.list.no_match": "Nobody matches that search.",
  "people.list.nobody": "Nobody has been added yet.",
  "people.list.count.one": "Showing {n} person.",
  "people.list.count.other": "Showing {n} people.",
  "people.list.count_more.one": "Showing {n} person (there are more).",
  "people.list.count_more.other": "Showing {n} people (there are more).",
  "people.list.more": "Show more",
  "people.list.loading": "Loading…",
  "people.recent.title": "People you opened recently",
  "people.card.ref": "Case-management ID ",
  "people.card.rung": "Now on: ",
  "people.card.last_engaged": "Last took part {date}",
  "people.card.never_engaged": "No engagement logged yet",
  "people.event.link": "Log an event",
  "people.event.link_program": "Log an event for this program",
  "people.add.link": "Add a person",
  "people.new.title": "Add a person",
  "people.new.submit": "Add person",
  "people.new.busy": "Adding…",
  "people.new.ref": "Case-management ID",
  "people.new.ref_hint": "Their ID in your case-management system, so the two records line up.",
  "people.new.name": "Preferred name",
  "people.new.name_hint": "The name they like to be called.",
  "people.new.programs": "Programs",
  "people.new.consent": "Consent",
  "people.new.consent_hint": "Pathway only follows people who have agreed to it.",
  "people.new.consent_date": "Date consent was given",
  "people.new.consent_method": "How it was given",
  "people.new.scopes": "They agreed to",
  "people.new.scopes_hint": "Nothing is ticked for you: tick each thing the person agreed to. Following their journey must be ticked, because Pathway keeps no record of anyone who has not agreed to it; the form will not save without it. Sharing their story is needed before any public speaking.",
  "people.new.scopes_error_label": "Consent:",
  "people.new.scopes_needed": "tick “{scope}” once the person has agreed to it; Pathway cannot follow anyone without it",
  "people.new.scope_required": "{scope} (required)",
  "people.new.rung": "Starting rung",
  "people.new.added": "{name} was added on {rung}.",

  // event: logging an event's attendance
  "event.nav": "Log an event",
  "event.title": "Log an event",
  "event.crumb": "People",
  "event.lede": "One occasion, everyone who came, one save: each person gets the engagement on their journey.",
  "event.what": "What happened",
  "event.activity": "Activity",
  "event.activity_hint": "For example: Community supper, Tenant meeting on rent increases.",
  "event.date": "Date",
  "event.program": "Program",
  "event.program_hint": "An engagement in a program counts as evidence for a next step on the pathway. The program you used last is chosen for you.",
  "event.no_program": "Not part of a program",
  "event.strategy": "Social change strategy",
  "event.no_strategy": "None",
  "event.note": "Note for everyone who came (optional)",
  "event.attendees": "Who came",
  "event.chosen.label": "People chosen",
  "event.chosen.none": "Nobody chosen yet. Tick people below, or choose all of them at once.",
  "event.chosen.count.one": "{n} person chosen:",
  "event.chosen.count.other": "{n} people chosen:",
  "event.remove": "Remove {name}",
  "event.remove_short": "Remove",
  "event.search": "Find someone by name or case-management ID",
  "event.search_hint": "Capitals and accents do not matter.",
  "event.source.label": "Show",
  "event.source.program": "People in {program}",
  "event.source.recent": "People you opened recently",
  "event.source.search": "Search results",
  "event.found.program": "People in {program}",
  "event.found.recent": "People you opened recently",
  "event.found.search": "Search results",
  "event.found.none": "Nobody matches that search.",
  "event.found.no_recent": "You have not opened anyone's page yet. Search for them above.",
  "event.found.none_in_program": "Nobody is enrolled in this program now.",
  "event.found.more": "Show more people",
  "event.select_all": "Choose everyone shown",
  "event.select_all_n.one": "Choose the {n} person shown",
  "event.select_all_n.other": "Choose all {n} people shown",
  "event.clear_shown": "Remove everyone shown",
  "event.save": "Save the event",
  "event.save_for.one": "Save the event for {n} person",
  "event.save_for.other": "Save the event for {n} people",
  "event.saving": "Saving…",
  "event.none_chosen": "Choose at least one person who came.",
  "event.none_chosen_field": "needs at least one person",
  "event.refused.lead.one": "Nothing was saved, because of {n} person below. Everything you chose and typed is still here.",
  "event.refused.lead.other": "Nothing was saved, because of {n} people below. Everything you chose and typed is still here.",
  "event.refused.one": "{name}: {why}",
  "event.refused.drop.one": "Leave that person out",
  "event.refused.drop.other": "Leave those {n} people out",
  "event.refused.nothing_saved": "Nothing was saved. Some of the people chosen cannot have this event; they are marked under Who came.",
  "event.saved.one": "{activity} was logged for {n} person.",
  "event.saved.other": "{activity} was logged for {n} people.",

  // person: one person's page, journey, check-ins and consent

  // suggestions

  // bodies: boards, bureaus, seats, terms and talks

  // admin: accounts, tokens, the audit log

  // account: one's own password and language

  // dashboard: releases, trends and charts

  // ladder

  // import

  // self: the participant's own pages at /p/
};
