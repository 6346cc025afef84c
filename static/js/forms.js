// Form building blocks: labelled fields, the API's field errors shown next
// to their fields, and a busy submit button while a request is on its way.

import { h, newId } from "./dom.js";
import { NOTE_MAX } from "./words.js";
import { t, formatNumber } from "./i18n.js";

function wrap(name, label, control, { hint, id, extra } = {}) {
  const hintEl = hint ? h("p", { class: "hint", id: id + "-hint" }, hint) : null;
  const err = h("p", { class: "field-error", id: id + "-error", hidden: true });
  describe(control, hintEl && hintEl.id);
  return h("div", { class: "field", dataset: { field: name } },
    h("label", { for: id }, label), hintEl, err, control, extra);
}

function describe(el, id) {
  if (!id) return;
  const ids = (el.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
  if (!ids.includes(id)) ids.push(id);
  el.setAttribute("aria-describedby", ids.join(" "));
}

function undescribe(el, id) {
  const ids = (el.getAttribute("aria-describedby") || "").split(" ").filter((x) => x && x !== id);
  if (ids.length) el.setAttribute("aria-describedby", ids.join(" "));
  else el.removeAttribute("aria-describedby");
}

/** A labelled input. */
export function textField({ name, label, type = "text", value, hint, autocomplete, maxlength, min, max, inputmode, placeholder, required }) {
  const id = newId("f");
  const input = h("input", {
    id, name, type, value: value ?? "", autocomplete: autocomplete || "off", maxlength, min, max, inputmode, placeholder,
    "aria-required": required ? "true" : null,
  });
  return wrap(name, label, input, { hint, id });
}

/** A labelled select; options are [value, label] pairs. */
export function selectField({ name, label, options, value, hint }) {
  const id = newId("f");
  const sel = h("select", { id, name },
    options.map(([v, l]) => h("option", { value: v, selected: String(v) === String(value ?? "") }, l)));
  return wrap(name, label, sel, { hint, id });
}

/**
 * A short note, flagged as sensitive, with a character count. Its hint says
 * who reads notes: the roles the API gives them to (ability read_notes).
 */
export function noteField({ name = "note", label = t("person.note.label"), value = "" } = {}) {
  const id = newId("f");
  const counter = h("p", { class: "counter", id: id + "-count", "aria-live": "polite" });
  const area = h("textarea", { id, name, maxlength: NOTE_MAX, rows: 3 }, value);
  const update = () => {
    const left = NOTE_MAX - area.value.length;
    counter.textContent = left <= 50 ? t("person.note.left", { n: formatNumber(left) }) : t("person.note.max", { n: formatNumber(NOTE_MAX) });
  };
  area.addEventListener("input", update);
  update();
  const field = wrap(name, label, area, {
    hint: t("person.note.hint"),
    id, extra: counter,
  });
  field.classList.add("sensitive");
  describe(area, counter.id);
  return field;
}

/** A group of radio buttons or checkboxes; options are [value, label, hint?]. */
export function choiceGroup({ name, legend, type = "radio", options, value, hint, inline }) {
  const id = newId("g");
  const chosen = Array.isArray(value) ? value.map(String) : [String(value ?? "")];
  const hintEl = hint ? h("p", { class: "hint", id: id + "-hint" }, hint) : null;
  const err = h("p", { class: "field-error", id: id + "-error", hidden: true });
  const fs = h("fieldset", { class: "field choices" + (inline ? " inline" : ""), dataset: { field: name }, id },
    h("legend", {}, legend), hintEl, err,
    options.length === 0 ? h("p", { class: "muted" }, t("app.form.no_choices")) : null,
    options.map(([v, l, more]) => {
      const cid = newId("c");
      const input = h("input", { type, id: cid, name, value: v, checked: chosen.includes(String(v)) });
      const moreEl = more ? h("span", { class: "choice-more", id: cid + "-more" }, more) : null;
      if (moreEl) describe(input, moreEl.id);
      return h("div", { class: "choice" }, input, h("label", { for: cid }, l, moreEl));
    }));
  if (hintEl) describe(fs, hintEl.id);
  return fs;
}

/** A form with a message area for problems and one submit button. */
export function form({ label, submit, className }, ...fields) {
  return h("form", { class: "form " + (className || ""), novalidate: true, "aria-label": label },
    h("div", { class: "form-error", role: "alert", hidden: true }),
    fields,
    h("div", { class: "form-actions" }, h("button", { type: "submit" }, submit)));
}

/** The trimmed value of a named control. */
export function value(frm, name) {
  const el = frm.elements.namedItem(name);
  if (!el) return "";
  if (el instanceof RadioNodeList) return el.value.trim();
  return (el.value || "").trim();
}

/** The values of the ticked checkboxes with that name. */
export function ticked(frm, name) {
  return [...frm.querySelectorAll(`input[name="${name}"]:checked`)].map((i) => i.value);
}

/** Removes every error shown on a form. */
export function clearErrors(frm) {
  const box = frm.querySelector(":scope > .form-error");
  if (box) { box.hidden = true; box.replaceChildren(); }
  for (const f of frm.querySelectorAll(".field.has-error")) {
    f.classList.remove("has-error");
    const err = f.querySelector(".field-error");
    err.hidden = true;
    err.textContent = "";
    for (const c of controls(f)) { c.removeAttribute("aria-invalid"); undescribe(c, err.id); }
  }
}

function controls(field) {
  return field.matches("fieldset") ? [field, ...field.querySelectorAll("input")] : [...field.querySelectorAll("input, select, textarea")];
}

const fieldKey = (f) => String(f || "").replace(/\[\d+\]/g, "");

/** Shows a problem on a form: each field error next to its field, the rest at the top. */
export function showErrors(frm, err) {
  const box = frm.querySelector(":scope > .form-error");
  const loose = [];
  let first = null;
  for (const fe of err.errors || []) {
    const key = fieldKey(fe.field);
    const field = [...frm.querySelectorAll(".field")].find((f) => f.dataset.field === key);
    // The API's messages are whole sentences that name the field by its
    // label; a page's own words may be a phrase ("is not the one you use
    // now") that the field's label starts.
    const phrase = /^\p{Ll}/u.test(fe.message || "");
    if (!field) { loose.push(phrase ? `${fe.field} ${fe.message}` : fe.message); continue; }
    const label = field.querySelector("legend, label");
    const name = field.dataset.label || (label ? label.firstChild.textContent.trim() : key);
    const msg = field.querySelector(".field-error");
    const text = phrase ? t("app.form.field_error", { label: name, message: fe.message }).replace(/\.\.$/, ".") : fe.message;
    msg.textContent = msg.textContent ? msg.textContent + " " + text : text;
    msg.hidden = false;
    field.classList.add("has-error");
    for (const c of controls(field)) {
      if (!c.matches("fieldset")) c.setAttribute("aria-invalid", "true");
      describe(c, msg.id);
    }
    if (!first) first = field.matches("fieldset") ? field.querySelector("input") : field.querySelector("input, select, textarea");
  }
  if (box) {
    const lead = (err.errors && err.errors.length) ? t("app.form.look_again") : (err.message || t("app.form.failed"));
    box.replaceChildren(h("p", {}, lead));
    if (loose.length) box.append(h("ul", {}, loose.map((l) => h("li", {}, l))));
    box.hidden = false;
  }
  if (first) first.focus();
  else if (box) { box.tabIndex = -1; box.focus(); }
}

/**
 * Runs handler on submit. While it runs the submit button is disabled and
 * says so; when it throws, the errors are shown and what was typed stays.
 * Through api.js every form also survives the session ending (the request
 * waits while the person signs in again, then goes) and a lost connection
 * (it says nothing was saved, keeps the form, and says when the connection
 * is back).
 */
export function onSubmit(frm, handler, busyText = t("app.form.saving")) {
  frm.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (frm.dataset.busy) return;
    const btn = frm.querySelector("button[type=submit]");
    const label = btn.textContent;
    clearErrors(frm);
    frm.dataset.busy = "1";
    frm.setAttribute("aria-busy", "true");
    btn.disabled = true;
    btn.classList.add("busy");
    btn.textContent = busyText;
    try {
      await handler(frm);
    } catch (err) {
      if (!frm.isConnected) throw err;
      btn.disabled = false;
      showErrors(frm, err);
      if (err && err.offline) whenBackOnline(frm);
    } finally {
      delete frm.dataset.busy;
      frm.removeAttribute("aria-busy");
      btn.disabled = false;
      btn.classList.remove("busy");
      btn.textContent = label;
    }
  });
  return frm;
}

/** Says on a form that failed offline when the connection is back. */
function whenBackOnline(frm) {
  window.addEventListener("online", () => {
    const box = frm.querySelector(":scope > .form-error");
    if (!frm.isConnected || !box || box.hidden || box.querySelector(".back-online")) return;
    box.append(h("p", { class: "back-online" }, t("app.form.back_online")));
  }, { once: true });
}
