package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"pathway/internal/sqlite"
)

// checkCmd verifies a database file, such as a backup, without changing it.
func checkCmd(ctx context.Context, args []string, env *Env) error {
	fs := newFlags("check", env)
	path := fs.String("db", envOr(env, "PATHWAY_DB", "pathway.db"), "SQLite database file to verify (PATHWAY_DB)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("check: unexpected arguments %q", fs.Args())
	}
	r, err := sqlite.Check(ctx, *path)
	if err != nil {
		return err
	}
	out := env.Stdout
	fmt.Fprintf(out, "file:           %s\n", *path)
	fmt.Fprintf(out, "integrity:      %s\n", strings.Join(r.Integrity, "; "))
	dirty := ""
	if r.Dirty {
		dirty = ", dirty: a migration stopped part-way"
	}
	fmt.Fprintf(out, "schema version: %d (this binary's latest: %d%s)\n", r.Version, r.Latest, dirty)
	fmt.Fprintf(out, "participants:   %d\n", r.Participants)
	fmt.Fprintf(out, "audit entries:  %d\n", r.AuditEntries)
	if !r.OK() {
		fmt.Fprintln(out, "result:         FAILED")
		return errors.New("check: " + strings.Join(r.Problems(), "; "))
	}
	fmt.Fprintln(out, "result:         ok")
	return nil
}
