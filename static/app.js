// Pathway's web app: a small router over views, one per page, that only
// offers what the signed-in role may see.

import { api, get, patch, setCSRF, whenSessionEnds, forgetEverything, Problem } from "./js/api.js";
import { h, fill } from "./js/dom.js";
import { t, setLanguage, language, browserLanguage, onLanguageChange, LANGUAGES } from "./js/i18n.js";
import { ROLES } from "./js/words.js";
import { signInView, signInAgainDialog } from "./js/signin.js";
import { confirmDialog } from "./js/parts.js";
import { peopleView, newPersonView } from "./js/people.js";
import { personView } from "./js/person.js";
import { suggestionsView } from "./js/suggestions.js";
import { ladderView } from "./js/ladder.js";
import { bodiesView, bodyView, talksView } from "./js/bodies.js";
import { dashboardView } from "./js/dashboard.js";
import { usersView, tokensView, auditView } from "./js/admin.js";
import { importView } from "./js/import.js";
import { eventView } from "./js/event.js";
import { accountView } from "./js/account.js";

// Each page names the ability it needs (see abilities below); pages without
// one are open to every signed-in account.
const routes = [
  { path: /^\/participants$/, view: peopleView, needs: "readPeople" },
  { path: /^\/participants\/new$/, view: newPersonView, needs: "writePeople" },
  { path: /^\/participants\/(\d+)$/, view: personView, needs: "readPeople" },
  { path: /^\/suggestions$/, view: suggestionsView, needs: "writePeople" },
  { path: /^\/import$/, view: importView, needs: "writePeople" },
  { path: /^\/events\/new$/, view: eventView, needs: "writePeople" },
  { path: /^\/ladder$/, view: ladderView },
  { path: /^\/bodies$/, view: bodiesView, needs: "readBodies" },
  { path: /^\/bodies\/(\d+)$/, view: bodyView, needs: "readBodies" },
  { path: /^\/bodies\/(\d+)\/talks$/, view: talksView, needs: "readBodies" },
  { path: /^\/dashboard$/, view: dashboardView, needs: "reports" },
  { path: /^\/admin\/users$/, view: usersView, needs: "admin" },
  { path: /^\/admin\/tokens$/, view: tokensView, needs: "admin" },
  { path: /^\/admin\/audit$/, view: auditView, needs: "admin" },
  { path: /^\/account$/, view: accountView },
];

// Menu labels are catalogue keys, looked up each time the menu is drawn.
const navItems = [
  { href: "/participants", label: "app.nav.people", needs: "readPeople" },
  { href: "/events/new", label: "event.nav", needs: "writePeople" },
  { href: "/import", label: "app.nav.import", needs: "writePeople" },
  { href: "/ladder", label: "app.nav.ladder" },
  { href: "/bodies", label: "app.nav.bodies", needs: "readBodies" },
  { href: "/dashboard", label: "app.nav.dashboard", needs: "reports" },
  { href: "/admin/users", label: "app.nav.accounts", needs: "admin" },
  { href: "/admin/tokens", label: "app.nav.tokens", needs: "admin" },
  { href: "/admin/audit", label: "app.nav.audit", needs: "admin" },
  { href: "/account", label: "account.nav" },
];

const homes = { admin: "/participants", staff: "/participants", coordinator: "/bodies", leadership: "/dashboard" };

const main = document.getElementById("main");
const statusEl = document.getElementById("status");
let user = null;
let can = abilities([]);
let firstRender = true;
let pendingMessage = "";
let renderSeq = 0;

/** What the signed-in role may do, from the abilities the server sent with
 * the account, for views to decide what to offer. */
function abilities(list) {
  const has = (a) => (list || []).includes(a);
  return {
    readPeople: has("read_people"),
    writePeople: has("write_people"),
    editPrograms: has("edit_programs"),
    readBodies: has("read_bodies"),
    runBodies: has("run_bodies"),
    reports: has("read_reports"),
    admin: has("administer"),
    readNotes: has("read_notes"),
  };
}

