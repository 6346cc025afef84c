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

  // admin: accounts, tokens, the audit log

  // account: one's own password and language

  // dashboard: releases, trends and charts

  // ladder

  // import

  // self: the participant's own pages at /p/
  "self.page.title": "My Pathway page",
  "self.language.label": "Language",
  "self.language.en": "English",
  "self.language.es": "Spanish",
  "self.loading": "Loading the page…",
  "self.hello": "Hello, {name}",
  "self.lede": "This page is yours. Only this personal link opens it, until {date}.",
  "self.journey.heading": "My journey",
  "self.journey.intro": "Every step on the pathway has value, and each person walks it in their own way.",
  "self.journey.none": "No steps recorded yet.",
  "self.journey.since": "Since {date}",
  "self.rung.observer": "Getting to know the organisation and its services",
  "self.rung.follower": "Coming along to events and meetings",
  "self.rung.member": "Taking part as a voice of the community",
  "self.rung.contributor": "Sharing ideas and experience to shape programs",
  "self.rung.leader": "Leading change on the issues that matter",
  "self.roles.heading": "My roles",
  "self.roles.none": "No roles yet.",
  "self.roles.span": "{from} to {to}",
  "self.roles.open": "Since {from}",
  "self.kind.advisory_board": "Advisory board",
  "self.kind.speakers_bureau": "Speakers bureau",
  "self.kind.board_of_directors": "Board of directors",
  "self.kind.committee": "Committee",
  "self.kind.staff": "Staff",
  "self.talks.heading": "Talks I gave",
  "self.talks.none": "No talks yet.",
  "self.talks.audience": "Audience: {audience}",
  "self.audience.city_council": "City council",
  "self.audience.state_legislature": "State legislature",
  "self.audience.media": "Media",
  "self.audience.funders": "Funders",
  "self.audience.conference": "Conference",
  "self.audience.school": "School",
  "self.audience.community": "Community",
  "self.audience.other": "Another audience",
  "self.checkin.heading": "How am I doing?",
  "self.checkin.intro": "A short check-in from my own point of view. There are no right or wrong answers, and it is never a score.",
  "self.checkin.self_advocacy": "Speaking up for what I need",
  "self.checkin.root_cause_analysis": "Naming the policies and systems behind the problems I face",
  "self.checkin.leadership": "Stepping into my own leadership",
  "self.scale.1": "Just starting",
  "self.scale.2": "Growing",
  "self.scale.3": "Getting stronger",
  "self.scale.4": "Strong",
  "self.checkin.submit": "Save my check-in",
  "self.checkin.saving": "Saving…",
  "self.checkin.saved": "Thank you. The check-in was saved.",
  "self.checkin.missing": "An answer is still missing for each question marked.",
  "self.checkin.choose": "Choose an answer.",
  "self.checkin.last": "Last check-in: {date}",
  "self.consent.heading": "My consent",
  "self.consent.given": "Given on",
  "self.consent.how": "How",
  "self.consent.method.written": "In writing",
  "self.consent.method.verbal": "Spoken",
  "self.consent.method.electronic": "Electronically",
  "self.consent.scopes": "I agreed to",
  "self.scope.tracking": "My journey being recorded in Pathway",
  "self.scope.public_story": "Sharing my story in public",
  "self.withdraw.heading": "Withdrawing my consent",
  "self.withdraw.explain1": "Consent can be withdrawn at any time. Withdrawing it erases my record from Pathway for good: my name, my journey, my roles, my check-ins and every note about me.",
  "self.withdraw.explain2": "It cannot be undone, and this link stops working. Only a note that a record was erased, with no name, stays in the log.",
  "self.withdraw.start": "I want to withdraw my consent",
  "self.withdraw.confirm_label": "I understand that my record will be erased for good.",
  "self.withdraw.confirm": "Withdraw and erase my record",
  "self.withdraw.cancel": "Keep my record",
  "self.withdraw.need_tick": "Tick the box first to confirm.",
  "self.withdraw.erasing": "Erasing…",
  "self.withdraw.done.heading": "The record was erased",
  "self.withdraw.done.body": "Consent was withdrawn and the record erased from Pathway. This link no longer works. Thank you for the path we walked together.",
  "self.error.stopped.heading": "This link no longer works",
  "self.error.stopped": "Personal links last a few days and can be cancelled. The staff of the organisation can give a new one.",
  "self.error.busy": "Too many tries in a short time. Please wait a minute and try again.",
  "self.error.offline": "Pathway could not be reached. Please check the connection and try again.",
  "self.error.other": "Something went wrong. Please try again in a moment.",
  "self.foot": "Pathway follows journeys from receiving services to leading change. Every step has value.",
  "self.staff.heading": "Capacity check-ins",
  "self.staff.intro": "Their own view and staff's view side by side, on a scale of 1 to 4. It follows growth over time and is never a score.",
  "self.staff.own": "Their own view",
  "self.staff.staff_view": "Staff view",
  "self.staff.none": "None yet.",
  "self.staff.by_participant": "Recorded by them, through their personal link",
  "self.staff.by_staff": "Recorded by {who}",
  "self.staff.cap.self_advocacy": "Speaks up for own needs",
  "self.staff.cap.root_cause_analysis": "Names the root causes",
  "self.staff.cap.leadership": "Steps into leadership",
  "self.staff.score": "{n} of 4",
  "self.staff.sensitive": "Sensitive note",
  "self.link.summary": "Give them a personal link",
  "self.link.intro": "A personal link lets {name} see their journey, record their own check-in and withdraw consent on their own phone. Show the QR code for them to scan: the link is shown only once.",
  "self.link.language": "Language of their page",
  "self.link.days": "Days it works",
  "self.link.days_hint": "From 1 to 30 days.",
  "self.link.create": "Make a personal link",
  "self.link.qr_alt": "QR code of the personal link for {name}",
  "self.link.url": "Link",
  "self.link.expires": "Works until {date}",
  "self.link.once": "This link is shown only now. If it is lost, make a new one.",
  "self.link.active": "Links that still work",
  "self.link.none": "No personal link works now.",
  "self.link.item": "{language}, made by {who}, works until {date}",
  "self.link.revoke": "Revoke",
  "self.link.revoke_for": "the link that works until {date}",
  "self.link.revoked": "The link was revoked.",
  "self.audit.participant": "The participant themself",
};
