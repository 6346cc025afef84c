package pathway

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// Role is what an account may do. Every user has exactly one.
type Role string

// The four roles.
const (
	RoleAdmin       Role = "admin"       // accounts, tokens, settings, audit; sees everything
	RoleStaff       Role = "staff"       // consent, placements, engagement, check-ins
	RoleCoordinator Role = "coordinator" // bodies, seats, terms, speaking engagements
	RoleLeadership  Role = "leadership"  // anonymised aggregates only
)

// Roles lists every role.
var Roles = []Role{RoleAdmin, RoleStaff, RoleCoordinator, RoleLeadership}

// ParseRole returns the role named s, or an error.
func ParseRole(s string) (Role, error) {
	for _, r := range Roles {
		if string(r) == s {
			return r, nil
		}
	}
	return "", fmt.Errorf("unknown role %q", s)
}

// Language is a language Pathway speaks to a person in: an account, or a
// participant through their personal link.
type Language string

// The languages Pathway speaks.
const (
	English Language = "en"
	Spanish Language = "es"
)

// Languages lists every language, the default first.
var Languages = []Language{English, Spanish}

// ParseLanguage returns the language with the code s, or an error.
func ParseLanguage(s string) (Language, error) {
	for _, l := range Languages {
		if string(l) == s {
			return l, nil
		}
	}
	return "", fmt.Errorf("unknown language %q", s)
}

// MinPasswordLength is the shortest password an account may have.
const MinPasswordLength = 12

// MaxPasswordLength is the longest password an account may have; it bounds
// the work of hashing one.
const MaxPasswordLength = 1024

// Sign-in throttling: one client address may try MaxWrongPasswords wrong
// passwords for an email, then one more every WrongPasswordEvery. It holds
// per client and email, never for the account as a whole, so that nobody
// can lock another person out of their account.
const (
	MaxWrongPasswords  = 5
	WrongPasswordEvery = 5 * time.Minute
)

// SeesPeople reports whether the role may read identifiable participant records.
func (r Role) SeesPeople() bool { return r.Can(ReadPeople) }

// Ability is one kind of thing an account may do; each role holds a fixed
// set of them. Reading the ladder and the programs needs no ability: every
// signed-in account may.
type Ability string

// The abilities.
const (
	ReadPeople   Ability = "read_people"   // read identifiable participant records
	WritePeople  Ability = "write_people"  // enrol people, record consent, placements, engagement, check-ins
	EditPrograms Ability = "edit_programs" // add and change programs on the ladder
	ReadBodies   Ability = "read_bodies"   // read bodies' rosters, roles, talks and suggestions
	RunBodies    Ability = "run_bodies"    // manage bodies, seats, terms and speaking engagements
	ReadReports  Ability = "read_reports"  // read the anonymised reports
	Administer   Ability = "administer"    // accounts, API tokens and the audit log
)

// Abilities lists every ability.
var Abilities = []Ability{ReadPeople, WritePeople, EditPrograms, ReadBodies, RunBodies, ReadReports, Administer}

// abilityRoles says which roles hold each ability.
var abilityRoles = map[Ability][]Role{
	ReadPeople:   {RoleAdmin, RoleStaff, RoleCoordinator},
	WritePeople:  {RoleAdmin, RoleStaff},
	EditPrograms: {RoleAdmin, RoleStaff},
	ReadBodies:   {RoleAdmin, RoleStaff, RoleCoordinator},
	RunBodies:    {RoleAdmin, RoleCoordinator},
	ReadReports:  {RoleAdmin, RoleLeadership},
	Administer:   {RoleAdmin},
}

// Roles returns the roles that hold ab, in the order of Roles.
func (ab Ability) Roles() []Role {
	var out []Role
	for _, r := range Roles {
		if slices.Contains(abilityRoles[ab], r) {
			out = append(out, r)
		}
	}
	return out
}

// Can reports whether the role holds ab.
func (r Role) Can(ab Ability) bool { return slices.Contains(abilityRoles[ab], r) }

// Abilities returns the abilities the role holds, in the order of Abilities;
// never nil.
func (r Role) Abilities() []Ability {
	out := []Ability{}
	for _, ab := range Abilities {
		if r.Can(ab) {
			out = append(out, ab)
		}
	}
	return out
}

// User is an account of a person who works with Pathway.
type User struct {
	ID         int64      `json:"id"`
	Email      string     `json:"email"`
	Role       Role       `json:"role"`
	ProgramIDs []int64    `json:"program_ids"` // caseload; empty means every participant
	CreatedAt  time.Time  `json:"created_at"`
	DisabledAt *time.Time `json:"disabled_at"`
	Language   Language   `json:"language"`
	// MustChangePassword is set by an admin's one-time reset: until the
	// person chooses a password of their own, a session may only do that.
	MustChangePassword bool `json:"must_change_password"`
}

// Actor is who is doing something, and from where. Every service call takes
// one, so that access rules and the audit trail cannot be bypassed.
type Actor struct {
	UserID     int64
	Email      string
	Role       Role
	ProgramIDs []int64 // caseload of a staff user; empty means unscoped
	RemoteAddr string
	// MustChangePassword says the account signed in with a one-time
	// password and may do nothing else until it chooses its own.
	MustChangePassword bool
	// ExpiresAt is when the credential behind the actor (an API token or a
	// session) stops working; nil for never. A cache of actors must not
	// serve one past it.
	ExpiresAt *time.Time
}

