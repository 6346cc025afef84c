// The participant's own page, opened by their personal link (/p/#pwp_...).
// The token stays in the browser, after #, and goes only to /api/v1/self,
// as a bearer token. Every word comes from the catalogues' "self" section.

import { h, fill } from "../dom.js";
import { t, setLanguage, language, browserLanguage, formatDate, formatDateTime, LANGUAGES } from "../i18n.js";

const RUNGS = ["observer", "follower", "member", "contributor", "leader"];
const CAPACITIES = ["self_advocacy", "root_cause_analysis", "leadership"];

// The token moves from the address into this tab's session storage at
// once, so that the browser's history on a shared phone keeps only /p/;
// a reload in the same tab still finds it.
const KEY = "pathway.self";
const token = decodeURIComponent(location.hash.slice(1)) || sessionStorage.getItem(KEY) || "";
if (location.hash) {
  sessionStorage.setItem(KEY, token);
  history.replaceState(null, "", "/p/");
}
const main = document.getElementById("main");
let journey = null;
let view = "journey"; // or "stopped", "erased"
let notice = null; // a message to show once, as [kind, key]

/** A failed call, with its HTTP status (0 when Pathway could not be reached). */
class Failure extends Error {
  constructor(status) { super(String(status)); this.status = status; }
}

async function call(method, path, body) {
  const headers = { "Accept": "application/json", "Accept-Language": language(), "Authorization": "Bearer " + token };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let res;
  try {
    res = await fetch("/api/v1/self" + path, { method, headers, credentials: "omit", cache: "no-store", referrerPolicy: "no-referrer", body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new Failure(0);
  }
  if (!res.ok) throw new Failure(res.status);
  return res.status === 204 || res.status === 202 ? null : res.json();
}

/** The words for a failure. */
function failureText(err) {
  if (err.status === 0) return t("self.error.offline");
  if (err.status === 429) return t("self.error.busy");
  return t("self.error.other");
}

/** Handles a failure: a link that stopped working ends the page. */
function failed(err, where) {
  if (err.status === 401) {
    sessionStorage.removeItem(KEY);
    view = "stopped";
    render();
    return;
  }
  fill(where, failureText(err));
  where.hidden = false;
}

function languageSwitch() {
  const box = document.getElementById("languages");
  fill(box, ...["en", "es"].map((lang) => h("button", {
    type: "button", lang, "aria-pressed": String(language() === lang),
    onclick: () => { setLanguage(lang); render(); },
  }, LANGUAGES[lang])));
  box.setAttribute("role", "group");
  box.setAttribute("aria-label", t("self.language.label"));
}

function panel(id, title, ...children) {
  return h("section", { class: "panel", "aria-labelledby": id }, h("h2", { id }, title), ...children);
}

function journeySection(j) {
  const steps = j.steps.length
    ? h("ol", { class: "steps" }, j.steps.map((s) => h("li", { class: `step step-${RUNGS.indexOf(s.rung) + 1}` },
      h("p", { class: "step-words" }, t(`self.rung.${s.rung}`)),
      h("p", { class: "step-date" }, t("self.journey.since", { date: formatDate(s.effective_on, { dateStyle: "long" }) })))))
    : h("p", { class: "empty" }, t("self.journey.none"));
  return panel("h-journey", t("self.journey.heading"), h("p", { class: "hint" }, t("self.journey.intro")), steps);
}

function rolesSection(j) {
  const list = j.roles.length
    ? h("ul", { class: "plain-list" }, j.roles.map((r) => h("li", {},
      h("strong", {}, r.title), " · ", r.body_name, " (", t(`self.kind.${r.body_kind}`), ")", h("br"),
      h("span", { class: "muted" }, r.ends_on
        ? t("self.roles.span", { from: formatDate(r.starts_on), to: formatDate(r.ends_on) })
        : t("self.roles.open", { from: formatDate(r.starts_on) })))))
    : h("p", { class: "empty" }, t("self.roles.none"));
  return panel("h-roles", t("self.roles.heading"), list);
}

function talksSection(j) {
  const list = j.talks.length
    ? h("ul", { class: "plain-list" }, j.talks.map((k) => h("li", {},
      h("strong", {}, k.topic), " · ", formatDate(k.held_on), h("br"),
      h("span", { class: "muted" }, t("self.talks.audience", { audience: t(`self.audience.${k.audience}`) }), " · ", k.body_name))))
    : h("p", { class: "empty" }, t("self.talks.none"));
  return panel("h-talks", t("self.talks.heading"), list);
}

function checkinSection(j) {
  const error = h("div", { class: "form-error", role: "alert", hidden: true });
  const groups = CAPACITIES.map((cap) => {
    const legendId = `q-${cap}`;
    return h("fieldset", { class: "field group", "aria-describedby": `err-${cap}` },
      h("legend", { id: legendId }, t(`self.checkin.${cap}`)),
      h("p", { class: "field-error", id: `err-${cap}`, hidden: true }),
      h("div", { class: "choices scale" }, [1, 2, 3, 4].map((n) => {
        const id = `${cap}-${n}`;
        return h("div", { class: "choice" },
          h("input", { type: "radio", name: cap, id, value: String(n) }),
          h("label", { for: id }, t(`self.scale.${n}`)));
      })));
  });
  const submit = h("button", { type: "submit" }, t("self.checkin.submit"));
  const frm = h("form", { class: "form", novalidate: true, "aria-labelledby": "h-checkin" }, error, groups, h("div", { class: "form-actions" }, submit));
  frm.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    error.hidden = true;
    const body = {};
    let missing = false;
    for (const cap of CAPACITIES) {
      const picked = frm.querySelector(`input[name="${cap}"]:checked`);
      const msg = frm.querySelector(`#err-${cap}`);
      msg.hidden = !!picked;
      fill(msg, picked ? "" : t("self.checkin.choose"));
      msg.parentElement.classList.toggle("has-error", !picked);
      if (picked) body[cap] = Number(picked.value); else missing = true;
    }
    if (missing) {
      fill(error, t("self.checkin.missing"));
      error.hidden = false;
      error.focus?.();
      return;
    }
    submit.disabled = true;
    fill(submit, t("self.checkin.saving"));
    try {
      const saved = await call("POST", "/capacity-checkins", body);
      journey.checkins.unshift(saved);
      notice = ["checkin", "self.checkin.saved"];
      render("#checkin-saved");
    } catch (err) {
      submit.disabled = false;
      fill(submit, t("self.checkin.submit"));
      failed(err, error);
    }
  });
  const last = j.checkins[0];
  return panel("h-checkin", t("self.checkin.heading"),
    h("p", { class: "hint" }, t("self.checkin.intro")),
    notice && notice[0] === "checkin" ? h("p", { class: "saved", id: "checkin-saved", role: "status", tabindex: "-1" }, t(notice[1])) : null,
    last ? h("p", { class: "muted" }, t("self.checkin.last", { date: formatDate(last.assessed_on, { dateStyle: "long" }) })) : null,
    frm);
}

