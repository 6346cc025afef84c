package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"pathway/internal/pathway"
	"pathway/internal/sqlite"
)

// writeLoad creates participants on db until stop closes, each with its
// consent, first placement and audit entry in one transaction, and signals
// started once some have landed.
func writeLoad(t *testing.T, db *sqlite.DB, stop <-chan struct{}, started chan<- struct{}) *sync.WaitGroup {
	t.Helper()
	ctx := context.Background()
	users := sqlite.NewUserService(db)
	u := &pathway.User{Email: "staff@example.org", Role: pathway.RoleStaff}
	if err := users.CreateUser(ctx, cliActor, u, "not a real hash"); err != nil {
		t.Fatal(err)
	}
	staff := pathway.Actor{UserID: u.ID, Email: u.Email, Role: u.Role}
	ps := sqlite.NewParticipantService(db)
	today := pathway.DateOf(time.Now(), time.UTC)
	var wg sync.WaitGroup
	var once sync.Once
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				_, err := ps.CreateParticipant(ctx, staff, pathway.NewParticipant{
					ExternalRef: fmt.Sprintf("CMS-%d-%d", w, i), DisplayName: "Backup Load",
					Consent: pathway.Consent{GivenOn: today, Method: pathway.ConsentVerbal, Scopes: []pathway.ConsentScope{pathway.ScopeTracking}},
					Rung:    pathway.Observer,
				})
				if err != nil {
					t.Error(err)
					return
				}
				if i == 10 {
					once.Do(func() { close(started) })
				}
			}
		}()
	}
	return &wg
}

func TestBackupWhileServingWritesIsAConsistentCopyThatChecks(t *testing.T) {
	dir := t.TempDir()
	live := filepath.Join(dir, "live.db")
	db, err := openDB(live)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.Location = time.UTC
	stop, started := make(chan struct{}), make(chan struct{})
	wg := writeLoad(t, db, stop, started)
	<-started

	backup := filepath.Join(dir, "backup.db")
	out := mustCommand(t, "", "backup", "--db", live, "--to", backup)
	close(stop)
	wg.Wait()
	if !strings.Contains(out, backup) {
		t.Errorf("backup says %q, without naming the copy", out)
	}

	out = mustCommand(t, "", "check", "--db", backup)
	for _, want := range []string{"integrity:      ok", "result:         ok"} {
		if !strings.Contains(out, want) {
			t.Errorf("check output lacks %q:\n%s", want, out)
		}
	}

	// One snapshot: every participant in the copy has the placement and the
	// audit entry written in the same transaction, and nothing more.
	c, err := sql.Open("sqlite", "file:"+backup+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var people, placements, created int
	const q = `SELECT (SELECT count(*) FROM participants), (SELECT count(*) FROM placements),
(SELECT count(*) FROM audit_log WHERE action = 'participant.create')`
	if err := c.QueryRow(q).Scan(&people, &placements, &created); err != nil {
		t.Fatal(err)
	}
	if people == 0 || people != placements || people != created {
		t.Errorf("the copy holds %d participants, %d placements and %d creation entries; want the same non-zero number", people, placements, created)
	}

	if _, _, err := command(t, "", "backup", "--db", live, "--to", backup); err == nil {
		t.Error("a backup overwrote an existing file")
	}
	// A copy of the copy, as when backups are rotated.
	again := filepath.Join(dir, "backup-of-backup.db")
	mustCommand(t, "", "backup", "--db", backup, "--to", again)
	mustCommand(t, "", "check", "--db", again)
}

func TestCheckFailsAFileThatIsDamagedOrNotAtThisSchema(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.db")
	db, err := openDB(good)
	if err != nil {
		t.Fatal(err)
	}
	stop, started := make(chan struct{}), make(chan struct{})
	wg := writeLoad(t, db, stop, started)
	<-started
	close(stop)
	wg.Wait()
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	mustCommand(t, "", "check", "--db", good)

	variant := func(name string, change func(path string)) string {
		p := filepath.Join(dir, name+".db")
		b, err := os.ReadFile(good)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		change(p)
		return p
	}
	exec := func(path, stmt string) {
		c, err := sql.Open("sqlite", "file:"+path)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if _, err := c.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name string
		path string
		want string
	}{
		{"an older schema", variant("older", func(p string) {
			old := sqlite.NewDB(p)
			if err := old.OpenForMigration(); err != nil {
				t.Fatal(err)
			}
			defer old.Close()
			if err := old.Migrate("down"); err != nil {
				t.Fatal(err)
			}
		}), "this binary's latest"},
		{"a migration stopped part-way", variant("dirty", func(p string) { exec(p, `UPDATE schema_migrations SET dirty = 1`) }), "dirty"},
		{"damaged pages", variant("damaged", func(p string) {
			f, err := os.OpenFile(p, os.O_RDWR, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			fi, _ := f.Stat()
			junk := []byte(strings.Repeat("\xff\x00junk", 4096/6))
			for off := int64(4096 * 2); off < fi.Size()-4096; off += 4096 * 3 {
				if _, err := f.WriteAt(junk, off+100); err != nil {
					t.Fatal(err)
				}
			}
		}), "integrity"},
		{"no such file", filepath.Join(dir, "missing.db"), "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name+" fails the check", func(t *testing.T) {
			stdout, _, err := command(t, "", "check", "--db", tt.path)
			if err == nil {
				t.Fatalf("check passed:\n%s", stdout)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("check error %q does not say %q", err, tt.want)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "missing.db")); err == nil {
		t.Error("checking a missing file created it")
	}
}
