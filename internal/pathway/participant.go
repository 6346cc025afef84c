package pathway

import (
	"context"
	"strings"
	"time"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// Participant is a consenting person whose leadership journey Pathway
// follows, keyed by their ID in the case-management system.
type Participant struct {
	ID           int64       `json:"id"`
	ExternalRef  string      `json:"external_ref"`
	DisplayName  string      `json:"display_name"`
	CurrentRung  Rung        `json:"current_rung"`
	ProgramIDs   []int64     `json:"program_ids"` // the programs they are enrolled in now
	Enrolments   []Enrolment `json:"enrolments"`  // past and current, by enrolled_on
	Consent      Consent     `json:"consent"`
	Roles        []BodyRole  `json:"roles"`           // past and present
	FirstConsent Date        `json:"consented_since"` // earliest consent date: nothing may be dated before it
	CreatedAt    time.Time   `json:"created_at"`
	UpdatedAt    time.Time   `json:"updated_at"`

	// LastEngagedOn is the latest day one of their engagements happened;
	// nil before the first.
	LastEngagedOn *Date `json:"last_engaged_on"`
}

// NewParticipant is what is needed to start following someone: who they are,
// their consent, and the rung they start on.
type NewParticipant struct {
	ExternalRef string
	DisplayName string
	ProgramIDs  []int64
	Consent     Consent
	Rung        Rung
	// RungEffectiveOn dates the first placement; zero means the day consent
	// was given.
	RungEffectiveOn Date
}

// ParticipantUpdate holds the fields to change; nil leaves a field alone.
type ParticipantUpdate struct {
	ExternalRef *string
	DisplayName *string
	ProgramIDs  *[]int64
}

// NormalizeRef returns the form in which two external references are the
// same person: Unicode NFKC, case-folded, without surrounding space, so
// "cm-10035", "ＣＭ-10035" and "CM-10035 " all read "cm-10035".
func NormalizeRef(ref string) string {
	// NFKC, fold, NFKC again: folding can leave a string that is no longer
	// normalised (Unicode's NFKC_Casefold does the same).
	s := norm.NFKC.String(ref)
	s = cases.Fold().String(s)
	return strings.TrimSpace(norm.NFKC.String(s))
}

// ParticipantFilter narrows a participant listing.
type ParticipantFilter struct {
	// ExternalRef, when set, keeps only the participant whose reference
	// normalises (NormalizeRef) to the same form.
	ExternalRef string
	Rung        Rung   // 0 for any
	ProgramID   int64  // 0 for any
	Text        string // part of display_name or external_ref, ignoring case and accents, or the exact external_ref
	After       int64  // cursor: the last participant of the previous page, in Sort's order
	Limit       int

	Sort ParticipantSort
	// Recent keeps only the people the actor opened lately, the latest
	// first; Sort and After do not apply to it.
	Recent bool
}

// ParticipantSort is the order of a participant listing.
type ParticipantSort string

// The orders a listing can take.
const (
	SortByID          ParticipantSort = ""             // the order they were added
	SortByName        ParticipantSort = "name"         // display name A–Z, ignoring case and accents
	SortByLastEngaged ParticipantSort = "last_engaged" // the latest engagement first, people with none last
)

// Enrolment is one period a participant spent in a program, from
// EnrolledOn through LeftOn, the last day enrolled; LeftOn is nil while
// they are still enrolled.
type Enrolment struct {
	ID         int64  `json:"id"`
	ProgramID  int64  `json:"program_id"`
	Program    string `json:"program"`
	EnrolledOn Date   `json:"enrolled_on"`
	LeftOn     *Date  `json:"left_on"`
}

// Open reports whether the enrolment is current.
func (e Enrolment) Open() bool { return e.LeftOn == nil }

// EnrolmentUpdate corrects an enrolment's dates; nil leaves a date alone,
// and a LeftOn pointing at nil reopens the enrolment.
type EnrolmentUpdate struct {
	EnrolledOn *Date
	LeftOn     **Date
}

// CheckDates enforces the dating rules of an enrolment: both dates follow
// the history's rule, and it cannot end before it starts.
func (e Enrolment) CheckDates(since, today Date) error {
	if err := CheckHistoryDate("enrolled_on", e.EnrolledOn, since, today); err != nil {
		return err
	}
	if e.LeftOn == nil {
		return nil
	}
	if err := CheckHistoryDate("left_on", *e.LeftOn, since, today); err != nil {
		return err
	}
	if e.LeftOn.Before(e.EnrolledOn) {
		return Invalid("left_on", "cannot be before the enrolment began (%s)", e.EnrolledOn)
	}
	return nil
}

// Placement is one dated step in a participant's rung history. History is
// append-only: a correction is a new placement, or an audited deletion.
type Placement struct {
	ID            int64     `json:"id"`
	ParticipantID int64     `json:"participant_id"`
	Rung          Rung      `json:"rung"`
	EffectiveOn   Date      `json:"effective_on"`
	Note          string    `json:"note"`
	RecordedAt    time.Time `json:"recorded_at"`
	RecordedBy    string    `json:"recorded_by"`
	RecordedByID  int64     `json:"-"`
	// Evidence is what the placement was accepted on (a suggestion's role
	// or engagements), so the history shows why someone moved.
	Evidence []Evidence `json:"evidence"`
}

// Engagement is one thing a participant took part in.
type Engagement struct {
	ID            int64     `json:"id"`
	ParticipantID int64     `json:"participant_id"`
	OccurredOn    Date      `json:"occurred_on"`
	Activity      string    `json:"activity"`
	ProgramID     *int64    `json:"program_id"`
	Strategy      *Strategy `json:"strategy"`
	Note          string    `json:"note"`
	RecordedAt    time.Time `json:"recorded_at"`
	RecordedBy    string    `json:"recorded_by"`
}

// Perspective says whose view a capacity check-in records.
type Perspective string

// The perspectives of a check-in.
const (
	PerspectiveSelf  Perspective = "self"  // the participant's own view
	PerspectiveStaff Perspective = "staff" // a staff member's view
)

// Perspectives lists every perspective.
var Perspectives = []Perspective{PerspectiveSelf, PerspectiveStaff}

// CapacityCheckin scores the three client social change capacities, 1 to 4.
type CapacityCheckin struct {
	ID                int64       `json:"id"`
	ParticipantID     int64       `json:"participant_id"`
	AssessedOn        Date        `json:"assessed_on"`
	Perspective       Perspective `json:"perspective"`
	SelfAdvocacy      int         `json:"self_advocacy"`
	RootCauseAnalysis int         `json:"root_cause_analysis"`
	Leadership        int         `json:"leadership"`
	Note              string      `json:"note"`
	RecordedAt        time.Time   `json:"recorded_at"`
	RecordedBy        string      `json:"recorded_by"`
	// RecordedByParticipant is true when the participant recorded it
	// themself, through their personal link; RecordedBy is then empty.
	RecordedByParticipant bool `json:"recorded_by_participant"`
}

// MaxNoteLength bounds every free-text note: notes are short by design.
const MaxNoteLength = 500

// ParticipantService follows consenting participants. Every method applies
// the actor's caseload (ENOTFOUND for participants outside it) and writes an
// audit entry in the same transaction.
type ParticipantService interface {
	// CreateParticipant stores a new participant with consent and a first
	// placement. EINVALID (consent, programs), ECONFLICT (external_ref taken).
	CreateParticipant(ctx context.Context, a Actor, np NewParticipant) (*Participant, error)
	// FindParticipant returns one participant. ENOTFOUND.
	FindParticipant(ctx context.Context, a Actor, id int64) (*Participant, error)
	// ListParticipants returns a page of participants ordered by ID and the
	// cursor of the next page (0 when none).
	ListParticipants(ctx context.Context, a Actor, f ParticipantFilter) ([]Participant, int64, error)
	// CountByRung counts the participants the actor may see, per current rung.
	CountByRung(ctx context.Context, a Actor) (RungCounts, error)
	// UpdateParticipant applies upd; a new ProgramIDs closes the enrolments
	// it leaves out as of today and opens those it adds from today.
	// ENOTFOUND, EINVALID, ECONFLICT.
	UpdateParticipant(ctx context.Context, a Actor, id int64, upd ParticipantUpdate) (*Participant, error)
	// RenewConsent replaces the current consent. ENOTFOUND, EINVALID.
	RenewConsent(ctx context.Context, a Actor, id int64, c Consent) (*Participant, error)
	// WithdrawConsent erases the participant and everything about them,
	// leaving a non-identifying audit entry. scrubPending reports that the
	// erased data may still sit in the database's files (a reader holds the
	// write-ahead log) until a background scrub, which survives a restart,
	// clears them. ENOTFOUND, EUNAVAILABLE.
	WithdrawConsent(ctx context.Context, a Actor, id int64) (scrubPending bool, err error)

	// AddPlacement appends to the rung history. ENOTFOUND, EINVALID (dates).
	AddPlacement(ctx context.Context, a Actor, participantID int64, p *Placement) error
	// ListPlacements returns the history, newest effective first.
	ListPlacements(ctx context.Context, a Actor, participantID int64) ([]Placement, error)
	// DeletePlacement removes a mistaken placement: only its recorder or an
	// admin may, and never the last one. ENOTFOUND, EFORBIDDEN, ECONFLICT.
	DeletePlacement(ctx context.Context, a Actor, participantID, placementID int64) error

	// AddEnrolment records a period in a program, past or still open.
	// ENOTFOUND, EINVALID (program, dates), ECONFLICT (overlaps another
	// period in the same program).
	AddEnrolment(ctx context.Context, a Actor, participantID int64, e *Enrolment) error
	// UpdateEnrolment corrects the dates of an enrolment. ENOTFOUND,
	// EINVALID (dates), ECONFLICT (overlaps another period in the same
	// program, such as reopening one while another is open).
	UpdateEnrolment(ctx context.Context, a Actor, participantID, enrolmentID int64, upd EnrolmentUpdate) (*Enrolment, error)

	// AddEngagement logs an engagement. ENOTFOUND, EINVALID.
	AddEngagement(ctx context.Context, a Actor, participantID int64, e *Engagement) error
	// LogEvent logs one engagement per attendee of ev, all or none, and
	// returns their IDs in the order of ev.ParticipantIDs. EINVALID naming
	// participant_ids[i] for an attendee who repeats, is unknown or outside
	// the caseload, or whose consent postdates the event.
	LogEvent(ctx context.Context, a Actor, ev Event) ([]int64, error)
	// ListEngagements returns engagements newest first.
	ListEngagements(ctx context.Context, a Actor, participantID int64) ([]Engagement, error)

	// AddCheckin records a capacity check-in; a zero AssessedOn is today.
	// ENOTFOUND, EINVALID.
	AddCheckin(ctx context.Context, a Actor, participantID int64, c *CapacityCheckin) error
	// ListCheckins returns check-ins newest first.
	ListCheckins(ctx context.Context, a Actor, participantID int64) ([]CapacityCheckin, error)
}

// CheckHistoryDate enforces the dating rule of the history: an entry cannot
// be dated in the future or before the participant first consented (since).
func CheckHistoryDate(field string, d, since, today Date) error {
	if d.After(today) {
		return Invalid(field, "cannot be in the future")
	}
	if d.Before(since) {
		return Invalid(field, "cannot be before consent was given (%s)", since)
	}
	return nil
}

// Event is one occasion many participants attended, such as a community
// meeting: it is logged as one engagement per attendee.
type Event struct {
	OccurredOn     Date
	Activity       string
	ProgramID      *int64
	Strategy       *Strategy
	Note           string
	ParticipantIDs []int64
}

// MaxEventAttendees bounds the attendees of one logged event.
const MaxEventAttendees = 1000
