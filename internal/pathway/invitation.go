package pathway

import (
	"context"
	"time"
)

// RoleParticipant is the role of a participant acting through their own
// personal link. It is no account's role and holds no ability: the link
// reaches only the participant's own pages.
const RoleParticipant Role = "participant"

// How long a personal link lasts, in days, unless staff say otherwise, and
// the longest it may: a link is a key to a person's record, so it should
// not outlive the visit it was made for by much.
const (
	DefaultInvitationDays = 7
	MaxInvitationDays     = 30
)

// Invitation is a personal link given to one participant. Its token is
// shown once, when it is made, and only its hash is stored.
type Invitation struct {
	ID            int64      `json:"id"`
	ParticipantID int64      `json:"participant_id"`
	Language      Language   `json:"language"`
	CreatedAt     time.Time  `json:"created_at"`
	CreatedBy     string     `json:"created_by"`
	ExpiresAt     time.Time  `json:"expires_at"`
	RevokedAt     *time.Time `json:"revoked_at"`
}

// NewInvitation is what staff choose when they make a personal link.
type NewInvitation struct {
	Language  Language
	ExpiresIn time.Duration
	TokenHash []byte
}

// Self is a participant acting through their personal link.
type Self struct {
	ParticipantID int64
	InvitationID  int64
	Language      Language
	ExpiresAt     time.Time
	RemoteAddr    string
}

// Actor is the actor a participant's own actions are recorded under: no
// account, and the audit trail marks them as the participant themself.
func (s Self) Actor() Actor {
	return Actor{Role: RoleParticipant, RemoteAddr: s.RemoteAddr}
}

// ByParticipant reports whether a acts as a participant through their link.
func (a Actor) ByParticipant() bool { return a.Role == RoleParticipant }

// Journey is what a participant sees of their own record: where they have
// been on the pathway and when, the roles they hold and the talks they
// gave, the consent they gave, and their own check-ins. It carries no notes
// staff wrote and nothing that scores or ranks them.
type Journey struct {
	DisplayName string         `json:"display_name"`
	Language    Language       `json:"language"`
	ExpiresAt   time.Time      `json:"expires_at"`
	Steps       []JourneyStep  `json:"steps"` // oldest first
	Roles       []JourneyRole  `json:"roles"`
	Talks       []JourneyTalk  `json:"talks"`
	Checkins    []SelfCheckin  `json:"checkins"` // the participant's own, newest first
	Consent     JourneyConsent `json:"consent"`
}

// JourneyStep is one dated step on the pathway.
type JourneyStep struct {
	Rung        Rung `json:"rung"`
	EffectiveOn Date `json:"effective_on"`
}

// JourneyRole is one term the participant holds or held in a body.
type JourneyRole struct {
	Title    string   `json:"title"`
	BodyName string   `json:"body_name"`
	BodyKind BodyKind `json:"body_kind"`
	StartsOn Date     `json:"starts_on"`
	EndsOn   *Date    `json:"ends_on"`
}

// JourneyTalk is one speaking engagement the participant spoke at.
type JourneyTalk struct {
	HeldOn   Date     `json:"held_on"`
	Audience Audience `json:"audience"`
	Topic    string   `json:"topic"`
	BodyName string   `json:"body_name"`
}

// SelfCheckin is a check-in as its participant sees it.
type SelfCheckin struct {
	AssessedOn        Date `json:"assessed_on"`
	SelfAdvocacy      int  `json:"self_advocacy"`
	RootCauseAnalysis int  `json:"root_cause_analysis"`
	Leadership        int  `json:"leadership"`
}

// JourneyConsent is the consent the participant gave, as they see it.
type JourneyConsent struct {
	GivenOn Date           `json:"given_on"`
	Method  ConsentMethod  `json:"method"`
	Scopes  []ConsentScope `json:"scopes"`
}

// InvitationService makes and checks personal links. Staff methods apply
// the actor's caseload (ENOTFOUND outside it) and every method writes an
// audit entry in the same transaction, the participant's own uses under
// their own name.
type InvitationService interface {
	// CreateInvitation stores a link for a participant. ENOTFOUND.
	CreateInvitation(ctx context.Context, a Actor, participantID int64, ni NewInvitation) (*Invitation, error)
	// ListInvitations returns a participant's links that still work,
	// newest first. ENOTFOUND.
	ListInvitations(ctx context.Context, a Actor, participantID int64) ([]Invitation, error)
	// RevokeInvitation stops a link from working. ENOTFOUND.
	RevokeInvitation(ctx context.Context, a Actor, participantID, id int64) error
	// SelfByToken returns who a link's token hash speaks for.
	// EUNAUTHORIZED when unknown, expired or revoked.
	SelfByToken(ctx context.Context, tokenHash []byte, remoteAddr string) (*Self, error)
	// Journey returns the participant's own journey. EUNAUTHORIZED when
	// the link stopped working since it was checked.
	Journey(ctx context.Context, s Self) (*Journey, error)
}
