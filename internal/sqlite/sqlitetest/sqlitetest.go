// Package sqlitetest sets up what tests across Pathway start from: a fresh,
// migrated database on a real SQLite file, and one account per role.
package sqlitetest

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"pathway/internal/pathway"
	"pathway/internal/secret"
	"pathway/internal/sqlite"
)

// Password is every test account's password.
const Password = "a long enough test password"

// MustOpen opens a fresh, migrated database file in the test's temporary
// folder, keeping dates in UTC, and closes it when the test ends.
func MustOpen(tb testing.TB) *sqlite.DB {
	tb.Helper()
	return MustOpenIn(tb, time.UTC)
}

// MustOpenIn is MustOpen for an organisation whose dates are kept in loc.
func MustOpenIn(tb testing.TB, loc *time.Location) *sqlite.DB {
	tb.Helper()
	db := sqlite.NewDB(filepath.Join(tb.TempDir(), "pathway.db"))
	db.Location = loc
	if err := db.Open(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

var (
	hashOnce sync.Once
	hashed   string
	hashErr  error
)

// PasswordHash returns the hash of Password, computed once for the whole run
// because hashing is slow on purpose.
func PasswordHash(tb testing.TB) string {
	tb.Helper()
	hashOnce.Do(func() { hashed, hashErr = secret.HashPassword(Password) })
	if hashErr != nil {
		tb.Fatal(hashErr)
	}
	return hashed
}

// Accounts creates one account per role, each named role@example.org with
// Password, and returns them by role.
func Accounts(tb testing.TB, users pathway.UserService) map[pathway.Role]pathway.User {
	tb.Helper()
	hash := PasswordHash(tb)
	out := make(map[pathway.Role]pathway.User, len(pathway.Roles))
	for _, role := range pathway.Roles {
		u := &pathway.User{Email: string(role) + "@example.org", Role: role}
		if err := users.CreateUser(context.Background(), pathway.Actor{Email: "test setup"}, u, hash); err != nil {
			tb.Fatal(err)
		}
		out[role] = *u
	}
	return out
}
