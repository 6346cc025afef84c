// Administration: accounts and their caseloads, one-time password resets,
// API tokens, and the audit log read as sentences.

import { get, post, patch, del, query } from "./api.js";
import { h, fill } from "./dom.js";
import { ROLES } from "./words.js";
import { t, tn, formatDate, formatDateTime } from "./i18n.js";
import { form, textField, selectField, choiceGroup, onSubmit, value, ticked, showErrors, clearErrors } from "./forms.js";
import { programsById, empty, confirmDialog } from "./parts.js";

const roleOptions = () => Object.entries(ROLES);
const roleName = (r) => ROLES[r] || r;

/** A titled panel whose heading id is given, so focus can return to it. */
function panel(id, title, ...children) {
  return h("section", { class: "panel", "aria-labelledby": id }, h("h2", { id }, title), ...children);
}

/**
 * A secret shown once (a new token, a one-time password), selected and
 * with a copy button, since Pathway cannot show it again.
 */
function shownOnce({ title, body, label, secret, id }) {
  const out = h("input", { id, type: "text", readonly: true, value: secret, class: "mono", "aria-describedby": id + "-note" });
  const note = h("p", { id: id + "-note", class: "copy-note", "aria-live": "polite" });
  const copy = h("button", { type: "button" }, t("admin.secret.copy"));
  copy.addEventListener("click", async () => {
    out.select();
    try { await navigator.clipboard.writeText(secret); note.textContent = t("admin.secret.copied"); }
    catch { note.textContent = t("admin.secret.copy_blocked"); }
  });
  const box = h("div", { class: "panel notice-strong" },
    h("h2", {}, title), h("p", {}, body),
    h("label", { for: id }, label), out, h("div", { class: "form-actions" }, copy), note);
  return { box, focus: () => { out.focus(); out.select(); } };
}

/** Gives a field the name its error messages start with ("The name must…"). */
function named(field, key) { field.dataset.label = t(key); return field; }

/** Accounts: who may sign in, with which role and caseload. */
export async function usersView(ctx) {
  const [{ items: users }, programs] = await Promise.all([get("/users"), programsById()]);
  const progOptions = [...programs.values()].map((p) => [String(p.id), p.name]);
  const caseload = (u) => (u.program_ids || []).length
    ? u.program_ids.map((id) => programs.get(id)?.name).filter(Boolean).join(", ")
    : t("admin.users.caseload.everyone");
  const after = (msg) => ctx.rerender("h1", msg);
  const shown = h("div", { "aria-live": "polite" });

  const add = form({ label: t("admin.users.add.title"), submit: t("admin.users.add.submit") },
    textField({ name: "email", label: t("admin.users.email"), type: "email", autocomplete: "off", inputmode: "email" }),
    selectField({ name: "role", label: t("admin.users.role"), options: roleOptions(), value: "staff" }),
    textField({ name: "password", label: t("admin.users.add.password"), type: "password", autocomplete: "new-password", hint: t("admin.users.add.password_hint") }),
    choiceGroup({ name: "program_ids", legend: t("admin.users.add.caseload"), type: "checkbox", options: progOptions, hint: t("admin.users.add.caseload_hint") }));
  onSubmit(add, async () => {
    const u = await post("/users", { email: value(add, "email"), role: value(add, "role"), password: add.elements.password.value, program_ids: ticked(add, "program_ids").map(Number) });
    await after(t("admin.users.added", { email: u.email }));
  });

  /** Gives u a one-time password after a confirmation, and shows it once. */
  async function reset(u) {
    const ok = await confirmDialog({
      title: t("admin.users.reset.confirm_title", { email: u.email }),
      body: [t("admin.users.reset.confirm_body")],
      confirm: t("admin.users.reset.confirm"), cancel: t("admin.users.reset.cancel"),
    });
    if (!ok) return;
    let res;
    try { res = await post(`/users/${u.id}/password-reset`); } catch (e) { ctx.announce(e.message); return; }
    const once = shownOnce({
      id: "one-time-password", secret: res.password,
      title: t("admin.users.reset.shown_title"),
      body: t("admin.users.reset.shown_body", { email: u.email }),
      label: t("admin.users.reset.shown_label", { email: u.email }),
    });
    fill(shown, once.box);
    once.focus();
  }

  return h("section", { class: "page" },
    h("h1", {}, t("admin.users.title")),
    h("p", { class: "lede" }, t("admin.users.lede")),
    shown,
    h("ul", { class: "cards" }, users.map((u) => {
      const edit = form({ label: t("admin.users.edit.form", { email: u.email }), submit: t("admin.users.edit.submit") },
        selectField({ name: "role", label: t("admin.users.role"), options: roleOptions(), value: u.role }),
        choiceGroup({ name: "program_ids", legend: t("admin.users.edit.caseload"), type: "checkbox", options: progOptions, value: (u.program_ids || []).map(String) }),
        choiceGroup({ name: "disabled", legend: t("admin.users.edit.account"), type: "checkbox", options: [["yes", t("admin.users.edit.turned_off")]], value: u.disabled_at ? ["yes"] : [] }));
      onSubmit(edit, async () => {
        const body = {};
        if (value(edit, "role") !== u.role) body.role = value(edit, "role");
        const ids = ticked(edit, "program_ids").map(Number);
        if (ids.join() !== (u.program_ids || []).join()) body.program_ids = ids;
        const off = ticked(edit, "disabled").length > 0;
        if (off !== Boolean(u.disabled_at)) body.disabled = off;
        await patch(`/users/${u.id}`, body);
        await after(t("admin.users.updated", { email: u.email }));
      });
      const resetBtn = h("button", { type: "button", class: "button-secondary small" },
        t("admin.users.reset.button"), h("span", { class: "visually-hidden" }, " " + t("admin.users.for", { email: u.email })));
      resetBtn.addEventListener("click", () => reset(u));
      return h("li", { class: "card" },
        h("strong", {}, u.email),
        h("span", {}, roleName(u.role),
          u.disabled_at ? h("span", { class: "tag tag-off" }, t("admin.users.off")) : null,
          u.must_change_password ? h("span", { class: "tag" }, t("admin.users.reset.waiting")) : null),
        u.role === "staff" ? h("span", { class: "muted" }, t("admin.users.caseload", { programs: caseload(u) })) : null,
        h("div", { class: "card-actions" }, resetBtn),
        h("details", { class: "action small" }, h("summary", {}, t("admin.users.edit.open"), h("span", { class: "visually-hidden" }, " " + u.email)), edit));
    })),
    h("details", { class: "panel action" }, h("summary", {}, t("admin.users.add.title")), add));
}

