// Pathway suggestions: who may be ready for another rung, with the evidence.
// Accepting one asks first and can be undone for a few minutes; dismissing
// one sets it aside until new evidence is recorded. The list pages, so it
// stays short on a phone.

import { get, post } from "./api.js";
import { h, fill, today } from "./dom.js";
import { t, tn, formatDate, formatDateTime } from "./i18n.js";
import { rungName } from "./words.js";
import { rungTag, actionButton, confirmDialog } from "./parts.js";

/** How many suggestions a page of the screen holds. */
const PAGE = 10;

/** How many pieces of evidence a card shows before "and N more". */
const SHOWN = 2;

// The latest acceptance that may still be undone, so the offer survives
// the person's page being drawn again after the move.
let undoable = null;

/**
 * A button that asks first (ask resolves true to go on), then runs act,
 * showing that it is busy only while act runs.
 */
export function askingButton(label, busy, ask, act, className) {
  const btn = h("button", { type: "button", class: className || "" }, label);
  btn.addEventListener("click", async () => {
    if (btn.disabled || !(await ask())) return;
    btn.disabled = true;
    btn.classList.add("busy");
    btn.textContent = busy;
    try { await act(); } finally {
      if (btn.isConnected) { btn.disabled = false; btn.classList.remove("busy"); btn.textContent = label; }
    }
  });
  return btn;
}

/** Accepts a suggestion: a placement on the suggested rung, with its evidence. */
export function acceptSuggestion(sg) {
  return post(`/participants/${sg.participant_id}/placements`, {
    rung: sg.suggested_rung, effective_on: today(), note: "",
    evidence: sg.evidence.map((e) => ({ kind: e.kind, id: e.id })),
  });
}

function evidenceItem(e) {
  return h("li", {}, e.what, " (", formatDate(e.on), ")");
}

function evidenceList(sg) {
  const first = sg.evidence.slice(0, SHOWN), rest = sg.evidence.slice(SHOWN);
  return h("div", { class: "suggestion-evidence" },
    h("p", { class: "hint" }, t("suggestions.based_on")),
    h("ul", { class: "evidence" }, first.map(evidenceItem)),
    rest.length ? h("details", { class: "more-evidence" },
      h("summary", {}, tn("suggestions.more_evidence", rest.length)),
      h("ul", { class: "evidence" }, rest.map(evidenceItem))) : null);
}

/**
 * One suggestion with its evidence, an accept button that asks first and a
 * dismiss button. onAccepted(placement) and onDismissed() run after the
 * server has answered; without them the card says so itself.
 */
export function suggestionCard(ctx, sg, { withName = true, onAccepted, onDismissed } = {}) {
  const err = h("p", { class: "field-error", role: "alert", hidden: true });
  const fail = (e) => { err.textContent = e.message; err.hidden = false; };
  const card = h("li", { class: "card suggestion", dataset: { participant: String(sg.participant_id) } });
  const name = sg.display_name;
  const to = rungName(sg.suggested_rung);

  const accept = askingButton(t("suggestions.accept", { rung: to }), t("suggestions.saving"), () => {
    err.hidden = true;
    return confirmDialog({
      title: t("suggestions.accept.title", { name: sg.display_name, rung: to }),
      body: [
        t("suggestions.accept.body", { name: sg.display_name, from: rungName(sg.current_rung), rung: to, date: formatDate(today()) }),
        t("suggestions.accept.undo_hint"),
      ],
      confirm: t("suggestions.accept.confirm", { rung: to }), cancel: t("suggestions.accept.cancel"),
    });
  }, async () => {
    let pl;
    try { pl = await acceptSuggestion(sg); } catch (e) { fail(e); return; }
    undoable = { participantId: sg.participant_id, placementId: pl.id, until: pl.undo_until, name: sg.display_name, sg };
    if (onAccepted) { onAccepted(pl); return; }
    fill(card, undoOffer(ctx, sg.participant_id, () => fill(card, ...cardBody())) || h("p", {}, t("suggestions.accepted", { name: sg.display_name, rung: to })));
    ctx.announce(t("suggestions.accepted", { name: sg.display_name, rung: to }));
  });

  const reason = h("textarea", { id: "dismiss-reason", name: "reason", maxlength: 200, rows: 2, "aria-describedby": "dismiss-reason-hint" });
  const dismiss = askingButton(t("suggestions.dismiss"), t("suggestions.saving"), () => {
    err.hidden = true;
    reason.value = "";
    return confirmDialog({
      title: t("suggestions.dismiss.title", { name: sg.display_name }),
      body: [
        t("suggestions.dismiss.body", { name: sg.display_name }),
        h("div", { class: "field" },
          h("label", { for: "dismiss-reason" }, t("suggestions.dismiss.reason")),
          h("p", { class: "hint", id: "dismiss-reason-hint" }, t("suggestions.dismiss.reason_hint")),
          reason),
      ],
      confirm: t("suggestions.dismiss.confirm"), cancel: t("suggestions.dismiss.cancel"),
    });
  }, async () => {
    try {
      await post(`/participants/${sg.participant_id}/suggestion-dismissals`, { reason: reason.value.trim() });
    } catch (e) { fail(e); return; }
    if (onDismissed) { onDismissed(); return; }
    card.remove();
    ctx.announce(t("suggestions.dismissed", { name: sg.display_name }));
  }, "button-secondary");
  accept.setAttribute("aria-label", t("suggestions.accept.label", { name, rung: to }));
  dismiss.setAttribute("aria-label", t("suggestions.dismiss.label", { name: sg.display_name }));

  function cardBody() {
    return [
      h("p", { class: "suggestion-what" },
        withName ? h("a", { href: `/participants/${sg.participant_id}` }, sg.display_name) : t("suggestions.ready"),
        ": ", rungTag(sg.current_rung), h("span", { "aria-hidden": "true" }, " → "), h("span", { class: "visually-hidden" }, t("suggestions.to")), rungTag(sg.suggested_rung)),
      evidenceList(sg),
      err,
      h("div", { class: "suggestion-actions" }, accept, dismiss),
    ];
  }
  fill(card, ...cardBody());
  return card;
}

