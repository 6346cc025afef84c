// Package migrations holds the database schema as numbered golang-migrate
// files, embedded into the binary.
package migrations

import "embed"

// FS holds every *.sql migration.
//
//go:embed *.sql
var FS embed.FS
