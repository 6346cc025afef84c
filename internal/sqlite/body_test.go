package sqlite_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"pathway/internal/pathway"
	"pathway/internal/sqlite"
	"pathway/internal/sqlite/sqlitetest"
	"pathway/internal/words"
)

// bodyFixture is a database with a coordinator and a body service on it.
type bodyFixture struct {
	db     *sqlite.DB
	bodies *sqlite.BodyService
	people *sqlite.ParticipantService
	actor  pathway.Actor
	today  pathway.Date
	n      int
}

func newBodyFixture(tb testing.TB) *bodyFixture {
	tb.Helper()
	db := sqlitetest.MustOpen(tb)
	u := &pathway.User{Email: "coordinator@example.org", Role: pathway.RoleCoordinator}
	if err := sqlite.NewUserService(db).CreateUser(context.Background(), pathway.Actor{Email: "test"}, u, "not a real hash"); err != nil {
		tb.Fatal(err)
	}
	return &bodyFixture{
		db:     db,
		bodies: sqlite.NewBodyService(db),
		people: sqlite.NewParticipantService(db),
		actor:  pathway.Actor{UserID: u.ID, Email: u.Email, Role: u.Role, RemoteAddr: "192.0.2.1"},
		today:  pathway.DateOf(time.Now(), time.UTC),
	}
}

// day is today plus n days.
func (f *bodyFixture) day(n int) pathway.Date { return f.today.AddDays(n) }

// person stores a participant who consented 5,000 days ago.
func (f *bodyFixture) person(tb testing.TB) int64 {
	tb.Helper()
	f.n++
	p, err := f.people.CreateParticipant(context.Background(), f.actor, pathway.NewParticipant{
		ExternalRef: fmt.Sprintf("CMS-%d", f.n),
		DisplayName: fmt.Sprintf("Person %d", f.n),
		Consent:     pathway.Consent{GivenOn: f.day(-5000), Method: pathway.ConsentWritten, Scopes: []pathway.ConsentScope{pathway.ScopeTracking}},
		Rung:        pathway.Observer,
	})
	if err != nil {
		tb.Fatal(err)
	}
	return p.ID
}

// body stores a committee with seats and a term limit (nil: none).
func (f *bodyFixture) body(tb testing.TB, seats, termLimit *int) int64 {
	tb.Helper()
	f.n++
	b := &pathway.Body{Name: fmt.Sprintf("Committee %d", f.n), Kind: pathway.Committee, Seats: seats, TermLimit: termLimit}
	if err := f.bodies.CreateBody(context.Background(), f.actor, b); err != nil {
		tb.Fatal(err)
	}
	return b.ID
}

// term is a span of days relative to today; open leaves it without an end.
type term struct {
	from, to int
	open     bool
}

func (f *bodyFixture) role(bodyID, participantID int64, t term) *pathway.BodyRole {
	r := &pathway.BodyRole{BodyID: bodyID, ParticipantID: participantID, Title: "Member", StartsOn: f.day(t.from)}
	if !t.open {
		end := f.day(t.to)
		r.EndsOn = &end
	}
	return r
}

func intp(n int) *int { return &n }

func TestBodySeatsCannotDropBelowTheFuturePeak(t *testing.T) {
	f := newBodyFixture(t)
	ctx := context.Background()
	bodyID := f.body(t, intp(3), nil)
	for _, tm := range []term{{from: -100, to: -1}, {from: -100, to: -1}, {from: -100, to: -1}, {from: 0, to: 10}, {from: 5, to: 20}} {
		if err := f.bodies.AddRole(ctx, f.actor, f.role(bodyID, f.person(t), tm)); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name     string
		seats    int
		conflict bool
	}{
		{"seats below the peak of current and future terms are refused", 1, true},
		{"seats at that peak are accepted, past terms aside", 2, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			seats := intp(tt.seats)
			b, err := f.bodies.UpdateBody(ctx, f.actor, bodyID, pathway.BodyUpdate{Seats: &seats})
			if tt.conflict {
				if pathway.ErrorCode(err) != pathway.ECONFLICT {
					t.Fatalf("error %v, want a conflict", err)
				}
				if msg := words.Field(words.English, pathway.ErrorFields(err)[0]); !strings.Contains(msg, f.day(5).String()) {
					t.Errorf("message %q does not name the busiest day %s", msg, f.day(5))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if *b.Seats != tt.seats || b.SeatsFilled != 1 || *b.SeatsOpen != 1 {
				t.Errorf("seats %d filled %d open %d; want %d, 1, 1", *b.Seats, b.SeatsFilled, *b.SeatsOpen, tt.seats)
			}
		})
	}
}
