package pathway

import "context"

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

// SuggestionService points out participants whose recent evidence, roles
// and engagements, suggests a rung past their current one. Listing writes
// an audit entry.
type SuggestionService interface {
	// Suggestions lists participants whose recent evidence points to a
	// higher rung than their current one (one participant when
	// participantID is not 0).
	Suggestions(ctx context.Context, a Actor, participantID int64) ([]Suggestion, error)
}
