// The web app's words in Spanish. One "key": "text", per line;
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
};
