package pathway

import (
	"context"
	"fmt"
	"time"
)

// BodyKind is the kind of a body where participants hold roles.
type BodyKind string

// The kinds of body.
const (
	AdvisoryBoard    BodyKind = "advisory_board"
	SpeakersBureau   BodyKind = "speakers_bureau"
	BoardOfDirectors BodyKind = "board_of_directors"
	Committee        BodyKind = "committee"
	StaffBody        BodyKind = "staff" // former participants hired as staff
)

// BodyKinds lists every kind.
var BodyKinds = []BodyKind{AdvisoryBoard, SpeakersBureau, BoardOfDirectors, Committee, StaffBody}

// ParseBodyKind returns the kind named s, or an error.
func ParseBodyKind(s string) (BodyKind, error) {
	for _, k := range BodyKinds {
		if string(k) == s {
			return k, nil
		}
	}
	return "", fmt.Errorf("unknown body kind %q", s)
}

// DefaultRung is the rung a role in a body of this kind is evidence of,
// unless the body says otherwise.
func (k BodyKind) DefaultRung() Rung {
	switch k {
	case SpeakersBureau:
		return Contributor
	case Committee:
		return Member
	}
	return Leader
}

// Body is an advisory board, speakers bureau or other group where
// participants hold real roles.
type Body struct {
	ID          int64     `json:"id"`
	Name        string    `json:"name"`
	Kind        BodyKind  `json:"kind"`
	Description string    `json:"description"`
	Seats       *int      `json:"seats"`       // nil: unlimited
	Rung        Rung      `json:"rung"`        // the rung holding a role here is evidence of
	TermMonths  *int      `json:"term_months"` // default length of a term
	TermLimit   *int      `json:"term_limit"`  // most consecutive terms one person may serve
	SeatsFilled int       `json:"seats_filled"`
	SeatsOpen   *int      `json:"seats_open"` // nil when seats are unlimited
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// BodyUpdate holds the fields of a body to change; nil leaves a field alone.
type BodyUpdate struct {
	Name        *string
	Description *string
	Seats       **int
	Rung        *Rung
	TermMonths  **int
	TermLimit   **int
}

// Roster is a body with the roles held in it on one day.
type Roster struct {
	Body
	AsOf  Date       `json:"as_of"`
	Roles []BodyRole `json:"roles"`
}

// BodyService runs bodies, their roles and speaking engagements. Methods
// naming people write an audit entry.
type BodyService interface {
	// CreateBody stores b. ECONFLICT on a duplicate name.
	CreateBody(ctx context.Context, a Actor, b *Body) error
	// ListBodies returns every body with today's seat counts.
	ListBodies(ctx context.Context, a Actor) ([]Body, error)
	// Roster returns a body with the roles held on asOf. ENOTFOUND.
	Roster(ctx context.Context, a Actor, id int64, asOf Date) (*Roster, error)
	// UpdateBody applies upd. ENOTFOUND, ECONFLICT (fewer seats than held).
	UpdateBody(ctx context.Context, a Actor, id int64, upd BodyUpdate) (*Body, error)

	// AddRole gives a participant a term. ENOTFOUND, EINVALID (dates,
	// consent), ECONFLICT (full body, overlapping term, term limit).
	AddRole(ctx context.Context, a Actor, r *BodyRole) error
	// UpdateRole ends, extends or retitles a term. ENOTFOUND, EINVALID, ECONFLICT.
	UpdateRole(ctx context.Context, a Actor, id int64, upd RoleUpdate) (*BodyRole, error)
	// ListRoles returns roles matching f, soonest ending first.
	ListRoles(ctx context.Context, a Actor, f RoleFilter) ([]BodyRole, error)

	// AddSpeakingEngagement records a talk. ENOTFOUND, EINVALID (a speaker
	// who held no role in the bureau on the talk's date, or lacks
	// public_story consent, is named).
	AddSpeakingEngagement(ctx context.Context, a Actor, e *SpeakingEngagement) error
	// ListSpeakingEngagements returns one page of a body's talks, newest
	// first, and whether more follow. ENOTFOUND.
	ListSpeakingEngagements(ctx context.Context, a Actor, bodyID int64, page TalkPage) ([]SpeakingEngagement, bool, error)
}
