package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"pathway/internal/sqlite"
)

// backupCmd copies a database, served or not, to a new file.
func backupCmd(ctx context.Context, args []string, env *Env) error {
	fs := newFlags("backup", env)
	path := fs.String("db", envOr(env, "PATHWAY_DB", "pathway.db"), "SQLite database file to copy (PATHWAY_DB)")
	to := fs.String("to", "", "the new file to write the copy to; it must not exist")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *to == "" {
		return errors.New("backup: --to is required")
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("backup: unexpected arguments %q", fs.Args())
	}
	if err := sqlite.Backup(ctx, *path, *to); err != nil {
		return err
	}
	size := int64(0)
	if fi, err := os.Stat(*to); err == nil {
		size = fi.Size()
	}
	fmt.Fprintf(env.Stdout, "backed up %s to %s (%d bytes); verify it with: pathway check --db %s\n", *path, *to, size, *to)
	return nil
}
