// Administration: accounts and their caseloads, API tokens, the audit log.

import { get, post, patch, del } from "./api.js";
import { h, fill, showTime } from "./dom.js";
import { ROLES } from "./words.js";
import { form, textField, selectField, choiceGroup, onSubmit, value, ticked, showErrors, clearErrors } from "./forms.js";
import { programsById, section, empty, confirmDialog } from "./parts.js";
import { t } from "./i18n.js";

const roleOptions = Object.entries(ROLES);

/** Accounts: who may sign in, with which role and caseload. */
export async function usersView(ctx) {
  const [{ items: users }, programs] = await Promise.all([get("/users"), programsById()]);
  const progOptions = [...programs.values()].map((p) => [String(p.id), p.name]);
  const caseload = (u) => (u.program_ids || []).length ? u.program_ids.map((id) => programs.get(id)?.name || `#${id}`).join(", ") : "Everyone";
  const after = (msg) => ctx.rerender("h1", msg);

  const add = form({ label: "Add an account", submit: "Add account" },
    textField({ name: "email", label: "Email", type: "email", autocomplete: "off", inputmode: "email" }),
    selectField({ name: "role", label: "Role", options: roleOptions, value: "staff" }),
    textField({ name: "password", label: "First password", type: "password", autocomplete: "new-password", hint: "At least 12 characters. Share it safely; they can change it later." }),
    choiceGroup({ name: "program_ids", legend: "Caseload (program staff only)", type: "checkbox", options: progOptions, hint: "Leave all unticked to let them see every participant." }));
  onSubmit(add, async () => {
    const u = await post("/users", { email: value(add, "email"), role: value(add, "role"), password: add.elements.password.value, program_ids: ticked(add, "program_ids").map(Number) });
    await after(`${u.email} can now sign in.`);
  });

  return h("section", { class: "page" },
    h("h1", {}, "Accounts"),
    h("p", { class: "lede" }, "Who may sign in, and what each role lets them see."),
    h("ul", { class: "cards" }, users.map((u) => {
      const edit = form({ label: `Change ${u.email}`, submit: "Save changes" },
        selectField({ name: "role", label: "Role", options: roleOptions, value: u.role }),
        choiceGroup({ name: "program_ids", legend: "Caseload", type: "checkbox", options: progOptions, value: (u.program_ids || []).map(String) }),
        choiceGroup({ name: "disabled", legend: "Account", type: "checkbox", options: [["yes", "Turned off (cannot sign in)"]], value: u.disabled_at ? ["yes"] : [] }),
        textField({ name: "password", label: "New password (optional)", type: "password", autocomplete: "new-password" }));
      onSubmit(edit, async () => {
        const body = {};
        if (value(edit, "role") !== u.role) body.role = value(edit, "role");
        const ids = ticked(edit, "program_ids").map(Number);
        if (ids.join() !== (u.program_ids || []).join()) body.program_ids = ids;
        const off = ticked(edit, "disabled").length > 0;
        if (off !== Boolean(u.disabled_at)) body.disabled = off;
        if (edit.elements.password.value) body.password = edit.elements.password.value;
        await patch(`/users/${u.id}`, body);
        await after(`${u.email} was updated.`);
      });
      return h("li", { class: "card" },
        h("strong", {}, u.email),
        h("span", {}, ROLES[u.role] || u.role, u.disabled_at ? h("span", { class: "tag tag-off" }, "Turned off") : null),
        u.role === "staff" ? h("span", { class: "muted" }, "Caseload: ", caseload(u)) : null,
        h("details", { class: "action small" }, h("summary", {}, "Change", h("span", { class: "visually-hidden" }, ` ${u.email}`)), edit));
    })),
    h("details", { class: "panel action" }, h("summary", {}, "Add an account"), add));
}

