package httpapi_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"pathway/internal/pathway"
)

// startImport sends a CSV file to POST /imports and returns the response.
func (e *env) startImport(token, query, csv string) *response {
	e.t.Helper()
	return e.call(request{Method: "POST", Path: path("/imports?%s", query), Body: csv, Token: token, Header: http.Header{"Content-Type": {"text/csv"}}})
}

// runImport imports csv as staff and waits for the outcome.
func (e *env) runImport(query, csv string) pathway.Import {
	e.t.Helper()
	var started struct {
		ID     int64  `json:"id"`
		Status string `json:"status"`
	}
	e.startImport(e.tokens[pathway.RoleStaff], query, csv).must(e.t, http.StatusAccepted).decode(e.t, &started)
	return e.waitImport(e.tokens[pathway.RoleStaff], started.ID)
}

// waitImport polls an import until it is no longer running.
func (e *env) waitImport(token string, id int64) pathway.Import {
	e.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var im pathway.Import
		e.call(request{Method: "GET", Path: path("/imports/%d", id), Token: token}).must(e.t, 200).decode(e.t, &im)
		if im.Status != pathway.ImportRunning {
			return im
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("import %d still running", id)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

type importCounts struct{ Created, Updated, Unchanged int }

func counts(im pathway.Import) importCounts {
	return importCounts{im.Created, im.Updated, im.Unchanged}
}

// peopleCSV is an export of three people; the programs exist in importEnv.
func (e *env) peopleCSV() string {
	c := e.today.AddDays(-100).String()
	return "external_ref,display_name,programs,consent_given_on,consent_method,consent_scopes,rung,rung_effective_on\n" +
		"CM-1,Ana,Tenant union," + c + ",written,tracking,follower,\n" +
		"CM-2,Ben,Tenant union;food pantry," + c + ",verbal,tracking;public_story,,\n" +
		"CM-3,Cy,," + c + ",electronic,tracking,member," + e.today.AddDays(-10).String() + "\n"
}

func importEnv(t *testing.T) *env {
	e := newEnv(t)
	e.program("Tenant union", pathway.Follower)
	e.program("Food pantry", pathway.Observer)
	return e
}

func TestImportingTheSameFileTwiceChangesNothing(t *testing.T) {
	e := importEnv(t)
	first := e.runImport("kind=participants", e.peopleCSV())
	if first.Status != pathway.ImportDone || len(first.Errors) != 0 || counts(first) != (importCounts{Created: 3}) {
		t.Fatalf("first import: %+v", first)
	}
	before := e.rowCounts(historyTables...)
	delete(before, "audit_log")
	second := e.runImport("kind=participants", e.peopleCSV())
	if counts(second) != (importCounts{Unchanged: 3}) || len(second.Errors) != 0 {
		t.Errorf("second import: %+v", second)
	}
	after := e.rowCounts(historyTables...)
	delete(after, "audit_log")
	if diff := cmp.Diff(before, after); diff != "" {
		t.Errorf("the second import changed rows (-before +after):\n%s", diff)
	}
	// What was created follows the same rules as POST /participants.
	got := e.lookup(e.tokens[pathway.RoleStaff], "cm-3")
	if len(got) != 1 || got[0].CurrentRung != pathway.Member || got[0].DisplayName != "Cy" || !got[0].Consent.Has(pathway.ScopeTracking) {
		t.Errorf("CM-3 stored as %+v", got)
	}
	ben := e.lookup(e.tokens[pathway.RoleStaff], "CM-2")[0]
	if len(ben.ProgramIDs) != 2 || ben.CurrentRung != pathway.Observer {
		t.Errorf("CM-2 stored as %+v", ben)
	}
}

func TestAnImportUpdatesOnlyWhatChanged(t *testing.T) {
	e := importEnv(t)
	e.runImport("kind=participants", e.peopleCSV())
	placements := e.rowCounts("placements")["placements"]
	changed := strings.Replace(e.peopleCSV(), "CM-1,Ana,", "cm-1 ,Ana María,", 1)
	changed = strings.Replace(changed, ",follower,", ",leader,", 1)
	changed = strings.Replace(changed, "Tenant union;food pantry", "Food Pantry", 1)
	im := e.runImport("kind=participants", changed)
	if counts(im) != (importCounts{Updated: 2, Unchanged: 1}) || len(im.Errors) != 0 {
		t.Fatalf("import of changes: %+v", im)
	}
	ana := e.lookup(e.tokens[pathway.RoleStaff], "CM-1")[0]
	if ana.DisplayName != "Ana María" || ana.CurrentRung != pathway.Leader || ana.ExternalRef != "CM-1" {
		t.Errorf("CM-1 is %+v", ana)
	}
	if n := e.rowCounts("placements")["placements"] - placements; n != 1 {
		t.Errorf("%d placements added, want one for the changed rung", n)
	}
	ben := e.lookup(e.tokens[pathway.RoleStaff], "CM-2")[0]
	if len(ben.ProgramIDs) != 1 || len(ben.Enrolments) != 2 {
		t.Errorf("CM-2's programs %v, enrolments %+v: want one left, history kept", ben.ProgramIDs, ben.Enrolments)
	}
}

// badPeopleCSV has good rows 2 and 5 and bad rows 3 and 4.
func (e *env) badPeopleCSV() string {
	c := e.today.AddDays(-100).String()
	return "External_Ref, Display_Name ,programs,consent_given_on,consent_method,consent_scopes\n" +
		"CM-1,Ana,," + c + ",written,tracking\n" +
		"CM-2,Ben,," + e.today.AddDays(1).String() + ",written,tracking\n" +
		"CM-3,Cy,Choir," + c + ",written,tracking\n" +
		"CM-4,Dee,," + c + ",written,tracking\n"
}

// personTables are the tables that hold people and their history: an
// import's own record and its audit entry are not in them.
var personTables = []string{"participants", "consents", "placements", "enrollments", "engagements", "capacity_checkins"}

func TestAnAbortingImportWithABadRowWritesNothing(t *testing.T) {
	e := importEnv(t)
	before := e.rowCounts(personTables...)
	im := e.runImport("kind=participants&on_error=abort", e.badPeopleCSV())
	if diff := cmp.Diff(before, e.rowCounts(personTables...)); diff != "" {
		t.Errorf("an aborted import wrote rows (-before +after):\n%s", diff)
	}
	if counts(im) != (importCounts{}) || len(im.Errors) != 2 {
		t.Errorf("aborted import: %+v", im)
	}
}

func TestASkippingImportWritesTheGoodRowsAndNumbersTheBadAsASpreadsheetDoes(t *testing.T) {
	e := importEnv(t)
	im := e.runImport("kind=participants&on_error=skip", e.badPeopleCSV())
	want := []pathway.ImportError{
		{Row: 3, Field: "consent_given_on", Message: "“Date consent was given” cannot be in the future."},
		{Row: 4, Field: "programs", Message: "There is no program named “Choir”."},
	}
	if diff := cmp.Diff(want, im.Errors); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
	if counts(im) != (importCounts{Created: 2}) || im.RowsDone != 4 || im.RowsTotal != 4 {
		t.Errorf("skipping import: %+v", im)
	}
	for ref, want := range map[string]int{"CM-1": 1, "CM-2": 0, "CM-3": 0, "CM-4": 1} {
		if got := len(e.lookup(e.tokens[pathway.RoleStaff], ref)); got != want {
			t.Errorf("%s: %d stored, want %d", ref, got, want)
		}
	}
}

func TestADryRunReportsWhatARealRunWouldAndWritesNothing(t *testing.T) {
	e := importEnv(t)
	before := e.rowCounts(append(personTables, "programs")...)
	dry := e.runImport("kind=participants&dry_run=true&on_error=skip", e.badPeopleCSV())
	if diff := cmp.Diff(before, e.rowCounts(append(personTables, "programs")...)); diff != "" {
		t.Errorf("a dry run wrote rows (-before +after):\n%s", diff)
	}
	if !dry.DryRun {
		t.Error("the import does not say it was a dry run")
	}
	real := e.runImport("kind=participants&on_error=skip", e.badPeopleCSV())
	if diff := cmp.Diff(counts(real), counts(dry)); diff != "" {
		t.Errorf("dry run counts differ from the real run's (-real +dry):\n%s", diff)
	}
	if diff := cmp.Diff(real.Errors, dry.Errors); diff != "" {
		t.Errorf("dry run errors differ from the real run's (-real +dry):\n%s", diff)
	}
}

func TestADryRunSeesEarlierRowsOfTheSameFile(t *testing.T) {
	e := importEnv(t)
	// The fourth row is the first person again: a real run updates them,
	// and so must the dry run say.
	twice := e.peopleCSV() + "ＣＭ-1,Ana again,Tenant union," + e.today.AddDays(-100).String() + ",written,tracking,follower,\n"
	dry := e.runImport("kind=participants&dry_run=true", twice)
	if counts(dry) != (importCounts{Created: 3, Updated: 1}) || len(dry.Errors) != 0 {
		t.Errorf("dry run of a file naming CM-1 twice: %+v", dry)
	}
	if got := e.lookup(e.tokens[pathway.RoleStaff], "CM-1"); len(got) != 0 {
		t.Errorf("the dry run stored %v", got)
	}
}

func TestImportedRowsKeepTheDomainRules(t *testing.T) {
	e := importEnv(t)
	c := e.today.AddDays(-100).String()
	csv := "external_ref,display_name,consent_given_on,consent_method,consent_scopes,rung,rung_effective_on\n" +
		"CM-1,Ana," + c + ",written,public_story,,\n" +
		"CM-2,Ben," + c + ",written,tracking,member," + e.today.AddDays(-200).String() + "\n" +
		"CM-3,Cy," + c + ",by pigeon,tracking,champion,\n" +
		",Dee," + c + ",written,tracking,,\n"
	im := e.runImport("kind=participants&on_error=skip", csv)
	fields := map[int][]string{}
	for _, fe := range im.Errors {
		fields[fe.Row] = append(fields[fe.Row], fe.Field)
	}
	want := map[int][]string{2: {"consent_scopes"}, 3: {"rung_effective_on"}, 4: {"consent_method", "rung"}, 5: {"external_ref"}}
	if diff := cmp.Diff(want, fields); diff != "" {
		t.Errorf("fields at fault by row (-want +got):\n%s", diff)
	}
	if im.Created != 0 {
		t.Errorf("%d created from bad rows", im.Created)
	}
}

func TestAnImportNamesColumnsItDoesNotTakeAndReadsMappedOnes(t *testing.T) {
	e := importEnv(t)
	c := e.today.AddDays(-100).String()
	before := e.rowCounts(historyTables...)
	res := e.startImport(e.tokens[pathway.RoleStaff], "kind=participants", "external_ref,display_name,consent_given_on,consent_method,consent_scopes,Date of birth\nCM-1,Ana,"+c+",written,tracking,1990-01-01\n").must(t, 422)
	if msg := res.fieldMessage(t, "header"); !strings.Contains(msg, `"Date of birth"`) {
		t.Errorf("unknown column not named: %s", res.Body)
	}
	res = e.startImport(e.tokens[pathway.RoleStaff], "kind=participants", "external_ref,consent_given_on\nCM-1,"+c+"\n").must(t, 422)
	if res.fieldMessage(t, "display_name") == "" || res.fieldMessage(t, "consent_scopes") == "" {
		t.Errorf("missing columns not named: %s", res.Body)
	}
	e.startImport(e.tokens[pathway.RoleStaff], "kind=people", "x\n").must(t, 422)
	e.call(request{Method: "POST", Path: path("/imports?kind=participants"), Body: "external_ref\n", Role: pathway.RoleStaff}).must(t, 415)
	if diff := cmp.Diff(before, e.rowCounts(historyTables...)); diff != "" {
		t.Errorf("a refused file wrote rows (-before +after):\n%s", diff)
	}
	mapped := "\ufeffClient ID,Client Name,Consent Date,consent_method,CONSENT_SCOPES\nCM-1,Ana," + c + ",written,tracking\n"
	var started struct{ ID int64 }
	e.startImport(e.tokens[pathway.RoleStaff], "kind=participants&map=external_ref:Client%20ID,display_name:client%20name,consent_given_on:Consent%20Date", mapped).must(t, 202).decode(t, &started)
	if im := e.waitImport(e.tokens[pathway.RoleStaff], started.ID); im.Created != 1 || len(im.Errors) != 0 {
		t.Errorf("mapped import: %+v", im)
	}
}

func TestEngagementsImportForPeopleFoundByReferenceAndOnlyOnce(t *testing.T) {
	e := importEnv(t)
	e.runImport("kind=participants", e.peopleCSV())
	d := e.today.AddDays(-3).String()
	csv := "external_ref,occurred_on,activity,program,strategy,note\n" +
		"cm-1," + d + ",Tenant meeting,Tenant union,organizing,\n" +
		"ＣＭ-2," + d + ",Rally,,advocacy,Brought a neighbour\n" +
		"CM-9," + d + ",Rally,,,\n" +
		"CM-3," + e.today.AddDays(1).String() + ",Rally,,,\n" +
		"CM-3," + d + ",Rally,,," + strings.Repeat("n", pathway.MaxNoteLength+1) + "\n"
	before := e.rowCounts("engagements", "audit_log")
	im := e.runImport("kind=engagements&on_error=skip", csv)
	fields := map[int]string{}
	for _, fe := range im.Errors {
		fields[fe.Row] = fe.Field
	}
	if diff := cmp.Diff(map[int]string{4: "external_ref", 5: "occurred_on", 6: "note"}, fields); diff != "" {
		t.Errorf("errors by row (-want +got):\n%s", diff)
	}
	after := e.rowCounts("engagements", "audit_log")
	if im.Created != 2 || after["engagements"]-before["engagements"] != 2 {
		t.Errorf("created %d, stored %d", im.Created, after["engagements"]-before["engagements"])
	}
	if after["audit_log"]-before["audit_log"] < 2 {
		t.Error("imported engagements were not audited")
	}
	again := e.runImport("kind=engagements&on_error=skip", csv)
	if again.Created != 0 || again.Unchanged != 2 {
		t.Errorf("second import: %+v", again)
	}
}

func TestOnlyTheOwnerOrAnAdminReadsAnImport(t *testing.T) {
	e := importEnv(t)
	im := e.runImport("kind=participants&dry_run=true", e.peopleCSV())
	_, other := e.newAccount("other.staff@example.org", pathway.RoleStaff)
	e.call(request{Method: "GET", Path: path("/imports/%d", im.ID), Token: other}).must(t, 404)
	e.as(pathway.RoleAdmin, "GET", path("/imports/%d", im.ID), nil).must(t, 200)
}
