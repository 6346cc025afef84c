package sqlite_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"pathway/internal/pathway"
	"pathway/internal/words"
)

func TestRoleTermLimitCountsConsecutiveTerms(t *testing.T) {
	tests := []struct {
		name     string
		limit    int
		existing []term // stored before the limit is set
		add      term
		conflict bool
	}{
		{name: "back-to-back terms up to the limit are allowed", limit: 2, existing: []term{{from: -730, to: -366}}, add: term{from: -365, to: 0}},
		{name: "one term past the limit is refused", limit: 2, existing: []term{{from: -1095, to: -731}, {from: -730, to: -366}}, add: term{from: -365, to: 0}, conflict: true},
		{name: "an open-ended term past the limit is refused", limit: 1, existing: []term{{from: -365, to: -1}}, add: term{open: true}, conflict: true},
		{name: "a break of 364 days still counts as consecutive", limit: 1, existing: []term{{from: -500, to: -365}}, add: term{from: 0, to: 100}, conflict: true},
		{name: "a break of 366 days resets the count", limit: 1, existing: []term{{from: -500, to: -367}}, add: term{from: 0, to: 100}},
		{name: "a term filling the gap between two runs joins them", limit: 2, existing: []term{{from: -1000, to: -901}, {from: -100, to: 0}}, add: term{from: -900, to: -101}, conflict: true},
		{name: "a term long before a run already past the limit is judged on its own run", limit: 2, existing: []term{{from: -150, to: -101}, {from: -100, to: -51}, {from: -50, to: 0}}, add: term{from: -1000, to: -800}},
		{name: "a term just before a full run joins it", limit: 2, existing: []term{{from: -100, to: -51}, {from: -50, to: 0}}, add: term{from: -300, to: -200}, conflict: true},
		{name: "only the run the new term belongs to counts", limit: 2, existing: []term{{from: -2000, to: -1901}, {from: -1900, to: -1801}, {from: -100, to: -1}}, add: term{from: 0, to: 100}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newBodyFixture(t)
			ctx := context.Background()
			bodyID := f.body(t, nil, nil)
			p := f.person(t)
			for _, ex := range tt.existing {
				if err := f.bodies.AddRole(ctx, f.actor, f.role(bodyID, p, ex)); err != nil {
					t.Fatal(err)
				}
			}
			limit := intp(tt.limit)
			if _, err := f.bodies.UpdateBody(ctx, f.actor, bodyID, pathway.BodyUpdate{TermLimit: &limit}); err != nil {
				t.Fatal(err)
			}
			err := f.bodies.AddRole(ctx, f.actor, f.role(bodyID, p, tt.add))
			got := pathway.ErrorCode(err)
			want := ""
			if tt.conflict {
				want = pathway.ECONFLICT
			}
			if got != want {
				t.Fatalf("error %v, want code %q", err, want)
			}
		})
	}
}

func TestRoleSeatOccupancyIsCheckedOverTheWholeTerm(t *testing.T) {
	tests := []struct {
		name     string
		seats    int
		existing []term
		add      term
		conflict bool
		wantDay  int // the first full day the refusal names
	}{
		{name: "two holders who never overlap leave a second seat", seats: 2, existing: []term{{from: 0, to: 10}, {from: 20, to: 30}}, add: term{from: 5, to: 25}},
		{name: "two holders overlapping inside the term fill both seats", seats: 2, existing: []term{{from: 0, to: 10}, {from: 5, to: 30}}, add: term{from: 8, to: 9}, conflict: true, wantDay: 8},
		{name: "the peak is found on a later start day", seats: 2, existing: []term{{from: 0, to: 100}, {from: 50, to: 60}}, add: term{from: 10, to: 70}, conflict: true, wantDay: 50},
		{name: "a term after the holder's end fits", seats: 1, existing: []term{{from: 0, to: 10}}, add: term{from: 11, open: true}},
		{name: "ends are inclusive", seats: 1, existing: []term{{from: 10, to: 20}}, add: term{from: 0, to: 10}, conflict: true, wantDay: 10},
		{name: "a term before the holder's start fits", seats: 1, existing: []term{{from: 10, to: 20}}, add: term{from: 0, to: 9}},
		{name: "an open-ended holder blocks any later term", seats: 1, existing: []term{{from: 0, open: true}}, add: term{from: 1000, to: 1010}, conflict: true, wantDay: 1000},
		{name: "an open-ended term is blocked by a far future holder", seats: 1, existing: []term{{from: 1000, to: 1010}}, add: term{from: 0, open: true}, conflict: true, wantDay: 1000},
		{name: "past holders no longer take a seat", seats: 1, existing: []term{{from: -100, to: -1}}, add: term{from: 0, open: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newBodyFixture(t)
			ctx := context.Background()
			bodyID := f.body(t, intp(tt.seats), nil)
			for _, ex := range tt.existing {
				if err := f.bodies.AddRole(ctx, f.actor, f.role(bodyID, f.person(t), ex)); err != nil {
					t.Fatal(err)
				}
			}
			err := f.bodies.AddRole(ctx, f.actor, f.role(bodyID, f.person(t), tt.add))
			if !tt.conflict {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if pathway.ErrorCode(err) != pathway.ECONFLICT {
				t.Fatalf("error %v, want a conflict", err)
			}
			msg := words.Field(words.English, pathway.ErrorFields(err)[0])
			if day := f.day(tt.wantDay).String(); !strings.Contains(msg, day) {
				t.Errorf("message %q does not name the first full day %s", msg, day)
			}
		})
	}
}

func TestRoleSeatLimitHoldsAgainstConcurrentWriters(t *testing.T) {
	f := newBodyFixture(t)
	ctx := context.Background()
	bodyID := f.body(t, intp(3), nil)
	const n = 20
	people := make([]int64, n)
	for i := range people {
		people[i] = f.person(t)
	}
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range people {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = f.bodies.AddRole(ctx, f.actor, f.role(bodyID, people[i], term{from: 0, open: true}))
		}()
	}
	wg.Wait()
	codes := map[string]int{}
	for _, err := range errs {
		codes[pathway.ErrorCode(err)]++
	}
	if diff := cmp.Diff(map[string]int{"": 3, pathway.ECONFLICT: n - 3}, codes); diff != "" {
		t.Errorf("outcomes by error code (-want +got):\n%s", diff)
	}
	r, err := f.bodies.Roster(ctx, f.actor, bodyID, pathway.Date{})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Roles) != 3 || r.SeatsFilled != 3 || *r.SeatsOpen != 0 {
		t.Errorf("roster has %d roles, %d filled, %d open; want 3, 3, 0", len(r.Roles), r.SeatsFilled, *r.SeatsOpen)
	}
}

func TestATermLimitCheckReportsAStoredDateItCannotRead(t *testing.T) {
	f := newBodyFixture(t)
	ctx := context.Background()
	bodyID := f.body(t, nil, intp(1))
	p := f.person(t)
	old := f.role(bodyID, p, term{from: -400, to: -300})
	if err := f.bodies.AddRole(ctx, f.actor, old); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.Writer().ExecContext(ctx, `UPDATE roles SET starts_on = '2020-01-01', ends_on = '2020-13-01' WHERE id = ?`, old.ID); err != nil {
		t.Fatal(err)
	}
	err := f.bodies.AddRole(ctx, f.actor, f.role(bodyID, p, term{from: 0, to: 100}))
	if code := pathway.ErrorCode(err); code != pathway.EINTERNAL {
		t.Fatalf("error %v (code %q), want the fault reading the earlier term (%q)", err, code, pathway.EINTERNAL)
	}
}