/** Whether the signed-in account may open a page or menu item. */
const mayOpen = (item) => (!item.needs || can[item.needs]) && !(item.href && user?.must_change_password && item.href !== "/account");

/** Keeps the account and its abilities from a sign-in or GET /me answer. */
function keepAccount(me) {
  user = me ? me.user : null;
  can = abilities(me ? me.abilities : []);
}

/** The language an account keeps (GET /me's language), if the server sends one. */
const savedLanguage = (me) => (me && (me.language || (me.user && me.user.language))) || "";

// A language chosen with the switch lasts for the browser session, so a
// reload keeps it even where the server does not keep it for the account.
const CHOSEN = "pathway.language";
function chosenLanguage() { try { return sessionStorage.getItem(CHOSEN) || ""; } catch { return ""; } }
function keepChosenLanguage(lang) { try { sessionStorage.setItem(CHOSEN, lang); } catch { /* storage turned off */ } }

/** Whether a form on the page holds something typed that a redraw would lose. */
function typedSomething() {
  return [...main.querySelectorAll("form input, form textarea, form select")].some((el) => {
    if (el.type === "search" || el.type === "hidden" || el.readOnly) return false;
    if (el.type === "checkbox" || el.type === "radio") return el.checked !== el.defaultChecked;
    if (el.tagName === "SELECT") return [...el.options].some((o) => o.selected !== o.defaultSelected);
    if (el.type === "file") return el.files && el.files.length > 0;
    return el.value !== el.defaultValue;
  });
}

/** Switches the app's language, keeps the choice for the account, and redraws. */
async function switchLanguage(lang) {
  if (lang === language()) return;
  if (typedSomething() && !await confirmDialog({
    title: t("app.language.confirm_title"), body: t("app.language.confirm_body"),
    confirm: t("app.language.confirm"), cancel: t("app.language.keep"),
  })) return;
  setLanguage(lang);
  keepChosenLanguage(lang);
  drawShell();
  if (user) {
    // The server keeps it for the account where it can; in any case the
    // choice holds for this browser session.
    try { await patch("/me", { language: lang }); } catch { /* not kept on the server: kept for the session */ }
  }
  await render(null, t("app.language.switched"));
}

/** The shell's own words: skip link, header, footer, and the switch. */
function drawShell() {
  document.documentElement.lang = language();
  for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  const nav = document.getElementById("nav");
  nav.setAttribute("aria-label", t("app.nav.label"));
  const other = language() === "es" ? "en" : "es";
  const sw = document.getElementById("language");
  sw.textContent = LANGUAGES[other];
  sw.lang = other;
  sw.title = t("app.language.switch_title");
  sw.hidden = false;
  drawNav();
}

/** Says something in the status area, read out by screen readers. */
function announce(message) {
  statusEl.textContent = "";
  if (message) {
    // A fresh text node is announced even when the words repeat.
    requestAnimationFrame(() => { statusEl.textContent = message; });
  }
}

/** Goes to an app address; message is announced once the page is drawn. */
function navigate(path, { replace = false, message = "" } = {}) {
  pendingMessage = message;
  if (replace) history.replaceState(null, "", path);
  else history.pushState(null, "", path);
  render();
}

function drawNav() {
  const nav = document.getElementById("nav");
  const account = document.getElementById("account");
  if (!user) {
    nav.hidden = true;
    account.hidden = true;
    fill(nav);
    return;
  }
  const here = location.pathname;
  fill(nav, h("ul", {}, navItems.filter(mayOpen).map((n) =>
    h("li", {}, h("a", { href: n.href, "aria-current": here === n.href || here.startsWith(n.href + "/") ? "page" : null }, t(n.label))))));
  nav.hidden = false;
  fill(document.getElementById("account-who"), h("span", { class: "who-email" }, user.email), " ", h("span", { class: "who-role" }, ROLES[user.role] || user.role));
  account.hidden = false;
}

