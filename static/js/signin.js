// Signing in with email and password: the sign-in page, and the dialog
// that asks to sign in again, over the page, when the session has ended.

import { post } from "./api.js";
import { h, newId } from "./dom.js";
import { t } from "./i18n.js";
import { form, textField, onSubmit, value } from "./forms.js";

/** The sign-in page. */
export async function signInView({ signedIn, next }) {
  const frm = form({ label: t("signin.form"), submit: t("signin.submit") },
    textField({ name: "email", label: t("signin.email"), type: "email", autocomplete: "username", inputmode: "email" }),
    textField({ name: "password", label: t("signin.password"), type: "password", autocomplete: "current-password" }));
  onSubmit(frm, async () => {
    const me = await post("/session", { email: value(frm, "email"), password: frm.elements.password.value });
    signedIn(me, next);
  }, t("signin.busy"));
  return h("section", { class: "page narrow" },
    h("h1", {}, t("signin.title")),
    h("p", { class: "lede" }, t("signin.lede")),
    frm);
}

/**
 * Asks the person whose session ended to sign in again, in a modal dialog
 * over the page, so that the form underneath keeps what they typed. The
 * email is theirs and fixed: someone else must sign out first. Resolves to
 * the sign-in answer, "signout" when they choose to sign out, or null when
 * they close the dialog.
 */
export function signInAgainDialog(email) {
  return new Promise((resolve) => {
    const opener = document.activeElement;
    const titleId = newId("dlg");
    let answer = null;
    const frm = form({ label: t("signin.again.form"), submit: t("signin.again.submit") },
      h("input", { type: "email", name: "email", value: email, autocomplete: "username", hidden: true, readonly: true, tabindex: "-1", "aria-hidden": "true" }),
      textField({ name: "password", label: t("signin.password"), type: "password", autocomplete: "current-password" }));
    onSubmit(frm, async () => {
      answer = await post("/session", { email, password: frm.elements.password.value });
      dlg.close();
    }, t("signin.busy"));
    const out = h("button", { type: "button", class: "button-secondary" }, t("signin.again.sign_out"));
    out.addEventListener("click", () => { answer = "signout"; dlg.close(); });
    frm.querySelector(".form-actions").append(out);
    const dlg = h("dialog", { class: "dialog", "aria-labelledby": titleId },
      h("h2", { id: titleId }, t("signin.again.title")),
      h("p", {}, t("signin.again.why")),
      h("p", {}, t("signin.again.who"), " ", h("strong", {}, email)),
      frm);
    dlg.addEventListener("close", () => {
      dlg.remove();
      if (opener && opener.isConnected) opener.focus();
      resolve(answer);
    });
    document.body.append(dlg);
    dlg.showModal();
    frm.elements.password.focus();
  });
}
