// The words Pathway uses for the values the API sends, in the reader's
// language. Each exported object is filled from the catalogue's "words"
// section and filled again, in place, when the language changes, so that
// RUNG[r].name, STRATEGIES[x] and the rest always read in the language in use.

import { t, onLanguageChange } from "./i18n.js";

const sets = [];

/**
 * An object from each value to its words, kept in the catalogue under
 * words.<set>.<value> (a camelCase name is looked up in snake_case).
 */
function named(set, values) {
  const obj = {};
  const key = (v) => `words.${set}.` + v.replace(/[A-Z]/g, (c) => "_" + c.toLowerCase());
  sets.push(() => { for (const v of values) obj[v] = t(key(v)); });
  return obj;
}

export const RUNGS = ["observer", "follower", "member", "contributor", "leader"];

/** Each rung's name and what it means. */
export const RUNG = {};
sets.push(() => {
  for (const r of RUNGS) {
    RUNG[r] = RUNG[r] || {};
    RUNG[r].name = t(`words.rung.${r}`);
    RUNG[r].meaning = t(`words.rung.${r}.meaning`);
  }
});

export const rungName = (r) => (RUNG[r] ? RUNG[r].name : r);

export const ROLES = named("role", ["admin", "staff", "coordinator", "leadership"]);

export const BODY_KINDS = named("body_kind", ["advisory_board", "speakers_bureau", "board_of_directors", "committee", "staff"]);

export const AUDIENCES = named("audience", ["city_council", "state_legislature", "media", "funders", "conference", "school", "community", "other"]);

export const STRATEGIES = named("strategy", ["organizing", "education", "networking", "advocacy", "electoral"]);

export const CAPACITIES = named("capacity", ["self_advocacy", "root_cause_analysis", "leadership"]);

export const CONSENT_METHODS = named("consent_method", ["written", "verbal", "electronic"]);

export const SCOPES = named("scope", ["tracking", "public_story"]);

export const PERSPECTIVES = named("perspective", ["self", "staff"]);

export const NOTE_MAX = 500;

function build() { for (const fill of sets) fill(); }
build();
onLanguageChange(build);