/** How long a new token may work, as the form offers it. */
const EXPIRY_DAYS = ["30", "90", "365", ""];
const expiryLabel = (d) => (d ? tn("admin.tokens.expiry.days", Number(d)) : t("admin.tokens.expiry.never"));

/** How a token stands: revoked, expired, expiring or for good. */
function tokenState(tk) {
  if (tk.revoked_at) return h("span", { class: "tag tag-off" }, t("admin.tokens.revoked", { when: formatDateTime(tk.revoked_at) }));
  if (tk.expires_at && new Date(tk.expires_at) <= new Date()) return h("span", { class: "tag tag-off" }, t("admin.tokens.expired", { when: formatDate(tk.expires_at) }));
  return h("span", { class: "muted" }, tk.expires_at ? t("admin.tokens.expires", { when: formatDate(tk.expires_at) }) : t("admin.tokens.no_expiry"));
}

/** API tokens for the case-management integration; a new token is shown once. */
export async function tokensView(ctx) {
  const [{ items: tokens }, { items: users }] = await Promise.all([get("/tokens"), get("/users")]);
  const shown = h("div", { "aria-live": "polite" });
  const accounts = users.filter((u) => !u.disabled_at).map((u) => [u.email, t("admin.tokens.account_option", { email: u.email, role: roleName(u.role) })]);
  const frm = form({ label: t("admin.tokens.create.title"), submit: t("admin.tokens.create.submit") },
    named(selectField({ name: "email", label: t("admin.tokens.account"), options: [["", t("admin.tokens.account_none")], ...accounts], value: "", hint: t("admin.tokens.account_hint") }), "admin.tokens.account_named"),
    named(textField({ name: "name", label: t("admin.tokens.name"), hint: t("admin.tokens.name_hint"), maxlength: 100 }), "admin.tokens.name_named"),
    named(selectField({ name: "expires_in_days", label: t("admin.tokens.expiry"), options: EXPIRY_DAYS.map((d) => [d, expiryLabel(d)]), value: "90", hint: t("admin.tokens.expiry_hint") }), "admin.tokens.expiry_named"));
  onSubmit(frm, async () => {
    const errors = [];
    if (!value(frm, "email")) errors.push({ field: "email", message: t("admin.tokens.error.account") });
    if (!value(frm, "name")) errors.push({ field: "name", message: t("admin.tokens.error.name") });
    if (errors.length) { showErrors(frm, { errors }); return; }
    const body = { email: value(frm, "email"), name: value(frm, "name") };
    if (value(frm, "expires_in_days")) body.expires_in_days = Number(value(frm, "expires_in_days"));
    const res = await post("/tokens", body);
    frm.reset();
    const once = shownOnce({
      id: "new-token", secret: res.token,
      title: t("admin.tokens.shown_title"), body: t("admin.tokens.shown_body"),
      label: t("admin.tokens.shown_label", { email: res.api_token.email }),
    });
    fill(shown, once.box);
    once.focus();
    list.replaceWith(list = tokenList(await get("/tokens").then((r) => r.items)));
  }, t("admin.tokens.create.busy"));

  function tokenList(items) {
    if (!items.length) return empty(t("admin.tokens.none"));
    return h("ul", { class: "cards" }, items.map((tk) => {
      const name = tk.name || t("admin.tokens.unnamed");
      const live = !tk.revoked_at;
      const btn = live ? h("button", { type: "button", class: "danger small" }, t("admin.tokens.revoke"), h("span", { class: "visually-hidden" }, " " + t("admin.tokens.revoke_which", { name, email: tk.email }))) : null;
      if (btn) btn.addEventListener("click", async () => {
        const ok = await confirmDialog({
          title: t("admin.tokens.revoke_title"),
          body: t("admin.tokens.revoke_body", { name, email: tk.email }),
          confirm: t("admin.tokens.revoke_confirm"), cancel: t("admin.tokens.revoke_cancel"), danger: true,
        });
        if (!ok) return;
        try { await del(`/tokens/${tk.id}`); } catch (e) { ctx.announce(e.message); return; }
        await ctx.rerender("h1", t("admin.tokens.revoked_done"));
      });
      const used = tk.last_used_at ? t("admin.tokens.last_used", { when: formatDateTime(tk.last_used_at) }) : t("admin.tokens.never_used");
      return h("li", { class: "card" },
        h("strong", {}, name),
        h("span", {}, t("admin.tokens.acts_as", { email: tk.email })),
        h("span", { class: "muted" }, t("admin.tokens.created", { when: formatDateTime(tk.created_at), used })),
        tokenState(tk),
        btn);
    }));
  }
  let list = tokenList(tokens);

  return h("section", { class: "page" },
    h("h1", {}, t("admin.tokens.title")),
    h("p", { class: "lede" }, t("admin.tokens.lede")),
    shown,
    panel("h-create-a-token", t("admin.tokens.create.title"), frm),
    panel("h-tokens", t("admin.tokens.list"), list));
}

