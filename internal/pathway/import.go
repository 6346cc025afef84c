package pathway

import (
	"context"
	"time"
)

// ImportKind says what the rows of a CSV import are.
type ImportKind string

// The kinds of import.
const (
	ImportParticipants ImportKind = "participants" // one person a row, upserted by external_ref
	ImportEngagements  ImportKind = "engagements"  // one engagement a row, for a person found by external_ref
)

// ImportKinds lists every kind of import.
var ImportKinds = []ImportKind{ImportParticipants, ImportEngagements}

// ImportStatus is where an import stands.
type ImportStatus string

// The states of an import.
const (
	ImportRunning ImportStatus = "running"
	ImportDone    ImportStatus = "done"   // every row checked; see Errors for those refused
	ImportFailed  ImportStatus = "failed" // the file could not be read, or the import was stopped
)

// ImportStatuses lists every state of an import.
var ImportStatuses = []ImportStatus{ImportRunning, ImportDone, ImportFailed}

// ImportErrorPolicies lists what an import may do with a bad row: abort
// (write nothing) or skip (write the good rows).
var ImportErrorPolicies = []string{"abort", "skip"}

// ImportOptions says how an import runs.
type ImportOptions struct {
	Kind ImportKind
	// DryRun checks every row as a real run would and writes nothing.
	DryRun bool
	// SkipErrors imports the good rows and reports the bad; otherwise one
	// bad row means nothing is written.
	SkipErrors bool
	// Columns maps a Pathway column to the name the file uses for it.
	Columns map[string]string
}

// OnError names the error policy of o as the API writes it.
func (o ImportOptions) OnError() string {
	if o.SkipErrors {
		return "skip"
	}
	return "abort"
}

// ImportError is one row's problem, numbered as a spreadsheet shows the
// file (the header is row 1).
type ImportError struct {
	Row     int    `json:"row"`
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Import is one CSV import: what was asked, how far it got, what it did.
type Import struct {
	ID         int64         `json:"id"`
	Kind       ImportKind    `json:"kind"`
	Status     ImportStatus  `json:"status"`
	DryRun     bool          `json:"dry_run"`
	OnError    string        `json:"on_error"`
	RowsTotal  int           `json:"rows_total"`
	RowsDone   int           `json:"rows_done"`
	Created    int           `json:"created"`
	Updated    int           `json:"updated"`
	Unchanged  int           `json:"unchanged"`
	Errors     []ImportError `json:"errors"`
	OwnerID    int64         `json:"-"`
	CreatedAt  time.Time     `json:"created_at"`
	FinishedAt *time.Time    `json:"finished_at"`
}

// ParticipantRow is one row of a participant import, read but not yet
// checked against what is stored.
type ParticipantRow struct {
	Row         int
	ExternalRef string
	DisplayName string
	Programs    []string // program names
	// HasPrograms says the file has a programs column; without one, an
	// existing person's enrolments are left alone.
	HasPrograms bool
	Consent     Consent
	Rung        Rung // 0 when the row gives none
	// RungEffectiveOn dates a new placement; zero means the consent date
	// for a new person and today for a change of rung.
	RungEffectiveOn Date
}

// EngagementRow is one row of an engagement import.
type EngagementRow struct {
	Row         int
	ExternalRef string
	OccurredOn  Date
	Activity    string
	Program     string // a program name, or ""
	Strategy    *Strategy
	Note        string
}

// ImportResult is what a batch of rows did, or would do in a dry run.
type ImportResult struct {
	Created, Updated, Unchanged int
	Errors                      []ImportError
}

// ImportWrite says how a batch of rows is written.
type ImportWrite struct {
	// Rollback checks every row and writes nothing (a dry run, or an
	// aborting import that already found a bad row).
	Rollback bool
	// KeepGood writes the good rows of a batch that has bad ones; without
	// it, one bad row rolls the batch back.
	KeepGood bool
	// Progress, if set, is told how many rows of the batch are done.
	Progress func(done int)
}

// ImportStore writes imported rows through the same rules as the API, one
// transaction a batch, each row in a savepoint of its own, with the audit
// entries of each write, and keeps the record of imports.
type ImportStore interface {
	// ImportParticipants upserts rows by normalised external_ref.
	ImportParticipants(ctx context.Context, a Actor, rows []ParticipantRow, w ImportWrite) (ImportResult, error)
	// ImportEngagements logs rows for people found by external_ref; a row
	// identical to a stored engagement is unchanged.
	ImportEngagements(ctx context.Context, a Actor, rows []EngagementRow, w ImportWrite) (ImportResult, error)
	// CreateImport records a new import, setting its ID and times.
	CreateImport(ctx context.Context, a Actor, im *Import) error
	// SaveImport stores an import's progress and outcome. ENOTFOUND.
	SaveImport(ctx context.Context, a Actor, im *Import) error
	// FindImport returns an import its owner or an admin asks for. ENOTFOUND.
	FindImport(ctx context.Context, a Actor, id int64) (*Import, error)
}

// Importer runs CSV imports in the background.
type Importer interface {
	// StartImport reads the header of csv, records the import and starts
	// it. EINVALID when the options or the header are wrong.
	StartImport(ctx context.Context, a Actor, o ImportOptions, csv []byte) (*Import, error)
	// FindImport returns an import, live while it runs. ENOTFOUND.
	FindImport(ctx context.Context, a Actor, id int64) (*Import, error)
}
