// Importing a case-management system's CSV export: check it first (a dry
// run that writes nothing), read what would happen row by row, then import.

import { get, postCSV, query } from "./api.js";
import { h, fill, plural } from "./dom.js";
import { form, textField, choiceGroup, onSubmit, value, ticked } from "./forms.js";
import { section } from "./parts.js";

const kinds = [
  ["participants", "People (one person a row)"],
  ["engagements", "Engagements (one thing someone took part in, a row)"],
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
  const would = im.dry_run ? "would be " : "";
  return `${plural(im.rows_total, "row", "rows")} ${im.dry_run ? "checked" : "read"}: ` +
    `${im.created} ${would}added, ${im.updated} ${would}updated, ${im.unchanged} already up to date, ` +
    `${plural(im.errors.length, "problem", "problems")}.`;
}

/** The problems of an import as a table, by the row a spreadsheet shows. */
function errorTable(im) {
  if (!im.errors.length) return null;
  return h("table", { class: "table" },
    h("caption", {}, "Rows that need another look (the header is row 1)"),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Row"), h("th", { scope: "col" }, "Column"), h("th", { scope: "col" }, "Problem"))),
    h("tbody", {}, im.errors.map((e) => h("tr", {}, h("td", {}, e.row ? String(e.row) : "—"), h("td", {}, e.field || "—"), h("td", {}, e.message)))));
}

/** A labelled progress bar for a running import. */
function progressBar(im) {
  return h("div", { class: "import-progress" },
    h("label", {}, `Rows done: ${im.rows_done} of ${im.rows_total}`,
      h("progress", { max: String(Math.max(im.rows_total, 1)), value: String(im.rows_done) })));
}

/** The Import page, for admin and staff. */
export async function importView(ctx) {
  const result = h("div", { class: "import-result", "aria-live": "polite" });
  const pick = form({ label: "Check a file", submit: "Check the file" },
    textField({ name: "file", label: "CSV file", type: "file", hint: "Exported from your case-management system, with the column names in the first row." }),
    choiceGroup({ name: "kind", legend: "Each row is", options: kinds, value: "participants" }),
    textField({ name: "map", label: "Your own column names (optional)", hint: "For example display_name:Client Name,external_ref:Client ID" }),
    choiceGroup({ name: "skip", legend: "Rows with problems", type: "checkbox", options: [["yes", "Import the other rows and list these"]], hint: "Otherwise one row with a problem means nothing is imported." }));
  const input = pick.querySelector("input[type=file]");
  input.setAttribute("accept", ".csv,text/csv");
  const help = h("p", { class: "muted" }, "Columns: ", columnHelp.participants);
  pick.addEventListener("change", () => { help.lastChild.textContent = columnHelp[value(pick, "kind")] || ""; });

  onSubmit(pick, async () => {
    const file = input.files && input.files[0];
    if (!file) throw Object.assign(new Error("Choose a CSV file first."), { errors: [{ field: "file", message: "is required" }] });
    const text = await file.text();
    const params = { kind: value(pick, "kind"), on_error: ticked(pick, "skip").length ? "skip" : "abort", map: value(pick, "map") };
    const run = async (dry) => {
      const started = await postCSV("/imports" + query({ ...params, dry_run: dry ? "true" : "false" }), text);
      return follow(started.id, (im) => {
        fill(result, h("p", {}, dry ? "Checking every row…" : "Importing…"), progressBar(im));
      });
    };
    const dry = await run(true);
    const blocked = dry.errors.length > 0 && params.on_error === "abort";
    const confirm = h("button", { type: "button", disabled: blocked }, "Import these rows");
    confirm.addEventListener("click", async () => {
      confirm.disabled = true;
      try {
        const done = await run(false);
        fill(result, section("Import finished", h("p", {}, summary(done)), errorTable(done)));
        ctx.announce(summary(done));
      } catch (err) {
        confirm.disabled = false;
        fill(result, h("p", { class: "form-error" }, err.message));
      }
    });
    fill(result, section("What the import would do", h("p", {}, summary(dry)),
      blocked ? h("p", {}, "Nothing can be imported while a row has a problem. Fix those rows, or tick “Import the other rows”.") : null,
      errorTable(dry), confirm));
    ctx.announce(summary(dry));
  }, "Checking…");

  return h("section", { class: "page" },
    h("h1", {}, "Import"),
    h("p", { class: "lede" }, "Bring people or engagements over from your case-management system. Pathway checks the whole file first and writes nothing until you confirm; importing the same file again changes nothing."),
    help, pick, result);
}