/** The kinds of record the audit log can be narrowed to, in the log's terms. */
const RECORD_KINDS = ["participant", "placement", "program", "body", "role", "speaking_engagement", "user", "api_token", "import", "webhook", "release", "change"];

/** What the audit log can say was done, grouped for the filter. */
const ACTIONS = [
  "participant.read", "participant.list", "participant.create", "participant.update", "participant.erase", "participant.ref_refused",
  "consent.update", "placement.create", "placement.list", "placement.delete", "enrolment.create", "enrolment.update",
  "engagement.create", "engagement.list", "checkin.create", "checkin.list", "suggestion.list", "suggestion.dismiss", "suggestion.undo",
  "invitation.create", "invitation.list", "invitation.revoke", "self.journey.read",
  "program.create", "program.update", "body.create", "body.update", "body.roster", "role.create", "role.update", "role.list",
  "speaking_engagement.create", "speaking_engagement.list", "import.create", "release.publish", "change.list",
  "user.create", "user.update", "user.unlock", "user.password_change", "user.password_reset", "user.language",
  "session.login", "session.login_failed", "session.logout", "token.create", "token.revoke",
  "webhook.create", "webhook.list", "webhook.read", "webhook.delete", "webhook.deliveries", "webhook.disable",
];

/** Who did it, as the sentence names them: email and role. */
function who(e) {
  if (e.by_participant) return t("self.audit.participant");
  if (!e.user_id) return t("admin.audit.who.service"); // the release schedule, the command line

  return e.user_role ? t("admin.audit.who", { email: e.user, role: roleName(e.user_role) }) : e.user;
}

/** The record an entry is about, in words; "this person" when the log shows one person's trail. */
function record(e, onePerson) {
  if (e.entity === "participant") {
    if (!e.entity_id) return t("admin.audit.record.people");
    return onePerson ? t("admin.audit.record.this_person") : t("admin.audit.record.a_person");
  }
  return t(`admin.audit.kind.${e.entity}`) === `admin.audit.kind.${e.entity}` ? e.entity : t(`admin.audit.kind.${e.entity}`);
}

/** An entry as a sentence: "ana@example.org (Program staff) viewed this person's record". */
function sentence(e, onePerson) {
  const key = `admin.audit.action.${e.action}`;
  const vars = { who: who(e), record: record(e, onePerson), person: onePerson ? t("admin.audit.person.this") : t("admin.audit.person.a") };
  const text = t(key, vars);
  return text === key ? t("admin.audit.action.other", { ...vars, action: e.action }) : text;
}

