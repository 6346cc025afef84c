package pathway_test

import (
	"testing"

	"pathway/internal/pathway"
)

// span is a term in days relative to today; open leaves it without an end.
type span struct {
	from, to int
	open     bool
}

func (s span) term() pathway.Term {
	t := pathway.Term{StartsOn: today.AddDays(s.from)}
	if !s.open {
		end := today.AddDays(s.to)
		t.EndsOn = &end
	}
	return t
}

func terms(spans []span) []pathway.Term {
	out := make([]pathway.Term, len(spans))
	for i, s := range spans {
		out[i] = s.term()
	}
	return out
}

func intp(n int) *int { return &n }

func TestConsecutiveTermsCountOnlyTheRunATermBelongsTo(t *testing.T) {
	tests := []struct {
		name   string
		others []span
		add    span
		want   int
	}{
		{name: "a first term is a run of one", add: span{from: 0, to: 100}, want: 1},
		{name: "back-to-back terms make one run", others: []span{{from: -730, to: -366}}, add: span{from: -365, to: 0}, want: 2},
		{name: "an open-ended term joins the run before it", others: []span{{from: -365, to: -1}}, add: span{open: true}, want: 2},
		{name: "a term after an open-ended one joins it", others: []span{{from: -365, open: true}}, add: span{from: 1000, to: 1100}, want: 2},
		{name: "a break of 364 days still counts as consecutive", others: []span{{from: -500, to: -365}}, add: span{from: 0, to: 100}, want: 2},
		{name: "a break of exactly a year resets the count", others: []span{{from: -500, to: -366}}, add: span{from: 0, to: 100}, want: 1},
		{name: "a break of 366 days resets the count", others: []span{{from: -500, to: -367}}, add: span{from: 0, to: 100}, want: 1},
		{name: "a term filling the gap between two runs joins them", others: []span{{from: -1000, to: -901}, {from: -100, to: 0}}, add: span{from: -900, to: -101}, want: 3},
		{name: "a term long before a run is judged on its own run", others: []span{{from: -150, to: -101}, {from: -100, to: -51}, {from: -50, to: 0}}, add: span{from: -1000, to: -800}, want: 1},
		{name: "a term just before a run joins it", others: []span{{from: -100, to: -51}, {from: -50, to: 0}}, add: span{from: -300, to: -200}, want: 3},
		{name: "only the run the new term belongs to counts", others: []span{{from: -2000, to: -1901}, {from: -1900, to: -1801}, {from: -100, to: -1}}, add: span{from: 0, to: 100}, want: 2},
		{name: "the order terms are given in does not matter", others: []span{{from: -100, to: -1}, {from: -1900, to: -1801}, {from: -2000, to: -1901}}, add: span{from: 0, to: 100}, want: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := pathway.ConsecutiveTerms(terms(tt.others), tt.add.term()); got != tt.want {
				t.Errorf("ConsecutiveTerms = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestPeakOccupancyIsFoundOverTheWholeSpan(t *testing.T) {
	tests := []struct {
		name     string
		held     []span
		span     span
		wantPeak int
		wantDay  int
	}{
		{name: "no terms held leaves the peak at zero on the first day", span: span{from: 3, to: 9}, wantPeak: 0, wantDay: 3},
		{name: "two terms that never overlap peak at one", held: []span{{from: 0, to: 10}, {from: 20, to: 30}}, span: span{from: 5, to: 25}, wantPeak: 1, wantDay: 5},
		{name: "two terms overlapping inside the span peak at two", held: []span{{from: 0, to: 10}, {from: 5, to: 30}}, span: span{from: 8, to: 9}, wantPeak: 2, wantDay: 8},
		{name: "the peak is found on a later start day", held: []span{{from: 0, to: 100}, {from: 50, to: 60}}, span: span{from: 10, to: 70}, wantPeak: 2, wantDay: 50},
		{name: "ends are inclusive", held: []span{{from: 10, to: 20}}, span: span{from: 0, to: 10}, wantPeak: 1, wantDay: 10},
		{name: "a term after the span is not counted", held: []span{{from: 10, to: 20}}, span: span{from: 0, to: 9}, wantPeak: 0, wantDay: 0},
		{name: "a term before the span is not counted", held: []span{{from: -100, to: -1}}, span: span{from: 0, open: true}, wantPeak: 0, wantDay: 0},
		{name: "an open-ended term counts on every later day", held: []span{{from: 0, open: true}}, span: span{from: 1000, to: 1010}, wantPeak: 1, wantDay: 1000},
		{name: "an open-ended span reaches a far future term", held: []span{{from: 1000, to: 1010}}, span: span{from: 0, open: true}, wantPeak: 1, wantDay: 1000},
		{name: "the first day of the highest peak is named", held: []span{{from: 0, to: 5}, {from: 3, to: 8}, {from: 7, to: 9}}, span: span{from: 0, to: 10}, wantPeak: 2, wantDay: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			peak, day := pathway.PeakOccupancy(terms(tt.held), tt.span.term())
			if want := today.AddDays(tt.wantDay); peak != tt.wantPeak || day != want {
				t.Errorf("PeakOccupancy = %d on %s, want %d on %s", peak, day, tt.wantPeak, want)
			}
		})
	}
}

func TestCheckTermKeepsTheBodysRulesInOrder(t *testing.T) {
	body := pathway.Body{Name: "Advisory board", Seats: intp(1), TermLimit: intp(1)}
	tests := []struct {
		name      string
		body      pathway.Body
		add       span
		own, held []span
		code      string // "" when the term is allowed
		field     string
	}{
		{name: "a term within every rule is allowed", body: body, add: span{from: 0, to: 100}},
		{name: "a term ending before it starts is invalid", body: body, add: span{from: 0, to: -1}, code: pathway.EINVALID, field: "ends_on"},
		{name: "a term overlapping the person's own is a conflict", body: body, add: span{from: 0, to: 100}, own: []span{{from: 50, to: 60}}, code: pathway.ECONFLICT, field: "participant_id"},
		{name: "a term in a full body is a conflict", body: body, add: span{from: 0, to: 100}, held: []span{{from: 50, to: 60}}, code: pathway.ECONFLICT, field: "starts_on"},
		{name: "a term past the limit is a conflict", body: body, add: span{from: 0, to: 100}, own: []span{{from: -100, to: -1}}, code: pathway.ECONFLICT, field: "starts_on"},
		{name: "without seats or a limit only the dates count", body: pathway.Body{Name: "Open"}, add: span{from: 0, to: 100}, own: []span{{from: -100, to: -1}}, held: []span{{from: 0, to: 100}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.body.CheckTerm(tt.add.term(), terms(tt.own), terms(tt.held))
			if tt.code == "" {
				if err != nil {
					t.Fatalf("CheckTerm = %v, want nil", err)
				}
				return
			}
			if pathway.ErrorCode(err) != tt.code {
				t.Fatalf("CheckTerm = %v, want %s", err, tt.code)
			}
			if fs := pathway.ErrorFields(err); len(fs) != 1 || fs[0].Field != tt.field {
				t.Errorf("fields %v, want one on %s", fs, tt.field)
			}
		})
	}
}

func TestCheckSeatsRefusesFewerSeatsThanThePeakFromToday(t *testing.T) {
	held := terms([]span{{from: -100, to: -1}, {from: -100, to: -1}, {from: 0, to: 10}, {from: 5, to: 20}})
	tests := []struct {
		name     string
		seats    *int
		conflict bool
	}{
		{name: "seats below the peak are refused", seats: intp(1), conflict: true},
		{name: "seats at the peak are accepted, past terms aside", seats: intp(2)},
		{name: "unlimited seats are accepted", seats: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := pathway.Body{Seats: tt.seats}.CheckSeats(held, today)
			if !tt.conflict {
				if err != nil {
					t.Fatalf("CheckSeats = %v, want nil", err)
				}
				return
			}
			if pathway.ErrorCode(err) != pathway.ECONFLICT {
				t.Fatalf("CheckSeats = %v, want a conflict", err)
			}
		})
	}
}