function consentSection(j) {
  const c = j.consent;
  const facts = h("dl", { class: "facts-plain" },
    h("dt", {}, t("self.consent.given")), h("dd", {}, formatDate(c.given_on, { dateStyle: "long" })),
    h("dt", {}, t("self.consent.how")), h("dd", {}, t(`self.consent.method.${c.method}`)),
    h("dt", {}, t("self.consent.scopes")), h("dd", {}, h("ul", { class: "plain-list tight" }, c.scopes.map((s) => h("li", {}, t(`self.scope.${s}`))))));

  const error = h("p", { class: "form-error", role: "alert", hidden: true });
  const tick = h("input", { type: "checkbox", id: "understand" });
  const erase = h("button", { type: "button", class: "danger" }, t("self.withdraw.confirm"));
  const keep = h("button", { type: "button", class: "button-secondary" }, t("self.withdraw.cancel"));
  const confirmStep = h("div", { class: "confirm-step", hidden: true, id: "confirm-step" },
    h("div", { class: "choices" }, h("div", { class: "choice" }, tick, h("label", { for: "understand" }, t("self.withdraw.confirm_label")))),
    error,
    h("div", { class: "form-actions" }, keep, erase));
  const start = h("button", { type: "button", class: "button-secondary", "aria-expanded": "false", "aria-controls": "confirm-step" }, t("self.withdraw.start"));
  start.addEventListener("click", () => {
    confirmStep.hidden = false;
    start.setAttribute("aria-expanded", "true");
    tick.focus();
  });
  keep.addEventListener("click", () => {
    confirmStep.hidden = true;
    tick.checked = false;
    error.hidden = true;
    start.setAttribute("aria-expanded", "false");
    start.focus();
  });
  erase.addEventListener("click", async () => {
    if (!tick.checked) {
      fill(error, t("self.withdraw.need_tick"));
      error.hidden = false;
      tick.focus();
      return;
    }
    erase.disabled = keep.disabled = true;
    fill(erase, t("self.withdraw.erasing"));
    try {
      await call("POST", "/consent/withdrawal", { confirm: true });
      journey = null;
      view = "erased";
      sessionStorage.removeItem(KEY); // the link is spent
      render();
    } catch (err) {
      erase.disabled = keep.disabled = false;
      fill(erase, t("self.withdraw.confirm"));
      failed(err, error);
    }
  });
  return panel("h-consent", t("self.consent.heading"), facts,
    h("div", { class: "withdraw" },
      h("h3", {}, t("self.withdraw.heading")),
      h("p", {}, t("self.withdraw.explain1")),
      h("p", {}, t("self.withdraw.explain2")),
      start, confirmStep));
}

function message(headingKey, bodyKey) {
  return h("section", { class: "panel" }, h("h1", { tabindex: "-1" }, t(headingKey)), h("p", {}, t(bodyKey)));
}

/** Draws the page in the current language; focus goes to focusSel, if given. */
function render(focusSel) {
  document.title = t("self.page.title");
  languageSwitch();
  fill(document.getElementById("foot"), h("p", {}, t("self.foot")));
  main.removeAttribute("aria-busy");
  if (view === "stopped") {
    fill(main, message("self.error.stopped.heading", "self.error.stopped"));
  } else if (view === "erased") {
    fill(main, message("self.withdraw.done.heading", "self.withdraw.done.body"));
    main.querySelector("h1").focus();
  } else if (journey) {
    const j = journey;
    fill(main,
      h("h1", {}, t("self.hello", { name: j.display_name })),
      h("p", { class: "lede" }, t("self.lede", { date: formatDateTime(j.expires_at, { dateStyle: "long" }) })),
      journeySection(j), rolesSection(j), talksSection(j), checkinSection(j), consentSection(j));
    notice = null;
  } else {
    fill(main, h("p", { class: "loading" }, t("self.loading")));
  }
  if (focusSel) main.querySelector(focusSel)?.focus();
}

async function start() {
  setLanguage(browserLanguage());
  render();
  if (!token.startsWith("pwp_")) {
    view = "stopped";
    render();
    return;
  }
  try {
    journey = await call("GET", "");
    setLanguage(journey.language);
  } catch (err) {
    if (err.status !== 401) {
      fill(main, h("p", { class: "form-error", role: "alert" }, failureText(err)));
      return;
    }
    sessionStorage.removeItem(KEY);
    view = "stopped";
  }
  render();
}

start();
