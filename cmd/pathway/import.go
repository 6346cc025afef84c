package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"pathway/internal/csvimport"
	"pathway/internal/pathway"
	"pathway/internal/sqlite"
)

// importCmd imports a CSV export of the case-management system:
//
//	pathway import --db F --kind participants|engagements [--dry-run] [--on-error abort|skip] [--map M] [--as EMAIL] FILE
func importCmd(ctx context.Context, args []string, env *Env) error {
	fs := newFlags("import", env)
	path := fs.String("db", envOr(env, "PATHWAY_DB", "pathway.db"), "SQLite database file (PATHWAY_DB)")
	kind := fs.String("kind", "", "participants or engagements")
	dryRun := fs.Bool("dry-run", false, "check every row as a real run would, and write nothing")
	onError := fs.String("on-error", "abort", "abort (write nothing if any row fails) or skip (import the good rows)")
	mapping := fs.String("map", "", "your own column names, e.g. display_name:Client Name,external_ref:Client ID")
	as := fs.String("as", "", "the account the import is recorded as (default: the first admin)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("import: give one FILE, or - for standard input")
	}
	if *onError != "abort" && *onError != "skip" {
		return fmt.Errorf("--on-error: %q is neither abort nor skip", *onError)
	}
	cols, err := csvimport.ParseColumnMap(*mapping)
	if err != nil {
		return fmt.Errorf("--map: %s", describe(err))
	}
	o := pathway.ImportOptions{Kind: pathway.ImportKind(*kind), DryRun: *dryRun, SkipErrors: *onError == "skip", Columns: cols}
	var data []byte
	if name := fs.Arg(0); name == "-" {
		data, err = io.ReadAll(env.Stdin)
	} else {
		data, err = os.ReadFile(name)
	}
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	f, err := csvimport.Read(data, o)
	if err != nil {
		return fmt.Errorf("import: %s", describe(err))
	}
	db, err := openDB(*path)
	if err != nil {
		return err
	}
	defer db.Close()
	a, err := importActor(ctx, db, *as)
	if err != nil {
		return err
	}
	bar := newProgressBar(env.Stderr)
	start := time.Now()
	res, err := csvimport.Run(ctx, sqlite.NewImportStore(db), a, o, f, bar.update)
	bar.done()
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	im := &pathway.Import{Kind: o.Kind, DryRun: o.DryRun, RowsTotal: f.Len(), Created: res.Created, Updated: res.Updated, Unchanged: res.Unchanged, Errors: res.Errors}
	for _, e := range res.Errors {
		field := e.Field
		if field == "" {
			field = "row"
		}
		fmt.Fprintf(env.Stderr, "row %d, %s: %s\n", e.Row, field, e.Message)
	}
	fmt.Fprintf(env.Stdout, "%s in %s\n", csvimport.Summary(im), time.Since(start).Round(time.Millisecond))
	if len(res.Errors) > 0 {
		if !o.SkipErrors && !o.DryRun {
			return fmt.Errorf("import: %d errors, so nothing was written (fix them, or use --on-error skip)", len(res.Errors))
		}
		return fmt.Errorf("import: %d rows had errors", len(res.Errors))
	}
	return nil
}

// importActor is the account an import from the command line acts as, so
// that consents record who entered them and the audit trail says who.
func importActor(ctx context.Context, db *sqlite.DB, email string) (pathway.Actor, error) {
	users, err := offline(db).Users.ListUsers(ctx, cliActor)
	if err != nil {
		return pathway.Actor{}, fmt.Errorf("import: %w", err)
	}
	for _, u := range users {
		if u.DisabledAt != nil {
			continue
		}
		if (email == "" && u.Role == pathway.RoleAdmin) || (email != "" && strings.EqualFold(u.Email, email)) {
			if !u.Role.Can(pathway.WritePeople) {
				return pathway.Actor{}, fmt.Errorf("--as: %s is %s, who may not record participants", u.Email, u.Role)
			}
			return pathway.Actor{UserID: u.ID, Email: u.Email, Role: u.Role, ProgramIDs: u.ProgramIDs, RemoteAddr: "local (pathway import)"}, nil
		}
	}
	if email != "" {
		return pathway.Actor{}, fmt.Errorf("--as: no active account %s", email)
	}
	return pathway.Actor{}, errors.New("import: no active admin to record the import as; give --as EMAIL")
}

// progressBar draws rows done, rate and time left on a terminal, at most
// ten times a second; on anything else it draws nothing.
type progressBar struct {
	w       io.Writer
	on      bool
	start   time.Time
	mu      sync.Mutex
	last    time.Time
	drawn   bool
	current string
}

func newProgressBar(w io.Writer) *progressBar {
	f, ok := w.(*os.File)
	on := false
	if ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			on = true
		}
	}
	return &progressBar{w: w, on: on, start: time.Now()}
}

func (b *progressBar) update(done, total int) {
	if !b.on {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	now := time.Now()
	if now.Sub(b.last) < 100*time.Millisecond && done < total {
		return
	}
	b.last = now
	fmt.Fprint(b.w, "\r"+progressLine(done, total, now.Sub(b.start)))
	b.drawn = true
}

func (b *progressBar) done() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.drawn {
		fmt.Fprintln(b.w)
	}
}

// progressLine is one frame of the bar: "[#####.....] 5000/10000 rows  2500 rows/s  2s left".
func progressLine(done, total int, elapsed time.Duration) string {
	const width = 30
	filled := width
	if total > 0 {
		filled = done * width / total
	}
	rate := 0.0
	if s := elapsed.Seconds(); s > 0 {
		rate = float64(done) / s
	}
	left := "—"
	if rate > 0 {
		left = (time.Duration(float64(total-done)/rate) * time.Second).Round(time.Second).String()
	}
	return fmt.Sprintf("[%s%s] %d/%d rows  %.0f rows/s  %s left ", strings.Repeat("#", filled), strings.Repeat(".", width-filled), done, total, rate, left)
}
