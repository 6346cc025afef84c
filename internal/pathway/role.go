package pathway

import (
	"slices"
	"time"
)

// BodyRole is one term a participant holds in a body. Every term is its own
// row, so the roster on any past date can be answered.
type BodyRole struct {
	ID            int64     `json:"id"`
	BodyID        int64     `json:"body_id"`
	BodyName      string    `json:"body_name"`
	BodyKind      BodyKind  `json:"body_kind"`
	ParticipantID int64     `json:"participant_id"`
	DisplayName   string    `json:"display_name"`
	Title         string    `json:"title"`
	StartsOn      Date      `json:"starts_on"`
	EndsOn        *Date     `json:"ends_on"` // nil: open-ended; inclusive
	RecordedAt    time.Time `json:"recorded_at"`
	RecordedBy    string    `json:"recorded_by"`

	// PublicName is how a roster names the holder, on screen, in print and
	// in the CSV alike: their name with public_story consent, nil without
	// it (the roster then says UnnamedMember). Set by SetPublicStory.
	PublicName *string `json:"public_name"`

	// For exports, never sent as JSON: the holder's case-management
	// reference and whether they agreed to public-facing activity.
	ExternalRef string `json:"-"`
	PublicStory bool   `json:"-"`
}

// UnnamedMember is what a roster says in place of the name of someone
// without public_story consent: that a member is there, not who.
const UnnamedMember = "Member without public-story consent"

// SetPublicStory records whether the holder agreed to public-facing
// activity, and with it the name a roster may show.
func (r *BodyRole) SetPublicStory(ok bool) {
	r.PublicStory, r.PublicName = ok, nil
	if ok {
		name := r.DisplayName
		r.PublicName = &name
	}
}

// RosterName is the holder's name on a roster: PublicName, or
// UnnamedMember without public_story consent.
func (r BodyRole) RosterName() string {
	if r.PublicName != nil {
		return *r.PublicName
	}
	return UnnamedMember
}

// ActiveOn reports whether the role is held on day d.
func (r BodyRole) ActiveOn(d Date) bool { return r.Term().HeldOn(d) }

// RoleFilter narrows a role listing. Zero values match everything.
type RoleFilter struct {
	BodyID             int64
	ParticipantID      int64
	Active             *bool // held today, or not
	EndingWithinDays   *int  // ends between today and today+n
	StartingWithinDays *int  // starts after today, by today+n
}

// RoleUpdate changes a term: end it, extend it, reopen it (EndsOn set to
// nil), or retitle it. A nil field is left alone.
type RoleUpdate struct {
	Title  *string
	EndsOn **Date
}

// ConsecutiveGapDays is the longest break between two terms that still
// counts them as consecutive for a term limit: a year off resets the count.
const ConsecutiveGapDays = 365

// Term is the span of days one role is held: from StartsOn to EndsOn, both
// inclusive; EndsOn is nil while the term is open-ended. A term ending on a
// day still holds its seat that day, so the next term may start the day
// after (EndsOn.AddDays(1)), not the same day.
type Term struct {
	StartsOn Date
	EndsOn   *Date
}

// Term returns the span of days r is held.
func (r BodyRole) Term() Term { return Term{StartsOn: r.StartsOn, EndsOn: r.EndsOn} }

// HeldOn reports whether the term covers day d.
func (t Term) HeldOn(d Date) bool {
	return !t.StartsOn.After(d) && (t.EndsOn == nil || !t.EndsOn.Before(d))
}

// Overlaps reports whether t and u share at least one day.
func (t Term) Overlaps(u Term) bool {
	return (u.EndsOn == nil || !t.StartsOn.After(*u.EndsOn)) && (t.EndsOn == nil || !u.StartsOn.After(*t.EndsOn))
}

// PeakOccupancy returns the most of terms held on any one day of span, and
// the first day that peak is reached (span's first day when none is held).
func PeakOccupancy(terms []Term, span Term) (int, Date) {
	// Occupancy only rises on a start day, so the peak is on one of them.
	days := []Date{span.StartsOn}
	var within []Term
	for _, t := range terms {
		if !t.Overlaps(span) {
			continue
		}
		within = append(within, t)
		if t.StartsOn.After(span.StartsOn) {
			days = append(days, t.StartsOn)
		}
	}
	slices.SortFunc(days, func(x, y Date) int { return x.t.Compare(y.t) })
	peak, on := 0, span.StartsOn
	for _, d := range days {
		n := 0
		for _, t := range within {
			if t.HeldOn(d) {
				n++
			}
		}
		if n > peak {
			peak, on = n, d
		}
	}
	return peak, on
}

// ConsecutiveTerms counts the run of terms t would belong to among others,
// the same person's other terms in the same body: terms whose breaks are no
// longer than ConsecutiveGapDays, t included.
func ConsecutiveTerms(others []Term, t Term) int {
	type entry struct {
		Term
		isT bool
	}
	all := make([]entry, 0, len(others)+1)
	all = append(all, entry{t, true})
	for _, o := range others {
		all = append(all, entry{o, false})
	}
	slices.SortStableFunc(all, func(x, y entry) int { return x.StartsOn.t.Compare(y.StartsOn.t) })
	run, hasT := 0, false
	for i, e := range all {
		if i > 0 && all[i-1].EndsOn != nil && e.StartsOn.DaysSince(*all[i-1].EndsOn) > ConsecutiveGapDays {
			if hasT {
				break
			}
			run = 0
		}
		run++
		hasT = hasT || e.isT
	}
	return run
}

// CheckTerm applies the body's rules to t, a term of one person: it ends no
// earlier than it starts, it overlaps none of own (that person's other
// terms in the body), a seat is free for the whole of it beside held (the
// other terms held in the body then), and it keeps within the term limit.
// EINVALID or ECONFLICT.
func (b Body) CheckTerm(t Term, own, held []Term) error {
	if t.EndsOn != nil && t.EndsOn.Before(t.StartsOn) {
		return Invalid("ends_on", "cannot be before starts_on (%s)", t.StartsOn)
	}
	for _, o := range own {
		if o.Overlaps(t) {
			return Conflict("participant_id", "this participant already holds a role in %s during these dates", b.Name)
		}
	}
	if b.Seats != nil {
		if peak, day := PeakOccupancy(held, t); peak >= *b.Seats {
			return Conflict("starts_on", "%s is full: all %d seats are taken on %s. End a term or add seats first", b.Name, *b.Seats, day)
		}
	}
	if b.TermLimit != nil {
		if n := ConsecutiveTerms(own, t); n > *b.TermLimit {
			return Conflict("starts_on", "this would be %d consecutive terms in %s; its limit is %d (a break of a year resets the count)", n, b.Name, *b.TermLimit)
		}
	}
	return nil
}

// CheckSeats reports a conflict (ECONFLICT) when the body's seats are fewer
// than the most of held, its terms, held at once from day from on.
func (b Body) CheckSeats(held []Term, from Date) error {
	if b.Seats == nil {
		return nil
	}
	if peak, day := PeakOccupancy(held, Term{StartsOn: from}); peak > *b.Seats {
		return Conflict("seats", "%d roles are held on %s; end some terms before lowering the seats to %d", peak, day, *b.Seats)
	}
	return nil
}