// Scoped reports whether a's view of participants is limited to a caseload.
func (a Actor) Scoped() bool { return a.Role == RoleStaff && len(a.ProgramIDs) > 0 }

// UserUpdate holds the fields of an account to change; nil leaves a field alone.
type UserUpdate struct {
	Role         *Role
	PasswordHash *string
	Disabled     *bool
	ProgramIDs   *[]int64
}

// AccountChange is what a person changes about their own account; nil
// leaves a field alone.
type AccountChange struct {
	PasswordHash *string
	Language     *Language
	// KeepSession is the hash of the session the change is made from: a new
	// password ends every other session of the account, not this one.
	KeepSession []byte
}

// Credentials is what the store keeps to check a login.
type Credentials struct {
	User         User
	PasswordHash string
}

// APIToken describes an integration token. The secret itself is shown once
// when issued and only its hash is stored.
type APIToken struct {
	ID         int64      `json:"id"`
	UserID     int64      `json:"user_id"`
	Email      string     `json:"email"`
	Name       string     `json:"name"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
	ExpiresAt  *time.Time `json:"expires_at"` // nil: works until revoked
}

// Usable reports whether the token still works at now: not revoked and not
// past its expiry.
func (t APIToken) Usable(now time.Time) bool {
	return t.RevokedAt == nil && (t.ExpiresAt == nil || now.Before(*t.ExpiresAt))
}

// MaxTokenDays bounds how far ahead a token's expiry may be set.
const MaxTokenDays = 3650

// Session is a signed-in browser. The cookie value is shown once; only its
// hash is stored.
type Session struct {
	UserID    int64
	CSRFToken string
	ExpiresAt time.Time
}

// UserService manages accounts, sessions and API tokens.
type UserService interface {
	// CreateUser stores u with the given password hash. ECONFLICT on a duplicate email.
	CreateUser(ctx context.Context, a Actor, u *User, passwordHash string) error
	// CountUsers returns the number of accounts.
	CountUsers(ctx context.Context) (int, error)
	// FindUser returns one account. ENOTFOUND.
	FindUser(ctx context.Context, a Actor, id int64) (*User, error)
	// ListUsers returns every account.
	ListUsers(ctx context.Context, a Actor) ([]User, error)
	// ChangeOwnAccount applies a person's change to their own account: a
	// new password clears a one-time reset and ends the account's other
	// sessions. ENOTFOUND.
	ChangeOwnAccount(ctx context.Context, a Actor, ch AccountChange) (*User, error)
	// ResetPassword gives account id a one-time password (its hash), to be
	// replaced at the next sign-in, and ends its sessions. ENOTFOUND.
	ResetPassword(ctx context.Context, a Actor, id int64, passwordHash string) (*User, error)
	// UpdateUser applies upd. ENOTFOUND, EINVALID for unknown programs.
	UpdateUser(ctx context.Context, a Actor, id int64, upd UserUpdate) (*User, error)
	// CredentialsByEmail returns what is needed to check a login. ENOTFOUND.
	CredentialsByEmail(ctx context.Context, email string) (*Credentials, error)
	// RecordLogin records a login attempt's outcome and opens a session on
	// success; userID is 0 for a failed attempt on an unknown email.
	RecordLogin(ctx context.Context, userID int64, ok bool, remoteAddr string, session *Session, sessionHash []byte) error
	// Unlock clears the failed-login count and any lock of the account with
	// email. ENOTFOUND.
	Unlock(ctx context.Context, a Actor, email string) error
	// ActorBySession returns the actor behind a session cookie hash and the
	// session's CSRF token. EUNAUTHORIZED when unknown, expired or disabled.
	ActorBySession(ctx context.Context, sessionHash []byte) (*Actor, string, error)
	// DeleteSession signs a browser out.
	DeleteSession(ctx context.Context, a Actor, sessionHash []byte) error
	// ActorByToken returns the actor behind an API token hash, with the
	// token's expiry. EUNAUTHORIZED when unknown, revoked, expired or the
	// account is disabled.
	ActorByToken(ctx context.Context, tokenHash []byte) (*Actor, error)
	// CreateToken stores a token hash that never expires for the user with
	// email. EINVALID for an unknown email.
	CreateToken(ctx context.Context, a Actor, email, name string, tokenHash []byte) (*APIToken, error)
	// CreateTokenUntil is CreateToken for a token that stops working at
	// expiresAt (nil: never). EINVALID for an unknown email.
	CreateTokenUntil(ctx context.Context, a Actor, email, name string, expiresAt *time.Time, tokenHash []byte) (*APIToken, error)
	// ListTokens returns every token, revoked ones included.
	ListTokens(ctx context.Context, a Actor) ([]APIToken, error)
	// RevokeToken stops a token from working. ENOTFOUND.
	RevokeToken(ctx context.Context, a Actor, id int64) error
}
