package csvimport

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"pathway/internal/pathway"
)

// skipBatch is how many rows an import that skips bad rows writes per
// transaction: large enough that committing costs little, small enough
// that other writes wait at most a fraction of a second.
const skipBatch = 5000

// Progress is told how many rows are done out of how many.
type Progress func(done, total int)

// Run imports the rows of f and returns what it did (or, in a dry run,
// would do). An import that aborts on errors, and a dry run, check every
// row in one transaction, so the answer is exactly what a real run does;
// an aborting import that finds a bad row writes nothing. An import that
// skips bad rows commits every skipBatch rows.
func Run(ctx context.Context, store pathway.ImportStore, a pathway.Actor, o pathway.ImportOptions, f *File, progress Progress) (pathway.ImportResult, error) {
	var (
		n       int
		readErr []pathway.ImportError
		batch   func(lo, hi int, w pathway.ImportWrite) (pathway.ImportResult, error)
	)
	switch f.Kind {
	case pathway.ImportParticipants:
		rows, errs := f.ParticipantRows()
		n, readErr = len(rows), errs
		batch = func(lo, hi int, w pathway.ImportWrite) (pathway.ImportResult, error) {
			return store.ImportParticipants(ctx, a, rows[lo:hi], w)
		}
	case pathway.ImportEngagements:
		rows, errs := f.EngagementRows()
		n, readErr = len(rows), errs
		batch = func(lo, hi int, w pathway.ImportWrite) (pathway.ImportResult, error) {
			return store.ImportEngagements(ctx, a, rows[lo:hi], w)
		}
	default:
		return pathway.ImportResult{}, pathway.Invalid("kind", "import.kind")
	}
	total := f.Len()
	bad := len(readErr)
	report := func(done int) {
		if progress != nil {
			progress(min(total, bad+done), total)
		}
	}
	var res pathway.ImportResult
	if !o.SkipErrors || o.DryRun {
		w := pathway.ImportWrite{Rollback: o.DryRun || (!o.SkipErrors && bad > 0), KeepGood: o.SkipErrors, Progress: report}
		r, err := batch(0, n, w)
		if err != nil {
			return res, err
		}
		res = r
		if !o.DryRun && !o.SkipErrors && (bad > 0 || len(r.Errors) > 0) {
			// Nothing was written.
			res.Created, res.Updated, res.Unchanged = 0, 0, 0
		}
	} else {
		for lo := 0; lo < n; lo += skipBatch {
			hi := min(n, lo+skipBatch)
			r, err := batch(lo, hi, pathway.ImportWrite{KeepGood: true, Progress: func(done int) { report(lo + done) }})
			if err != nil {
				return res, err
			}
			res.Created += r.Created
			res.Updated += r.Updated
			res.Unchanged += r.Unchanged
			res.Errors = append(res.Errors, r.Errors...)
		}
		report(n)
	}
	res.Errors = append(res.Errors, readErr...)
	slices.SortStableFunc(res.Errors, func(x, y pathway.ImportError) int { return x.Row - y.Row })
	return res, nil
}

// Runner runs imports in the background for the API. It owns their
// goroutines: Close stops them and waits.
type Runner struct {
	Store  pathway.ImportStore
	Logger *slog.Logger

	mu      sync.Mutex
	live    map[int64]*pathway.Import // imports running now, as they stand
	ctx     context.Context
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	closed  bool
	started bool
}

var _ pathway.Importer = (*Runner)(nil)

func (r *Runner) init() {
	if !r.started {
		r.ctx, r.cancel = context.WithCancel(context.Background())
		r.live = map[int64]*pathway.Import{}
		r.started = true
	}
}

// StartImport implements pathway.Importer.
func (r *Runner) StartImport(ctx context.Context, a pathway.Actor, o pathway.ImportOptions, data []byte) (*pathway.Import, error) {
	f, err := Read(data, o)
	if err != nil {
		return nil, err
	}
	im := &pathway.Import{Kind: o.Kind, Status: pathway.ImportRunning, DryRun: o.DryRun, OnError: o.OnError(), RowsTotal: f.Len(), Errors: []pathway.ImportError{}}
	r.mu.Lock()
	r.init()
	if r.closed {
		r.mu.Unlock()
		return nil, pathway.Errorf(pathway.EUNAVAILABLE, "import.shutting_down")
	}
	r.wg.Add(1) // Close waits for this import from here on
	r.mu.Unlock()
	if err := r.Store.CreateImport(ctx, a, im); err != nil {
		r.wg.Done()
		return nil, err
	}
	live, started := *im, *im // the goroutine changes im and live; the caller gets its own copy
	r.mu.Lock()
	r.live[im.ID] = &live
	r.mu.Unlock()
	go r.run(a, o, f, im)
	return &started, nil
}

// run carries out one import and records its outcome.
func (r *Runner) run(a pathway.Actor, o pathway.ImportOptions, f *File, im *pathway.Import) {
	defer r.wg.Done()
	progress := func(done, total int) {
		r.mu.Lock()
		if l := r.live[im.ID]; l != nil {
			l.RowsDone = done
		}
		r.mu.Unlock()
	}
	res, err := Run(r.ctx, r.Store, a, o, f, progress)
	im.Created, im.Updated, im.Unchanged, im.Errors = res.Created, res.Updated, res.Unchanged, res.Errors
	im.RowsDone, im.Status = im.RowsTotal, pathway.ImportDone
	if im.Errors == nil {
		im.Errors = []pathway.ImportError{}
	}
	if err != nil {
		im.Status, im.RowsDone, im.Created, im.Updated, im.Unchanged = pathway.ImportFailed, 0, 0, 0, 0
		msg := "The import stopped on a fault of ours; nothing of it was written after the last report."
		if errors.Is(err, context.Canceled) {
			msg = "The import was stopped when the service shut down; send it again."
		}
		im.Errors = append(im.Errors, pathway.ImportError{Row: 0, Field: "", Message: msg})
		if r.Logger != nil {
			r.Logger.Error("import failed", slog.Int64("import_id", im.ID), slog.String("error", err.Error()))
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := r.Store.SaveImport(ctx, a, im); err != nil && r.Logger != nil {
		r.Logger.Error("save import", slog.Int64("import_id", im.ID), slog.String("error", err.Error()))
	}
	r.mu.Lock()
	delete(r.live, im.ID)
	r.mu.Unlock()
}

// FindImport implements pathway.Importer.
func (r *Runner) FindImport(ctx context.Context, a pathway.Actor, id int64) (*pathway.Import, error) {
	im, err := r.Store.FindImport(ctx, a, id)
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if l := r.live[id]; l != nil && im.Status == pathway.ImportRunning {
		im.RowsDone = l.RowsDone
	}
	return im, nil
}

// Close stops running imports, waits for them to record how they ended,
// and refuses new ones. It may be called more than once.
func (r *Runner) Close() error {
	r.mu.Lock()
	r.init()
	r.closed = true
	r.cancel()
	r.mu.Unlock()
	r.wg.Wait()
	return nil
}

// Summary is the one-line account of an import the command line prints.
func Summary(im *pathway.Import) string {
	verb := "imported"
	if im.DryRun {
		verb = "checked (dry run, nothing written)"
	}
	return fmt.Sprintf("%d rows %s: %d created, %d updated, %d unchanged, %d errors", im.RowsTotal, verb, im.Created, im.Updated, im.Unchanged, len(im.Errors))
}
