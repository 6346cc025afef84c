// One's own account: the password (after an admin's one-time reset, the
// only thing the account may do until it is changed) and the language the
// web app speaks.

import { patch } from "./api.js";
import { h } from "./dom.js";
import { ROLES } from "./words.js";
import { t, setLanguage, LANGUAGES } from "./i18n.js";
import { form, textField, selectField, onSubmit, value, showErrors } from "./forms.js";

/** The messages this page shows by the field they are about. */
const problems = {
  current_password: () => t("account.password.error.current_wrong"),
  new_password: () => t("account.password.error.new_rule"),
  language: () => t("account.language.error"),
};

/** Shows the API's refusal in this page's own words, field by field. */
function refuse(frm, err) {
  const errors = (err.errors || []).map((fe) => ({ field: fe.field, message: problems[fe.field] ? problems[fe.field]() : fe.message }));
  showErrors(frm, errors.length ? { errors } : err);
}

/** Gives a field the name its error messages start with ("Your current password is…"). */
function named(field, key) { field.dataset.label = t(key); return field; }

/** Checks the password form before sending it; returns field errors. */
function check(frm) {
  const current = frm.elements.current_password.value;
  const next = frm.elements.new_password.value;
  const again = frm.elements.new_password_again.value;
  const errors = [];
  if (!current) errors.push({ field: "current_password", message: t("account.password.error.current_missing") });
  if (next.length < 12) errors.push({ field: "new_password", message: t("account.password.error.too_short") });
  else if (next === current) errors.push({ field: "new_password", message: t("account.password.error.same") });
  if (again !== next) errors.push({ field: "new_password_again", message: t("account.password.error.mismatch") });
  return errors;
}

/** The "Your account" page, open to every role. */
export async function accountView(ctx) {
  const forced = Boolean(ctx.user.must_change_password);

  const pw = form({ label: t("account.password.form"), submit: t("account.password.submit") },
    named(textField({ name: "current_password", label: forced ? t("account.password.current_once") : t("account.password.current"), type: "password", autocomplete: "current-password" }),
      forced ? "account.password.once_named" : "account.password.current_named"),
    named(textField({ name: "new_password", label: t("account.password.new"), type: "password", autocomplete: "new-password", hint: t("account.password.new_hint") }), "account.password.new_named"),
    named(textField({ name: "new_password_again", label: t("account.password.again"), type: "password", autocomplete: "new-password" }), "account.password.again_named"));
  onSubmit(pw, async () => {
    const errors = check(pw);
    if (errors.length) { showErrors(pw, { errors }); return; }
    let me;
    try {
      me = await patch("/me", { current_password: pw.elements.current_password.value, new_password: pw.elements.new_password.value });
    } catch (err) {
      if (err.status !== 422) throw err;
      refuse(pw, err);
      return;
    }
    pw.reset();
    ctx.keepAccount(me);
    if (forced) ctx.navigate("/", { replace: true, message: t("account.password.done_forced") });
    else await ctx.rerender("#h-account-password", t("account.password.done"));
  }, t("account.password.busy"));

  const lang = form({ label: t("account.language.form"), submit: t("account.language.submit") },
    selectField({ name: "language", label: t("account.language.label"), options: Object.entries(LANGUAGES), value: ctx.user.language || "en", hint: t("account.language.hint") }));
  onSubmit(lang, async () => {
    let me;
    try {
      me = await patch("/me", { language: value(lang, "language") });
    } catch (err) {
      if (err.status !== 422) throw err;
      refuse(lang, err);
      return;
    }
    ctx.keepAccount(me);
    setLanguage(me.user.language);
    await ctx.rerender("#h-account-language", t("account.language.done"));
  });

  return h("section", { class: "page narrow" },
    h("h1", {}, t("account.title")),
    forced
      ? h("div", { class: "panel notice-strong", role: "note" },
        h("h2", {}, t("account.forced.title")),
        h("p", {}, t("account.forced.body")))
      : h("p", { class: "lede" }, t("account.lede")),
    h("dl", { class: "facts" },
      h("div", {}, h("dt", {}, t("account.email")), h("dd", {}, ctx.user.email)),
      h("div", {}, h("dt", {}, t("account.role")), h("dd", {}, ROLES[ctx.user.role] || ctx.user.role))),
    h("section", { class: "panel", "aria-labelledby": "h-account-password" },
      h("h2", { id: "h-account-password" }, t("account.password.title")),
      h("p", {}, t("account.password.about")),
      pw),
    forced ? null : h("section", { class: "panel", "aria-labelledby": "h-account-language" },
      h("h2", { id: "h-account-language" }, t("account.language.title")),
      lang));
}

