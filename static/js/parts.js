// Pieces shared by several pages.

import { get } from "./api.js";
import { h, newId } from "./dom.js";
import { RUNG, rungName } from "./words.js";
import { t, formatNumber } from "./i18n.js";

/** A rung shown as a coloured tag with its name. */
export function rungTag(rung, extra) {
  return h("span", { class: `rung-tag rung-${rung}` }, rungName(rung), extra ? h("span", { class: "visually-hidden" }, extra) : null);
}

/**
 * A count from a release: the number with its margin ("53 ±30"), or a
 * marked "fewer than k" cell. margin defaults to the count's own.
 */
export function countText(c, k, margin) {
  if (!c || c.fewer_than_k) return h("span", { class: "hidden-count" }, t("dashboard.fewer_than", { k: formatNumber(k) }));
  const m = margin ?? c.margin_95;
  return h("span", { class: "count" }, formatNumber(c.count), m ? h("span", { class: "margin" }, ` ±${formatNumber(m)}`) : null);
}

/**
 * A page section with a heading: section(title, ...children). Its heading's
 * id is "h-" and the title in lower case; section({title, id}, ...) names
 * the id instead, so that links to it hold in every language.
 */
export function section(heading, ...children) {
  const title = typeof heading === "string" ? heading : heading.title;
  const id = typeof heading === "string" ? slug(title) : heading.id;
  return h("section", { class: "panel", "aria-labelledby": "h-" + id },
    h("h2", { id: "h-" + id }, title), ...children);
}

/** Says plainly that a list is empty. */
export function empty(text) { return h("p", { class: "empty" }, text); }

/** Loads programs once per page, as a map from id to program. */
export async function programsById() {
  const { items } = await get("/programs");
  return new Map(items.map((p) => [p.id, p]));
}

/** The meaning of a rung, for hints. */
export const rungMeaning = (r) => (RUNG[r] ? RUNG[r].meaning : "");

/** Rung choices for a group: [value, label, hint]. */
export function rungChoices(current) {
  return Object.keys(RUNG).map((r) => [r, r === current ? t("words.rung_now", { rung: rungName(r) }) : rungName(r), RUNG[r].meaning]);
}

/**
 * Asks for confirmation in a modal dialog. Resolves true when the person
 * chooses the confirm button. Focus starts on the safe choice.
 */
export function confirmDialog({ title, body, confirm, cancel = t("app.cancel"), danger = false }) {
  return new Promise((resolve) => {
    const opener = document.activeElement;
    const titleId = newId("dlg-title");
    const yes = h("button", { type: "button", class: danger ? "danger" : "" }, confirm);
    const no = h("button", { type: "button", class: "button-secondary" }, cancel);
    const dlg = h("dialog", { class: "dialog", "aria-labelledby": titleId },
      h("h2", { id: titleId }, title),
      ...(Array.isArray(body) ? body : [body]).map((p) => (typeof p === "string" ? h("p", {}, p) : p)),
      h("div", { class: "dialog-actions" }, no, yes));
    let answer = false;
    yes.addEventListener("click", () => { answer = true; dlg.close(); });
    no.addEventListener("click", () => dlg.close());
    dlg.addEventListener("close", () => {
      dlg.remove();
      if (opener && opener.isConnected) opener.focus();
      resolve(answer);
    });
    document.body.append(dlg);
    dlg.showModal();
    no.focus();
  });
}

/** A button that runs an async action, showing that it is busy meanwhile. */
export function actionButton(label, busy, action, className) {
  const btn = h("button", { type: "button", class: className || "" }, label);
  btn.addEventListener("click", async () => {
    if (btn.disabled) return;
    btn.disabled = true;
    btn.classList.add("busy");
    btn.textContent = busy;
    try { await action(btn); } finally {
      if (btn.isConnected) { btn.disabled = false; btn.classList.remove("busy"); btn.textContent = label; }
    }
  });
  return btn;
}

/** Words as an id: lower case, without accents, dashes between. */
export const slug = (text) => text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
