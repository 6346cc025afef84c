// Pathway's web app: a small router over views, one per page, that only
// offers what the signed-in role may see.

import { api, get, setCSRF, whenSignedOut, Problem } from "./js/api.js";
import { h, fill } from "./js/dom.js";
import { ROLES } from "./js/words.js";
import { signInView } from "./js/signin.js";
import { peopleView, newPersonView } from "./js/people.js";
import { personView } from "./js/person.js";
import { ladderView } from "./js/ladder.js";
import { bodiesView, bodyView } from "./js/bodies.js";
import { dashboardView } from "./js/dashboard.js";
import { usersView, tokensView, auditView } from "./js/admin.js";

const ALL = ["admin", "staff", "coordinator", "leadership"];
const PEOPLE = ["admin", "staff", "coordinator"];
const WRITERS = ["admin", "staff"];
const BODIES = ["admin", "staff", "coordinator"];
const REPORTS = ["admin", "leadership"];
const ADMIN = ["admin"];

const routes = [
  { path: /^\/participants$/, view: peopleView, roles: PEOPLE },
  { path: /^\/participants\/new$/, view: newPersonView, roles: WRITERS },
  { path: /^\/participants\/(\d+)$/, view: personView, roles: PEOPLE },
  { path: /^\/ladder$/, view: ladderView, roles: ALL },
  { path: /^\/bodies$/, view: bodiesView, roles: BODIES },
  { path: /^\/bodies\/(\d+)$/, view: bodyView, roles: BODIES },
  { path: /^\/dashboard$/, view: dashboardView, roles: REPORTS },
  { path: /^\/admin\/users$/, view: usersView, roles: ADMIN },
  { path: /^\/admin\/tokens$/, view: tokensView, roles: ADMIN },
  { path: /^\/admin\/audit$/, view: auditView, roles: ADMIN },
];

const navItems = [
  { href: "/participants", label: "People", roles: PEOPLE },
  { href: "/ladder", label: "Ladder", roles: ALL },
  { href: "/bodies", label: "Boards and bureaus", roles: BODIES },
  { href: "/dashboard", label: "Dashboard", roles: REPORTS },
  { href: "/admin/users", label: "Accounts", roles: ADMIN },
  { href: "/admin/tokens", label: "API tokens", roles: ADMIN },
  { href: "/admin/audit", label: "Audit log", roles: ADMIN },
];

const homes = { admin: "/participants", staff: "/participants", coordinator: "/bodies", leadership: "/dashboard" };

const main = document.getElementById("main");
const statusEl = document.getElementById("status");
let user = null;
let firstRender = true;
let pendingMessage = "";
let renderSeq = 0;

/** What the signed-in role may do, for views to decide what to offer. */
function abilities(role) {
  return {
    readPeople: PEOPLE.includes(role),
    writePeople: WRITERS.includes(role),
    readBodies: BODIES.includes(role),
    runBodies: ["admin", "coordinator"].includes(role),
    reports: REPORTS.includes(role),
    admin: role === "admin",
    editPrograms: WRITERS.includes(role),
  };
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
  fill(nav, h("ul", {}, navItems.filter((n) => n.roles.includes(user.role)).map((n) =>
    h("li", {}, h("a", { href: n.href, "aria-current": here === n.href || here.startsWith(n.href + "/") ? "page" : null }, n.label)))));
  nav.hidden = false;
  fill(document.getElementById("account-who"), h("span", { class: "who-email" }, user.email), " ", h("span", { class: "who-role" }, ROLES[user.role] || user.role));
  account.hidden = false;
}

async function render(focusSelector) {
  const seq = ++renderSeq;
  const path = location.pathname.replace(/\/+$/, "") || "/";
  const params = new URLSearchParams(location.search);
  if (!user) {
    drawNav();
    show(await signInView({ signedIn, next: path === "/" || path === "/signin" ? "" : path + location.search }), seq);
    return;
  }
  if (path === "/" || path === "/signin") {
    navigate(params.get("next") || homes[user.role] || "/ladder", { replace: true, message: pendingMessage });
    return;
  }
  drawNav();
  const route = routes.find((r) => r.path.test(path));
  if (!route) {
    show(notice("There is nothing at this address", "The page may have moved. Use the menu to find your way."), seq);
    return;
  }
  if (!route.roles.includes(user.role)) {
    show(notice("This page is not part of your role", "Pathway shows each role only what it needs. Use the menu to find what is open to you."), seq);
    return;
  }
  main.setAttribute("aria-busy", "true");
  const ctx = {
    user, can: abilities(user.role), params: path.match(route.path).slice(1), query: params,
    navigate, announce, rerender: (sel, message) => { pendingMessage = message || ""; return render(sel); },
  };
  try {
    show(await route.view(ctx), seq, focusSelector);
  } catch (err) {
    if (seq !== renderSeq) return;
    if (err instanceof Problem && err.status === 401) return;
    if (err instanceof Problem && err.status === 404) show(notice("Not found", err.message), seq);
    else if (err instanceof Problem && err.status === 403) show(notice("This is not part of your role", err.message), seq);
    else { show(notice("Something went wrong", err.message || String(err)), seq); if (!(err instanceof Problem)) console.error(err); }
  }
}

function notice(title, text) {
  return h("section", { class: "page" }, h("h1", { tabindex: "-1" }, title), h("p", {}, text),
    user ? h("p", {}, h("a", { href: homes[user.role] || "/ladder" }, "Go to your start page")) : null);
}

/** Puts a drawn view on the page, titles it and moves focus to it. */
function show(node, seq, focusSelector) {
  if (seq !== renderSeq) return;
  fill(main, node);
  main.removeAttribute("aria-busy");
  const h1 = main.querySelector("h1");
  document.title = h1 ? `${h1.textContent} · Pathway` : "Pathway";
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
  user = me.user;
  setCSRF(me.csrf_token);
  navigate(next || homes[user.role] || "/ladder", { replace: true, message: `Signed in as ${user.email}.` });
}

function signedOut(message) {
  user = null;
  setCSRF("");
  pendingMessage = message;
  history.replaceState(null, "", "/signin" + (location.pathname.length > 1 && location.pathname !== "/signin" ? "?next=" + encodeURIComponent(location.pathname + location.search) : ""));
  render();
}

document.getElementById("signout").addEventListener("click", async () => {
  try { await api("DELETE", "/session"); } catch { /* the session may already be gone */ }
  user = null;
  setCSRF("");
  pendingMessage = "You are signed out.";
  history.replaceState(null, "", "/signin");
  render();
});

whenSignedOut(() => { if (user) signedOut("Your session has ended. Please sign in again."); });

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
  try {
    const me = await get("/me");
    user = me.user;
    setCSRF(me.csrf_token);
  } catch {
    user = null;
  }
  render();
})();
