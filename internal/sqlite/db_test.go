package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"pathway/internal/pathway"
	"pathway/internal/sqlite"
	"pathway/internal/sqlite/sqlitetest"
)

// pragmas reads the settings every connection must carry.
type pragmas struct {
	JournalMode  string
	ForeignKeys  int
	SecureDelete int
	BusyTimeout  int
	Synchronous  int
	QueryOnly    int
}

func readPragmas(ctx context.Context, conn *sql.Conn) (pragmas, error) {
	var p pragmas
	for _, q := range []struct {
		pragma string
		dst    any
	}{
		{"journal_mode", &p.JournalMode},
		{"foreign_keys", &p.ForeignKeys},
		{"secure_delete", &p.SecureDelete},
		{"busy_timeout", &p.BusyTimeout},
		{"synchronous", &p.Synchronous},
		{"query_only", &p.QueryOnly},
	} {
		if err := conn.QueryRowContext(ctx, "PRAGMA "+q.pragma).Scan(q.dst); err != nil {
			return p, fmt.Errorf("PRAGMA %s: %w", q.pragma, err)
		}
	}
	return p, nil
}

// checkPragmas fails the test unless p has the settings of the DSN.
func checkPragmas(t *testing.T, name string, p pragmas, queryOnly int) {
	t.Helper()
	if p.JournalMode != "wal" {
		t.Errorf("%s: journal_mode = %q, want wal", name, p.JournalMode)
	}
	if p.ForeignKeys != 1 {
		t.Errorf("%s: foreign_keys = %d, want 1", name, p.ForeignKeys)
	}
	if p.SecureDelete != 1 {
		t.Errorf("%s: secure_delete = %d, want 1", name, p.SecureDelete)
	}
	if p.BusyTimeout <= 0 {
		t.Errorf("%s: busy_timeout = %d, want > 0", name, p.BusyTimeout)
	}
	if p.Synchronous != 1 {
		t.Errorf("%s: synchronous = %d, want 1 (NORMAL)", name, p.Synchronous)
	}
	if p.QueryOnly != queryOnly {
		t.Errorf("%s: query_only = %d, want %d", name, p.QueryOnly, queryOnly)
	}
}