/**
 * The offer to undo the latest acceptance for this participant, while the
 * server still allows it; null otherwise. onUndone runs once it is undone.
 */
export function undoOffer(ctx, participantId, onUndone) {
  const u = undoable;
  if (!u || u.participantId !== participantId || !u.until || new Date(u.until) <= new Date()) return null;
  const err = h("p", { class: "field-error", role: "alert", hidden: true });
  const box = h("div", { class: "undo-offer", role: "status" },
    h("p", {}, t("suggestions.undo.text", { name: u.name, rung: rungName(u.sg.suggested_rung), time: formatDateTime(u.until, { timeStyle: "short" }) })),
    err);
  box.append(actionButton(t("suggestions.undo"), t("suggestions.undoing"), async () => {
    err.hidden = true;
    try {
      await post(`/participants/${participantId}/placements/${u.placementId}/undo`);
    } catch (e) {
      err.textContent = e.message;
      err.hidden = false;
      return;
    }
    if (undoable === u) undoable = null;
    ctx.announce(t("suggestions.undone", { name: u.name }));
    if (onUndone) onUndone();
  }, "button-secondary"));
  return box;
}

/**
 * A link to the suggestions screen, for the people list. It is always
 * there for those who may act on suggestions: finding out whether there
 * are any would cost the list a walk through the organisation.
 */
export function suggestionsLink(ctx) {
  if (!ctx.can.writePeople) return null;
  return h("p", { class: "suggestions-link" }, h("a", { href: "/suggestions" }, t("suggestions.link")));
}

/**
 * The suggestions screen: one page at a time, with previous and next. The
 * address holds the cursors of the pages walked through (?pages=c2,c3), so
 * the back button, a reload and "previous" all land on the same page.
 */
export async function suggestionsView(ctx) {
  const trail = (ctx.query.get("pages") || "").split(",").filter(Boolean);
  const page = await get("/suggestions", { limit: PAGE, cursor: trail[trail.length - 1] });
  const n = trail.length + 1;
  const list = h("ul", { class: "cards suggestions-list", "aria-label": t("suggestions.list_label") },
    page.items.map((sg) => suggestionCard(ctx, sg)));
  const pager = (page.next_cursor || n > 1) ? h("nav", { class: "pager", "aria-label": t("suggestions.pages") },
    n > 1 ? h("a", { class: "button button-secondary", href: pageHref(trail.slice(0, -1)), rel: "prev" }, t("suggestions.previous")) : null,
    h("span", { class: "pager-where" }, t("suggestions.page", { n })),
    page.next_cursor ? h("a", { class: "button button-secondary", href: pageHref([...trail, page.next_cursor]), rel: "next" }, t("suggestions.next")) : null) : null;
  return h("section", { class: "page" },
    h("p", { class: "crumb" }, h("a", { href: "/participants" }, t("suggestions.crumb"))),
    h("h1", {}, t("suggestions.title")),
    h("p", { class: "hint" }, t("suggestions.intro", { days: 90 })),
    page.items.length ? list : h("p", { class: "empty" }, n > 1 ? t("suggestions.none_more") : t("suggestions.none")),
    pager);
}

/** The address of the page reached through these cursors. */
function pageHref(trail) {
  return "/suggestions" + (trail.length ? "?pages=" + trail.map(encodeURIComponent).join(",") : "");
}
