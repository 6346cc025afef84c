// Signing in with email and password.

import { post } from "./api.js";
import { h } from "./dom.js";
import { form, textField, onSubmit, value } from "./forms.js";

/** The sign-in page. */
export async function signInView({ signedIn, next }) {
  const frm = form({ label: "Sign in", submit: "Sign in" },
    textField({ name: "email", label: "Email", type: "email", autocomplete: "username", inputmode: "email" }),
    textField({ name: "password", label: "Password", type: "password", autocomplete: "current-password" }));
  onSubmit(frm, async () => {
    const me = await post("/session", { email: value(frm, "email"), password: frm.elements.password.value });
    signedIn(me, next);
  }, "Signing in…");
  return h("section", { class: "page narrow" },
    h("h1", {}, "Sign in to Pathway"),
    h("p", { class: "lede" }, "Follow the journeys of the people you work with, from receiving services to leading change."),
    frm);
}