/** API tokens for the case-management integration; a new token is shown once. */
export async function tokensView(ctx) {
  const [{ items: tokens }, { items: users }] = await Promise.all([get("/tokens"), get("/users")]);
  const shown = h("div", { class: "token-once", "aria-live": "polite" });
  const frm = form({ label: "Create a token", submit: "Create token" },
    selectField({ name: "email", label: "Acts as account", options: users.filter((u) => !u.disabled_at).map((u) => [u.email, `${u.email} (${ROLES[u.role] || u.role})`]), value: "" }),
    textField({ name: "name", label: "What it is for", hint: "For example: case-management sync.", maxlength: 100 }));
  onSubmit(frm, async () => {
    const res = await post("/tokens", { email: value(frm, "email"), name: value(frm, "name") });
    frm.reset();
    const out = h("input", { id: "new-token", type: "text", readonly: true, value: res.token, class: "mono", "aria-describedby": "new-token-note" });
    const note = h("p", { id: "new-token-note", class: "copy-note", "aria-live": "polite" });
    const copy = h("button", { type: "button" }, "Copy token");
    copy.addEventListener("click", async () => {
      out.select();
      try { await navigator.clipboard.writeText(res.token); note.textContent = "Copied."; }
      catch { note.textContent = "Copying was blocked; the token is selected, so copy it with your keyboard."; }
    });
    fill(shown, h("div", { class: "panel notice-strong" },
      h("h2", {}, "Your new token"),
      h("p", {}, "Copy it now and keep it somewhere safe. Pathway shows it only this once; if it is lost, revoke it and create another."),
      h("label", { for: "new-token" }, `Token for ${res.api_token.email}`), out, h("div", { class: "form-actions" }, copy), note));
    out.focus();
    out.select();
    list.replaceWith(list = tokenList(await get("/tokens").then((r) => r.items)));
  }, "Creating…");

  function tokenList(items) {
    if (!items.length) return empty("No tokens yet.");
    return h("ul", { class: "cards" }, items.map((t) => {
      const revoked = Boolean(t.revoked_at);
      const btn = revoked ? null : h("button", { type: "button", class: "danger small" }, "Revoke", h("span", { class: "visually-hidden" }, ` ${t.name || "token"} for ${t.email}`));
      if (btn) btn.addEventListener("click", async () => {
        const ok = await confirmDialog({
          title: "Revoke this token?",
          body: `Anything using “${t.name || "this token"}” (${t.email}) will stop working straight away.`,
          confirm: "Revoke token", cancel: "Keep it", danger: true,
        });
        if (!ok) return;
        try { await del(`/tokens/${t.id}`); } catch (e) { ctx.announce(e.message); return; }
        await ctx.rerender("h1", "The token was revoked.");
      });
      return h("li", { class: "card" },
        h("strong", {}, t.name || "Unnamed token"),
        h("span", {}, `Acts as ${t.email}`),
        h("span", { class: "muted" }, `Created ${showTime(t.created_at)} · ${t.last_used_at ? "last used " + showTime(t.last_used_at) : "never used"}`),
        revoked ? h("span", { class: "tag tag-off" }, `Revoked ${showTime(t.revoked_at)}`) : btn);
    }));
  }
  let list = tokenList(tokens);

  return h("section", { class: "page" },
    h("h1", {}, "API tokens"),
    h("p", { class: "lede" }, "Tokens let your case-management system talk to Pathway. Each acts as one account, with that account's role."),
    shown,
    section("Create a token", frm),
    section("Tokens", list));
}

/** The audit log: every identifiable read and every change, newest first. */
export async function auditView(ctx) {
  const { items: users } = await get("/users");
  const q = ctx.query;
  const filters = h("form", { class: "form filters", "aria-label": "Filter the audit log" },
    selectField({ name: "user_id", label: "Account", options: [["", "Anyone"], ...users.map((u) => [String(u.id), u.email])], value: q.get("user_id") || "" }),
    textField({ name: "action", label: "Action", hint: "For example: participant.erase", value: q.get("action") || "" }),
    textField({ name: "entity", label: "Record kind", hint: "For example: participant", value: q.get("entity") || "" }),
    textField({ name: "entity_id", label: "Record id", type: "number", inputmode: "numeric", value: q.get("entity_id") || "" }),
    textField({ name: "since", label: "From", type: "date", value: q.get("since") || "" }),
    textField({ name: "until", label: "To", type: "date", value: q.get("until") || "" }),
    h("div", { class: "form-error", role: "alert", hidden: true }),
    h("div", { class: "form-actions" }, h("button", { type: "submit" }, "Filter")));
  const body = h("tbody", {});
  const count = h("p", { class: "result-count", "aria-live": "polite" });
  const more = h("div", { class: "more" });
  const names = ["user_id", "action", "entity", "entity_id", "since", "until"];

  async function load(cursor) {
    const params = Object.fromEntries(names.map((n) => [n, value(filters, n)]));
    if (!cursor) history.replaceState(null, "", "/admin/audit" + query(params));
    let page;
    try {
      page = await get("/audit", { ...params, limit: 50, cursor });
    } catch (err) {
      showErrors(filters, err);
      return;
    }
    if (!cursor) body.replaceChildren();
    const rows = page.items.map((e) => h("tr", {},
      h("td", {}, showTime(e.at)), h("td", {}, e.by_participant ? t("self.audit.participant") : (e.user || "—")), h("td", {}, h("code", {}, e.action)),
      h("td", {}, e.entity ? `${e.entity}${e.entity_id ? " #" + e.entity_id : ""}` : "—"), h("td", {}, e.remote_addr || "—")));
    body.append(...rows);
    count.textContent = body.children.length ? `Showing ${body.children.length} entries${page.next_cursor ? " (there are more)" : ""}.` : "No entries match.";
    fill(more, page.next_cursor ? h("button", { type: "button", class: "button-secondary", onclick: (ev) => { ev.target.disabled = true; ev.target.textContent = "Loading…"; load(page.next_cursor); } }, "Show more") : null);
    if (cursor && rows[0]) { rows[0].tabIndex = -1; rows[0].focus(); }
  }
  function query(p) { const u = new URLSearchParams(); for (const [k, v] of Object.entries(p)) if (v) u.set(k, v); const s = u.toString(); return s ? "?" + s : ""; }
  filters.addEventListener("submit", (ev) => {
    ev.preventDefault();
    clearErrors(filters);
    load();
  });
  load();
  return h("section", { class: "page wide" },
    h("h1", {}, "Audit log"),
    h("p", { class: "lede" }, "Every change and every look at a person's record, newest first. Erased people appear only as a record id."),
    h("details", { class: "panel action", open: names.some((n) => q.get(n)) }, h("summary", {}, "Filter"), filters),
    count,
    h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": "Audit entries" },
      h("table", {},
        h("caption", { class: "visually-hidden" }, "Audit entries, newest first"),
        h("thead", {}, h("tr", {}, ["When", "Who", "Action", "Record", "From"].map((c) => h("th", { scope: "col" }, c)))),
        body)),
    more);
}
