package pathway

import (
	"context"
	"time"
)

// EvidenceKind is what a piece of evidence points at.
type EvidenceKind string

// The kinds of evidence.
const (
	EvidenceRole       EvidenceKind = "role"
	EvidenceEngagement EvidenceKind = "engagement"
)

// EvidenceKinds lists every kind of evidence.
var EvidenceKinds = []EvidenceKind{EvidenceRole, EvidenceEngagement}

// Evidence is a reason to think someone is ready for another rung: a role
// they hold or an engagement they took part in.
type Evidence struct {
	Kind EvidenceKind `json:"kind"`
	ID   int64        `json:"id"`
	Rung Rung         `json:"rung"`
	On   Date         `json:"on"`
	What string       `json:"what"` // the body or program, and the title or activity
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

// UndoWindow is how long after accepting a suggestion its placement may be
// undone in one step. Later, the placement is corrected like any other: by
// deleting it from the journey (its recorder or an admin), with confirmation.
const UndoWindow = 10 * time.Minute

// MaxDismissReason bounds the reason given for dismissing a suggestion.
const MaxDismissReason = 200

// SuggestionFilter narrows and pages a listing of suggestions.
type SuggestionFilter struct {
	ParticipantID int64 // one participant when not 0
	After         int64 // cursor: participants with IDs above this
	Limit         int   // the most suggestions on a page; 0 means every one
}

// Dismissal records that someone judged a suggestion not right for now. The
// suggestion returns only with evidence recorded after DismissedAt.
type Dismissal struct {
	ParticipantID int64     `json:"participant_id"`
	DismissedAt   time.Time `json:"dismissed_at"`
	DismissedBy   string    `json:"dismissed_by"`
	Reason        string    `json:"reason"`
}

// SuggestionService points out participants whose recent evidence, roles
// and engagements, suggests a rung past their current one. Every method
// applies the actor's caseload and writes an audit entry.
type SuggestionService interface {
	// Suggestions lists, in participant ID order, participants whose recent
	// evidence points to a higher rung than their current one, leaving out
	// evidence recorded before a dismissal. It returns the cursor of the
	// next page (0 when none).
	Suggestions(ctx context.Context, a Actor, f SuggestionFilter) ([]Suggestion, int64, error)
	// Dismiss sets a participant's suggestion aside until new evidence is
	// recorded. ENOTFOUND (participant), ECONFLICT (no suggestion to
	// dismiss), EINVALID (reason).
	Dismiss(ctx context.Context, a Actor, participantID int64, reason string) (*Dismissal, error)
	// UndoAcceptance deletes a placement accepted from a suggestion within
	// UndoWindow of recording it, by the person who recorded it, so the
	// suggestion is back. ENOTFOUND, EFORBIDDEN (someone else's), ECONFLICT
	// (not accepted from a suggestion, or the window has passed).
	UndoAcceptance(ctx context.Context, a Actor, participantID, placementID int64) error
}