func TestPragmasReachEveryPooledConnection(t *testing.T) {
	db := sqlitetest.MustOpen(t)
	ctx := context.Background()

	// Hold several reader connections at once, so each is a different one.
	const readers = 4
	conns := make([]*sql.Conn, readers)
	for i := range conns {
		c, err := db.Reader().Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		conns[i] = c
	}
	for i, c := range conns {
		p, err := readPragmas(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		checkPragmas(t, fmt.Sprintf("reader %d", i), p, 1)
	}
	if got := db.Reader().Stats().OpenConnections; got < readers {
		t.Fatalf("reader pool has %d open connections, want at least %d", got, readers)
	}

	w, err := db.Writer().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	p, err := readPragmas(ctx, w)
	if err != nil {
		t.Fatal(err)
	}
	checkPragmas(t, "writer", p, 0)
}

func TestReaderConnectionsCannotWrite(t *testing.T) {
	db := sqlitetest.MustOpen(t)
	_, err := db.Reader().Exec(`INSERT INTO programs (name, rung, created_at, updated_at) VALUES ('x', 1, 'now', 'now')`)
	if err == nil {
		t.Fatal("a reader connection accepted a write")
	}
}

// fixture is a database with an admin and one participant.
type fixture struct {
	db          *sqlite.DB
	actor       pathway.Actor
	participant *pathway.Participant
	today       pathway.Date
}

func newFixture(tb testing.TB) *fixture {
	tb.Helper()
	db := sqlitetest.MustOpen(tb)
	ctx := context.Background()
	u := &pathway.User{Email: "admin@example.org", Role: pathway.RoleAdmin}
	if err := sqlite.NewUserService(db).CreateUser(ctx, pathway.Actor{Email: "test"}, u, "not a real hash"); err != nil {
		tb.Fatal(err)
	}
	f := &fixture{
		db:    db,
		actor: pathway.Actor{UserID: u.ID, Email: u.Email, Role: u.Role, RemoteAddr: "192.0.2.1"},
		today: pathway.DateOf(time.Now(), time.UTC),
	}
	var err error
	f.participant, err = sqlite.NewParticipantService(db).CreateParticipant(ctx, f.actor, pathway.NewParticipant{
		ExternalRef: "CMS-1",
		DisplayName: "Test Person",
		Consent:     pathway.Consent{GivenOn: f.today.AddDays(-30), Method: pathway.ConsentWritten, Scopes: []pathway.ConsentScope{pathway.ScopeTracking}},
		Rung:        pathway.Observer,
	})
	if err != nil {
		tb.Fatal(err)
	}
	return f
}

func TestConcurrentWritersNeverSeeDatabaseLocked(t *testing.T) {
	f := newFixture(t)
	ps := sqlite.NewParticipantService(f.db)
	const writers, each = 16, 50
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	var wg sync.WaitGroup
	errs := make(chan error, writers*each)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				var err error
				switch i % 5 {
				case 0: // an identifiable read is audited, so it writes too
					_, err = ps.FindParticipant(ctx, f.actor, f.participant.ID)
				case 1:
					_, err = ps.CreateParticipant(ctx, f.actor, pathway.NewParticipant{
						ExternalRef: fmt.Sprintf("CMS-%d-%d", w, i),
						DisplayName: "Writer",
						Consent:     pathway.Consent{GivenOn: f.today, Method: pathway.ConsentVerbal, Scopes: []pathway.ConsentScope{pathway.ScopeTracking}},
						Rung:        pathway.Follower,
					})
				default:
					err = ps.AddEngagement(ctx, f.actor, f.participant.ID, &pathway.Engagement{OccurredOn: f.today, Activity: "community meeting"})
				}
				if err != nil {
					errs <- fmt.Errorf("writer %d, write %d: %w", w, i, err)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if strings.Contains(err.Error(), "database is locked") || strings.Contains(err.Error(), "SQLITE_BUSY") {
			t.Errorf("a writer saw the database locked: %v", err)
		} else {
			t.Error(err)
		}
	}

	es, err := ps.ListEngagements(ctx, f.actor, f.participant.ID)
	if err != nil {
		t.Fatal(err)
	}
	if want := writers * each * 3 / 5; len(es) != want {
		t.Errorf("%d engagements stored, want %d", len(es), want)
	}
	var created int
	if err := f.db.Reader().QueryRow(`SELECT count(*) FROM participants`).Scan(&created); err != nil {
		t.Fatal(err)
	}
	if want := 1 + writers*each/5; created != want {
		t.Errorf("%d participants stored, want %d", created, want)
	}
}

func TestWritesQueueBehindAnotherProcessWriter(t *testing.T) {
	// A second handle on the same file stands in for a command such as
	// "pathway user add" run while the service is up: its writes wait on
	// busy_timeout rather than fail.
	f := newFixture(t)
	other := sqlite.NewDB(f.db.Path)
	other.Location = time.UTC
	if err := other.Open(); err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	a, b := sqlite.NewParticipantService(f.db), sqlite.NewParticipantService(other)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var failures []error
	for _, ps := range []*sqlite.ParticipantService{a, b, a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 25 {
				if err := ps.AddEngagement(ctx, f.actor, f.participant.ID, &pathway.Engagement{OccurredOn: f.today, Activity: "rally"}); err != nil {
					mu.Lock()
					failures = append(failures, err)
					mu.Unlock()
					return
				}
			}
		}()
	}
	wg.Wait()
	for _, err := range failures {
		t.Error(err)
	}
	if len(failures) > 0 {
		return
	}
	es, err := a.ListEngagements(ctx, f.actor, f.participant.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 100 {
		t.Errorf("%d engagements stored, want 100", len(es))
	}
}

func TestAStatementRunsAgainWhileItsOwnRowsAreOpen(t *testing.T) {
	// Connections keep their statements prepared; a query nested in the
	// rows of the same query must get a statement of its own.
	f := newFixture(t)
	ctx := context.Background()
	ps := sqlite.NewParticipantService(f.db)
	for i := range 3 {
		if err := ps.AddEngagement(ctx, f.actor, f.participant.ID, &pathway.Engagement{OccurredOn: f.today, Activity: fmt.Sprint("meeting ", i)}); err != nil {
			t.Fatal(err)
		}
	}
	tx, err := f.db.Reader().BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	const q = `SELECT activity FROM engagements WHERE participant_id = ? ORDER BY id`
	for round := range 2 { // the second round reuses the statements of the first
		rows, err := tx.QueryContext(ctx, q, f.participant.ID)
		if err != nil {
			t.Fatal(err)
		}
		var outer, inner []string
		for rows.Next() {
			var a string
			if err := rows.Scan(&a); err != nil {
				t.Fatal(err)
			}
			outer = append(outer, a)
			var first string
			if err := tx.QueryRowContext(ctx, q, f.participant.ID).Scan(&first); err != nil {
				t.Fatalf("round %d: nested query: %v", round, err)
			}
			inner = append(inner, first)
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
		if want := []string{"meeting 0", "meeting 1", "meeting 2"}; !slices.Equal(outer, want) {
			t.Errorf("round %d: outer rows %q, want %q", round, outer, want)
		}
		if want := []string{"meeting 0", "meeting 0", "meeting 0"}; !slices.Equal(inner, want) {
			t.Errorf("round %d: nested rows %q, want %q", round, inner, want)
		}
	}
}

func TestManyDistinctStatementsStillRun(t *testing.T) {
	// More distinct statements than a connection keeps prepared.
	db := sqlitetest.MustOpen(t)
	for n := 1; n <= 400; n++ {
		var got int
		if err := db.Reader().QueryRow(fmt.Sprintf(`SELECT %d`, n)).Scan(&got); err != nil || got != n {
			t.Fatalf("SELECT %d: %d, %v", n, got, err)
		}
	}
}
