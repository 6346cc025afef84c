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

	// For exports, never sent as JSON: the holder's case-management
	// reference and whether they agreed to public-facing activity.
	ExternalRef string `json:"-"`
	PublicStory bool   `json:"-"`
}

// PublicName is how an export names the holder: their name only with
// public_story consent, otherwise their case-management reference.
func (r BodyRole) PublicName() string {
	if r.PublicStory {
		return r.DisplayName
	}
	return r.ExternalRef
}

// ActiveOn reports whether the role is held on day d.
func (r BodyRole) ActiveOn(d Date) bool {
	return !r.StartsOn.After(d) && (r.EndsOn == nil || !r.EndsOn.Before(d))
}

// Roster is a body with the roles held in it on one day.
type Roster struct {
	Body
	AsOf  Date       `json:"as_of"`
	Roles []BodyRole `json:"roles"`
}

// RoleFilter narrows a role listing. Zero values match everything.
type RoleFilter struct {
	BodyID           int64
	ParticipantID    int64
	Active           *bool // held today, or not
	EndingWithinDays *int  // ends between today and today+n
}

// RoleUpdate changes a term: end it, extend it, reopen it (EndsOn set to
// nil), or retitle it. A nil field is left alone.
type RoleUpdate struct {
	Title  *string
	EndsOn **Date
}

// Audience is who a speaking engagement was for.
type Audience string

// The audiences.
var Audiences = []Audience{"city_council", "state_legislature", "media", "funders", "conference", "school", "community", "other"}

// Speaker is a participant who spoke at an engagement.
type Speaker struct {
	ParticipantID int64  `json:"participant_id"`
	DisplayName   string `json:"display_name"`
}

// SpeakingEngagement is one time members of a speakers bureau shared their
// story. SpeakerCount stays when an erased speaker leaves Speakers.
type SpeakingEngagement struct {
	ID           int64     `json:"id"`
	BodyID       int64     `json:"body_id"`
	HeldOn       Date      `json:"held_on"`
	Audience     Audience  `json:"audience"`
	Topic        string    `json:"topic"`
	SpeakerCount int       `json:"speaker_count"`
	Speakers     []Speaker `json:"speakers"`
	RecordedAt   time.Time `json:"recorded_at"`
	RecordedBy   string    `json:"recorded_by"`
}

// Evidence is a reason to think someone is ready for another rung: a role
// they hold or an engagement they took part in.
type Evidence struct {
	Kind string `json:"kind"` // "role" or "engagement"
	ID   int64  `json:"id"`
	Rung Rung   `json:"rung"`
	On   Date   `json:"on"`
	What string `json:"what"` // the body or program, and the title or activity
}

// Suggestion says a participant's recent evidence points past their current rung.
type Suggestion struct {
	ParticipantID int64      `json:"participant_id"`
	DisplayName   string     `json:"display_name"`
	CurrentRung   Rung       `json:"current_rung"`
	SuggestedRung Rung       `json:"suggested_rung"`
	Evidence      []Evidence `json:"evidence"`
}

// SuggestionWindowDays is how far back engagements count as evidence.
const SuggestionWindowDays = 90

// ConsecutiveGapDays is the longest break between two terms that still
// counts them as consecutive for a term limit: a year off resets the count.
const ConsecutiveGapDays = 365

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
	// without an active role or public_story consent is named).
	AddSpeakingEngagement(ctx context.Context, a Actor, e *SpeakingEngagement) error
	// ListSpeakingEngagements returns a body's talks, newest first.
	ListSpeakingEngagements(ctx context.Context, a Actor, bodyID int64) ([]SpeakingEngagement, error)

	// Suggestions lists participants whose recent evidence points to a
	// higher rung than their current one (one participant when
	// participantID is not 0).
	Suggestions(ctx context.Context, a Actor, participantID int64) ([]Suggestion, error)
}
