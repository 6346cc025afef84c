// Pathway's web app: a small router over views, one per page, that only
// offers what the signed-in role may see.

import { api, get, setCSRF, whenSignedOut, Problem } from "./js/api.js";
import { h, fill } from "./js/dom.js";
import { ROLES } from "./js/words.js";
import { signInView } from "./js/signin.js";
import { peopleView, newPersonView } from "./js/people.js";
import { personView } from "./js/person.js";
import { ladderView } from "./js/ladder.js";
import { bodiesView, bodyView, talksView } from "./js/bodies.js";
import { dashboardView } from "./js/dashboard.js";
import { usersView, tokensView, auditView } from "./js/admin.js";
import { importView } from "./js/import.js";
import { eventView } from "./js/event.js";
import { accountView } from "./js/account.js";
import { t } from "./js/i18n.js";

// Each page names the ability it needs (see abilities below); pages without
// one are open to every signed-in account.
const routes = [
  { path: /^\/participants$/, view: peopleView, needs: "readPeople" },
  { path: /^\/participants\/new$/, view: newPersonView, needs: "writePeople" },
  { path: /^\/participants\/(\d+)$/, view: personView, needs: "readPeople" },
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

const navItems = [
  { href: "/participants", label: "People", needs: "readPeople" },
  { href: "/events/new", get label() { return t("event.nav"); }, needs: "writePeople" },
  { href: "/import", label: "Import", needs: "writePeople" },
  { href: "/ladder", label: "Ladder" },
  { href: "/bodies", label: "Boards and bureaus", needs: "readBodies" },
  { href: "/dashboard", label: "Dashboard", needs: "reports" },
  { href: "/admin/users", label: "Accounts", needs: "admin" },
  { href: "/admin/tokens", label: "API tokens", needs: "admin" },
  { href: "/admin/audit", label: "Audit log", needs: "admin" },
  { href: "/account", get label() { return t("account.nav"); } },
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
  };
}

/** Whether the signed-in account may open a page or menu item. */
const mayOpen = (item) => (!item.needs || can[item.needs]) && !(item.href && user?.must_change_password && item.href !== "/account");

/** Keeps the account and its abilities from a sign-in or GET /me answer. */
function keepAccount(me) {
  user = me ? me.user : null;
  can = abilities(me ? me.abilities : []);
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
  // After a one-time reset the account may only choose its own password.
  if (user.must_change_password && path !== "/account") {
    navigate("/account", { replace: true, message: pendingMessage });
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
  if (!mayOpen(route)) {
    show(notice("This page is not part of your role", "Pathway shows each role only what it needs. Use the menu to find what is open to you."), seq);
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
  keepAccount(me);
  setCSRF(me.csrf_token);
  navigate(next || homes[user.role] || "/ladder", { replace: true, message: `Signed in as ${user.email}.` });
}

function signedOut(message) {
  keepAccount(null);
  setCSRF("");
  pendingMessage = message;
  history.replaceState(null, "", "/signin" + (location.pathname.length > 1 && location.pathname !== "/signin" ? "?next=" + encodeURIComponent(location.pathname + location.search) : ""));
  render();
}

document.getElementById("signout").addEventListener("click", async () => {
  try { await api("DELETE", "/session"); } catch { /* the session may already be gone */ }
  keepAccount(null);
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
    keepAccount(me);
    setCSRF(me.csrf_token);
  } catch {
    keepAccount(null);
  }
  render();
})();
