// Importing a case-management system's CSV export: check it first (a dry
// run that writes nothing), read what would happen row by row, then import.

import { get, postCSV, query } from "./api.js";
import { h, fill } from "./dom.js";
import { t, tn, formatNumber } from "./i18n.js";
import { form, textField, choiceGroup, onSubmit, value, ticked } from "./forms.js";
import { section } from "./parts.js";

const kinds = () => [
  ["participants", t("import.kind.participants")],
  ["engagements", t("import.kind.engagements")],
];

const columnHelp = {
  participants: "external_ref, display_name, programs (names separated by ;), consent_given_on, consent_method, consent_scopes (separated by ;), rung, rung_effective_on",
  engagements: "external_ref, occurred_on, activity, program, strategy, note",
};

/** Waits for an import to finish, telling onProgress how far it got. */
async function follow(id, onProgress) {
  for (;;) {
    const im = await get(`/imports/${id}`);
    onProgress(im);
    if (im.status !== "running") return im;
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** One line of what an import did, or would do in a dry run. */
function summary(im) {
  const n = (x) => formatNumber(x);
  return t(im.dry_run ? "import.summary.dry" : "import.summary.done", {
    rows: tn(im.dry_run ? "import.rows_checked" : "import.rows_read", im.rows_total),
    created: n(im.created), updated: n(im.updated), unchanged: n(im.unchanged),
    problems: tn("import.problems", im.errors.length),
  });
}

/** The problems of an import as a table, by the row a spreadsheet shows. */
function errorTable(im) {
  if (!im.errors.length) return null;
  return h("table", { class: "table" },
    h("caption", {}, t("import.errors.caption")),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("import.errors.row")), h("th", { scope: "col" }, t("import.errors.column")), h("th", { scope: "col" }, t("import.errors.problem")))),
    h("tbody", {}, im.errors.map((e) => h("tr", {}, h("td", {}, e.row ? String(e.row) : "—"), h("td", {}, e.field || "—"), h("td", {}, e.message)))));
}

/** A labelled progress bar for a running import. */
function progressBar(im) {
  return h("div", { class: "import-progress" },
    h("label", {}, t("import.progress", { done: formatNumber(im.rows_done), total: formatNumber(im.rows_total) }),
      h("progress", { max: String(Math.max(im.rows_total, 1)), value: String(im.rows_done) })));
}

/** The Import page, for admin and staff. */
export async function importView(ctx) {
  const result = h("div", { class: "import-result", "aria-live": "polite" });
  const pick = form({ label: t("import.form"), submit: t("import.check") },
    textField({ name: "file", label: t("import.file"), type: "file", hint: t("import.file_hint") }),
    choiceGroup({ name: "kind", legend: t("import.kind"), options: kinds(), value: "participants" }),
    textField({ name: "map", label: t("import.map"), hint: t("import.map_hint") }),
    choiceGroup({ name: "skip", legend: t("import.skip"), type: "checkbox", options: [["yes", t("import.skip_yes")]], hint: t("import.skip_hint") }));
  const input = pick.querySelector("input[type=file]");
  input.setAttribute("accept", ".csv,text/csv");
  const help = h("p", { class: "muted" }, t("import.columns"), " ", h("code", {}, columnHelp.participants));
  pick.addEventListener("change", () => { help.lastChild.textContent = columnHelp[value(pick, "kind")] || ""; });

  onSubmit(pick, async () => {
    const file = input.files && input.files[0];
    if (!file) throw Object.assign(new Error(t("import.no_file")), { errors: [{ field: "file", message: t("import.no_file_field") }] });
    const text = await file.text();
    const params = { kind: value(pick, "kind"), on_error: ticked(pick, "skip").length ? "skip" : "abort", map: value(pick, "map") };
    const run = async (dry) => {
      const started = await postCSV("/imports" + query({ ...params, dry_run: dry ? "true" : "false" }), text);
      return follow(started.id, (im) => {
        fill(result, h("p", {}, dry ? t("import.checking_rows") : t("import.importing")), progressBar(im));
      });
    };
    const dry = await run(true);
    const blocked = dry.errors.length > 0 && params.on_error === "abort";
    const confirm = h("button", { type: "button", disabled: blocked }, t("import.confirm"));
    confirm.addEventListener("click", async () => {
      confirm.disabled = true;
      try {
        const done = await run(false);
        fill(result, section({ title: t("import.finished"), id: "import-finished" }, h("p", {}, summary(done)), errorTable(done)));
        ctx.announce(summary(done));
      } catch (err) {
        confirm.disabled = false;
        fill(result, h("p", { class: "form-error" }, err.message));
      }
    });
    fill(result, section({ title: t("import.would"), id: "import-would" }, h("p", {}, summary(dry)),
      blocked ? h("p", {}, t("import.blocked")) : null,
      errorTable(dry), confirm));
    ctx.announce(summary(dry));
  }, t("import.checking"));

  return h("section", { class: "page" },
    h("h1", {}, t("import.title")),
    h("p", { class: "lede" }, t("import.lede")),
    help, pick, result);
}