/** A local address to go to after signing in, or "". */
function localPath(p) { return p && p.startsWith("/") && !p.startsWith("//") ? p : ""; }

async function render(focusSelector, message) {
  if (message !== undefined) pendingMessage = message;
  const seq = ++renderSeq;
  const path = location.pathname.replace(/\/+$/, "") || "/";
  const params = new URLSearchParams(location.search);
  if (!user) {
    drawNav();
    const next = path === "/" || path === "/signin" ? localPath(params.get("next")) : path + location.search;
    show(await signInView({ signedIn, next }), seq);
    return;
  }
  // After a one-time reset the account may only choose its own password.
  if (user.must_change_password && path !== "/account") {
    navigate("/account", { replace: true, message: pendingMessage });
    return;
  }
  if (path === "/" || path === "/signin") {
    navigate(localPath(params.get("next")) || homes[user.role] || "/ladder", { replace: true, message: pendingMessage });
    return;
  }
  drawNav();
  const route = routes.find((r) => r.path.test(path));
  if (!route) {
    show(notice(t("app.not_found.title"), t("app.not_found.text")), seq);
    return;
  }
  if (!mayOpen(route)) {
    show(notice(t("app.not_your_role.title"), t("app.not_your_role.text")), seq);
    return;
  }
  main.setAttribute("aria-busy", "true");
  const ctx = {
    user, can, params: path.match(route.path).slice(1), query: params,
    navigate, announce, keepAccount, rerender: (sel, message) => { pendingMessage = message || ""; return render(sel); },
  };
  try {
    show(await route.view(ctx), seq, focusSelector);
  } catch (err) {
    if (seq !== renderSeq) return;
    if (err instanceof Problem && err.status === 401) { await endSession(t("app.session_ended")); return; }
    if (err instanceof Problem && err.status === 404) show(notice(t("app.error.not_found"), err.message), seq);
    else if (err instanceof Problem && err.status === 403) show(notice(t("app.error.forbidden"), err.message), seq);
    else if (err instanceof Problem && err.offline) show(notice(t("app.error.offline"), err.message), seq);
    else { show(notice(t("app.error.title"), err instanceof Problem ? err.message : t("app.error.text")), seq); if (!(err instanceof Problem)) console.error(err); }
  }
}

function notice(title, text) {
  return h("section", { class: "page" }, h("h1", { tabindex: "-1" }, title), h("p", {}, text),
    user ? h("p", {}, h("a", { href: homes[user.role] || "/ladder" }, t("app.go_home"))) : null);
}

/**
 * Puts every table of the page in a frame that scrolls sideways on its own
 * (so the page never does), and makes a table wider than the screen say
 * so: a line above it, and a shadow at the edge with more columns.
 */
function frameTables() {
  for (const table of main.querySelectorAll("table")) {
    let wrap = table.parentElement;
    if (!wrap.classList.contains("table-wrap")) {
      const cap = table.querySelector("caption");
      wrap = h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": cap ? cap.textContent : t("app.table.region") });
      table.replaceWith(wrap);
      wrap.append(table);
    }
    if (wrap.dataset.framed) continue;
    wrap.dataset.framed = "1";
    const hint = h("p", { class: "scroll-hint", hidden: true }, t("app.table.scroll_hint"));
    wrap.before(hint);
    const ro = new ResizeObserver(() => {
      const scrolls = wrap.scrollWidth > wrap.clientWidth + 1;
      wrap.classList.toggle("scrolls", scrolls);
      hint.hidden = !scrolls;
    });
    ro.observe(wrap);
    ro.observe(table);
  }
}
new MutationObserver(() => frameTables()).observe(main, { childList: true, subtree: true });

