// A participant's capacity check-ins on the staff person page: their own
// view and staff's view side by side, each marked with who recorded it
// (the participant themself, through their personal link, or a staff
// member), and the personal link staff give them, shown as a QR code.

import { get, post, del } from "./api.js";
import { h, fill } from "./dom.js";
import { t, language, formatDate, formatDateTime } from "./i18n.js";

const CAPACITIES = ["self_advocacy", "root_cause_analysis", "leadership"];

/** The check-ins section of a person's page; its heading keeps the id the page focuses after a change. */
export function checkinsPanel({ base, p, checkins }) {
  const own = checkins.filter((c) => c.perspective === "self");
  const staff = checkins.filter((c) => c.perspective !== "self");
  const notes = checkins.filter((c) => c.note);
  return h("section", { class: "panel", "aria-labelledby": "h-capacity-check-ins" },
    h("h2", { id: "h-capacity-check-ins" }, t("self.staff.heading")),
    h("p", { class: "hint" }, t("self.staff.intro")),
    h("div", { class: "checkin-compare" },
      column("own", t("self.staff.own"), own),
      column("staff", t("self.staff.staff_view"), staff)),
    notes.length ? h("div", {}, notes.map((c) => h("p", { class: "note" },
      h("span", { class: "sensitive-tag" }, t("self.staff.sensitive")), " ", `${formatDate(c.assessed_on)}: ${c.note}`))) : null,
    linkBlock(base, p));
}

function column(id, title, items) {
  const headId = `h-checkins-${id}`;
  return h("div", { class: "checkin-column" },
    h("h3", { id: headId }, title),
    items.length ? h("ul", { class: "plain-list checkin-list", "aria-labelledby": headId }, items.map((c) => h("li", {},
      h("p", { class: "checkin-when" }, h("strong", {}, formatDate(c.assessed_on)), " ",
        c.recorded_by_participant
          ? h("span", { class: "tag tag-self" }, t("self.staff.by_participant"))
          : h("span", { class: "muted" }, t("self.staff.by_staff", { who: c.recorded_by }))),
      h("dl", { class: "checkin-scores" }, CAPACITIES.map((k) => h("div", {},
        h("dt", {}, t(`self.staff.cap.${k}`)),
        h("dd", {}, t("self.staff.score", { n: c[k] })))))))) : h("p", { class: "empty" }, t("self.staff.none")));
}

/** Making, showing and revoking personal links. */
function linkBlock(base, p) {
  const shown = h("div", { class: "link-shown", "aria-live": "polite" });
  const list = h("div", {});
  const error = h("div", { class: "form-error", role: "alert", hidden: true });
  const langSel = h("select", { id: "link-language", name: "language" },
    ["es", "en"].map((l) => h("option", { value: l, selected: l === language() }, t(`self.language.${l}`))));
  const days = h("input", { id: "link-days", name: "expires_in_days", type: "number", inputmode: "numeric", min: "1", max: "30", value: "7", "aria-describedby": "link-days-hint" });
  const submit = h("button", { type: "submit" }, t("self.link.create"));
  const frm = h("form", { class: "form", novalidate: true },
    h("p", {}, t("self.link.intro", { name: p.display_name })),
    error,
    h("div", { class: "field" }, h("label", { for: "link-language" }, t("self.link.language")), langSel),
    h("div", { class: "field" }, h("label", { for: "link-days" }, t("self.link.days")),
      h("p", { class: "hint", id: "link-days-hint" }, t("self.link.days_hint")), days),
    h("div", { class: "form-actions" }, submit));

  async function refresh() {
    let items = [];
    try { ({ items } = await get(base + "/invitations")); } catch { return; }
    fill(list, h("h3", {}, t("self.link.active")),
      items.length ? h("ul", { class: "plain-list" }, items.map((inv) => {
        const until = formatDateTime(inv.expires_at);
        const btn = h("button", { type: "button", class: "button-secondary small" },
          t("self.link.revoke"), h("span", { class: "visually-hidden" }, " " + t("self.link.revoke_for", { date: until })));
        btn.addEventListener("click", async () => {
          btn.disabled = true;
          try { await del(`${base}/invitations/${inv.id}`); } catch (e) { btn.disabled = false; showError(e); return; }
          fill(shown, h("p", { class: "saved", role: "status" }, t("self.link.revoked")));
          await refresh();
        });
        return h("li", { class: "link-item" },
          h("span", {}, t("self.link.item", { language: t(`self.language.${inv.language}`), who: inv.created_by, date: until })), " ", btn);
      })) : h("p", { class: "empty" }, t("self.link.none")));
  }
  function showError(e) {
    fill(error, e.message);
    error.hidden = false;
  }
  frm.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    error.hidden = true;
    submit.disabled = true;
    let made;
    try {
      made = await post(base + "/invitations", { language: langSel.value, expires_in_days: Number(days.value) || 0 });
    } catch (e) {
      showError(e);
      return;
    } finally {
      submit.disabled = false;
    }
    const urlId = "link-url";
    fill(shown,
      h("img", { class: "qr", src: made.qr_code, width: "240", height: "240", alt: t("self.link.qr_alt", { name: p.display_name }) }),
      h("div", { class: "field" }, h("label", { for: urlId }, t("self.link.url")),
        h("input", { id: urlId, type: "text", readonly: true, value: made.url, autocomplete: "off", spellcheck: "false" })),
      h("p", {}, t("self.link.expires", { date: formatDateTime(made.expires_at) })),
      h("p", { class: "notice" }, t("self.link.once")));
    await refresh();
  });
  const block = h("details", { class: "action" }, h("summary", {}, t("self.link.summary")), frm, shown, list);
  block.addEventListener("toggle", () => { if (block.open) refresh(); }, { once: true });
  return block;
}