/** The audit log: every identifiable read and every change, newest first. */
export async function auditView(ctx) {
  const { items: users } = await get("/users");
  const q = ctx.query;
  const personID = q.get("entity") === "participant" && q.get("entity_id") ? q.get("entity_id") : "";
  const filters = h("form", { class: "form filters", "aria-label": t("admin.audit.filter.form") },
    selectField({ name: "user_id", label: t("admin.audit.filter.account"), options: [["", t("admin.audit.filter.anyone")], ...users.map((u) => [String(u.id), t("admin.tokens.account_option", { email: u.email, role: roleName(u.role) })])], value: q.get("user_id") || "" }),
    selectField({ name: "action", label: t("admin.audit.filter.action"), options: [["", t("admin.audit.filter.any_action")], ...ACTIONS.map((a) => [a, t(`admin.audit.filter.action.${a}`)])], value: q.get("action") || "" }),
    personID ? null : selectField({ name: "entity", label: t("admin.audit.filter.kind"), options: [["", t("admin.audit.filter.any_kind")], ...RECORD_KINDS.map((k) => [k, t(`admin.audit.kind.${k}`)])], value: q.get("entity") || "" }),
    textField({ name: "since", label: t("admin.audit.filter.since"), type: "date", value: q.get("since") || "" }),
    textField({ name: "until", label: t("admin.audit.filter.until"), type: "date", value: q.get("until") || "" }),
    h("div", { class: "form-error", role: "alert", hidden: true }),
    h("div", { class: "form-actions" }, h("button", { type: "submit" }, t("admin.audit.filter.submit"))));
  const body = h("tbody", {});
  const count = h("p", { class: "result-count", "aria-live": "polite" });
  const more = h("div", { class: "more" });
  const names = ["user_id", "action", "entity", "since", "until"];

  function params() {
    const p = Object.fromEntries(names.map((n) => [n, value(filters, n)]));
    if (personID) { p.entity = "participant"; p.entity_id = personID; }
    return p;
  }

  async function load(cursor) {
    const p = params();
    if (!cursor) history.replaceState(null, "", "/admin/audit" + query(p));
    let page;
    try {
      page = await get("/audit", { ...p, limit: 50, cursor });
    } catch (err) {
      showErrors(filters, err);
      return;
    }
    if (!cursor) body.replaceChildren();
    const rows = page.items.map((e) => h("tr", {},
      h("td", {}, formatDateTime(e.at)),
      h("td", {}, sentence(e, Boolean(personID)),
        !personID && e.entity === "participant" && e.entity_id && e.action !== "participant.erase"
          ? h("span", {}, " · ", h("a", { href: `/participants/${e.entity_id}` }, t("admin.audit.open_record"))) : null),
      h("td", {}, e.remote_addr || t("admin.audit.from_unknown"))));
    body.append(...rows);
    const n = body.children.length;
    count.textContent = n ? (page.next_cursor ? tn("admin.audit.count_more", n) : tn("admin.audit.count", n)) : t("admin.audit.none");
    fill(more, page.next_cursor ? h("button", { type: "button", class: "button-secondary", onclick: (ev) => { ev.target.disabled = true; ev.target.textContent = t("admin.audit.loading"); load(page.next_cursor); } }, t("admin.audit.more")) : null);
    if (cursor && rows[0]) { rows[0].tabIndex = -1; rows[0].focus(); }
  }
  filters.addEventListener("submit", (ev) => {
    ev.preventDefault();
    clearErrors(filters);
    load();
  });
  load();
  return h("section", { class: "page wide" },
    h("h1", {}, personID ? t("admin.audit.person_title") : t("admin.audit.title")),
    h("p", { class: "lede" }, personID ? t("admin.audit.person_lede") : t("admin.audit.lede")),
    personID ? h("p", {}, h("a", { href: `/participants/${personID}` }, t("admin.audit.back_to_person")), " · ", h("a", { href: "/admin/audit" }, t("admin.audit.whole_log"))) : null,
    h("details", { class: "panel action", open: names.some((n) => q.get(n) && !(personID && n === "entity")) }, h("summary", {}, t("admin.audit.filter.open")), filters),
    count,
    h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": t("admin.audit.table") },
      h("table", {},
        h("caption", { class: "visually-hidden" }, t("admin.audit.caption")),
        h("thead", {}, h("tr", {}, [t("admin.audit.col.when"), t("admin.audit.col.what"), t("admin.audit.col.from")].map((c) => h("th", { scope: "col" }, c)))),
        body)),
    more);
}

/** The link a person's page shows admins: who saw or changed this record. */
export function personAuditLink(participantID) {
  return h("a", { href: `/admin/audit?entity=participant&entity_id=${participantID}` }, t("admin.audit.person_link"));
}