/** Puts a drawn view on the page, titles it and moves focus to it. */
function show(node, seq, focusSelector) {
  if (seq !== renderSeq) return;
  fill(main, node);
  main.removeAttribute("aria-busy");
  const h1 = main.querySelector("h1");
  document.title = h1 ? t("app.document_title", { page: h1.textContent }) : t("app.brand");
  if (pendingMessage) { announce(pendingMessage); pendingMessage = ""; }
  else if (!focusSelector) announce("");
  if (focusSelector) {
    const el = main.querySelector(focusSelector);
    if (el) { if (!el.hasAttribute("tabindex") && !el.matches("a, button, input, select, textarea")) el.tabIndex = -1; el.focus(); }
  } else if (!firstRender && h1) {
    h1.tabIndex = -1;
    h1.focus();
  }
  firstRender = false;
}

function signedIn(me, next) {
  keepAccount(me);
  setCSRF(me.csrf_token);
  const saved = savedLanguage(me);
  if (chosenLanguage() && chosenLanguage() !== saved) {
    // Chosen on the sign-in page: it becomes the account's language.
    patch("/me", { language: language() }).catch(() => { /* kept for the session */ });
  } else if (saved) {
    setLanguage(saved);
    drawShell();
  }
  navigate(localPath(next) || homes[user.role] || "/ladder", { replace: true, message: t("app.signed_in", { email: user.email }) });
}

/**
 * Leaves nothing of the person behind: forgets the session's token and
 * every browser store, then loads the sign-in page afresh, so no page's
 * memory of them survives either. why names the message it shows.
 */
async function leave(why, next) {
  keepAccount(null);
  fill(main);
  fill(document.getElementById("nav"));
  fill(document.getElementById("account-who"));
  for (const d of document.querySelectorAll("dialog")) d.remove();
  statusEl.textContent = "";
  document.title = t("app.brand");
  await forgetEverything();
  location.replace("/signin" + (next ? "?next=" + encodeURIComponent(next) : "") + "#" + why);
}

/** The session ended and the person did not sign in again. */
function endSession() {
  const here = location.pathname + location.search;
  return leave("session-ended", here.length > 1 && !here.startsWith("/signin") ? here : "");
}

document.getElementById("signout").addEventListener("click", async () => {
  try { await api("DELETE", "/session", undefined, { reauth: false }); } catch { /* the session may already be gone */ }
  await leave("signed-out");
});

document.getElementById("language").addEventListener("click", () => switchLanguage(language() === "es" ? "en" : "es"));

// Whoever changes the language (the switch, the account page), the shell
// follows.
onLanguageChange(() => drawShell());

// When a request meets an ended session, the person signs in again in a
// dialog over the page; the request is then sent, so nothing typed is lost.
whenSessionEnds(async () => {
  if (!user) return false;
  const me = await signInAgainDialog(user.email);
  if (me === "signout") { await leave("signed-out"); return false; }
  if (!me) return false;
  keepAccount(me);
  setCSRF(me.csrf_token);
  announce(t("app.signed_in_again"));
  return true;
});

document.addEventListener("click", (ev) => {
  if (ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
  const a = ev.target.closest("a");
  if (!a || a.target || a.hasAttribute("download") || a.origin !== location.origin) return;
  if (a.pathname.startsWith("/api/") || a.getAttribute("href").startsWith("#")) return;
  ev.preventDefault();
  navigate(a.pathname + a.search);
});

window.addEventListener("popstate", () => render());

(async function start() {
  const farewell = { "#signed-out": "app.signed_out", "#session-ended": "app.session_ended" }[location.hash];
  if (location.hash) history.replaceState(null, "", location.pathname + location.search);
  let me = null;
  try { me = await get("/me"); } catch { me = null; }
  keepAccount(me);
  if (me) setCSRF(me.csrf_token);
  // Signed in: the account's language, else the one chosen this session;
  // on the sign-in page, the one chosen this session, else the browser's.
  setLanguage((me && savedLanguage(me)) || chosenLanguage() || browserLanguage());
  drawShell();
  if (farewell) pendingMessage = t(farewell);
  render();
})();
