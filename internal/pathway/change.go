package pathway

import (
	"context"
	"fmt"
	"time"
)

// ChangeType names what happened in one item of the change feed.
type ChangeType string

// The change types, each written in the same transaction as its change.
const (
	ParticipantCreated ChangeType = "participant.created"
	ParticipantUpdated ChangeType = "participant.updated"
	PlacementCreated   ChangeType = "placement.created"
	PlacementDeleted   ChangeType = "placement.deleted"
	ConsentChanged     ChangeType = "consent.changed"
	ParticipantErased  ChangeType = "participant.erased"
	RoleStarted        ChangeType = "role.started"
	RoleEnded          ChangeType = "role.ended"
	EngagementCreated  ChangeType = "engagement.created"
)

// ChangeTypes lists every change type.
var ChangeTypes = []ChangeType{
	ParticipantCreated, ParticipantUpdated, PlacementCreated, PlacementDeleted, ConsentChanged,
	ParticipantErased, RoleStarted, RoleEnded, EngagementCreated,
}

// ParseChangeType returns the change type named s, or an error.
func ParseChangeType(s string) (ChangeType, error) {
	for _, t := range ChangeTypes {
		if string(t) == s {
			return t, nil
		}
	}
	return "", fmt.Errorf("unknown change type %q", s)
}

// String returns the type's API value.
func (t ChangeType) String() string { return string(t) }

// Change is one item of the change feed. It carries ids and rungs only,
// never a name, an external_ref or a note, so a system following the feed
// fetches what it needs through the audited API.
type Change struct {
	// ID orders the feed; Cursor is the same number as text, for clients.
	ID            int64      `json:"-"`
	Cursor        string     `json:"cursor"`
	At            time.Time  `json:"at"`
	Type          ChangeType `json:"type"`
	ParticipantID int64      `json:"participant_id"`
	PlacementID   *int64     `json:"placement_id,omitempty"`
	Rung          *Rung      `json:"rung,omitempty"`
	RoleID        *int64     `json:"role_id,omitempty"`
	BodyID        *int64     `json:"body_id,omitempty"`
	EngagementID  *int64     `json:"engagement_id,omitempty"`
	ProgramID     *int64     `json:"program_id,omitempty"`
}

// ChangeFilter asks for a page of the feed.
type ChangeFilter struct {
	After int64 // items with a greater ID
	Limit int
}

// ChangeService reads the change feed.
type ChangeService interface {
	// ListChanges returns up to f.Limit items after f.After in commit order,
	// limited to the actor's caseload, and whether more follow.
	ListChanges(ctx context.Context, a Actor, f ChangeFilter) ([]Change, bool, error)
}

// Webhook is an endpoint that receives the change feed as signed requests.
type Webhook struct {
	ID             int64        `json:"id"`
	URL            string       `json:"url"`
	Events         []ChangeType `json:"events"`
	CreatedAt      time.Time    `json:"created_at"`
	DisabledAt     *time.Time   `json:"disabled_at"`
	DisabledReason *string      `json:"disabled_reason"`
}

// Delivery outcomes.
const (
	Delivered = "delivered" // the receiver answered 2xx
	Retrying  = "retrying"  // it failed and will be tried again
	GaveUp    = "gave_up"   // it failed for the whole retry window
)

// DeliveryOutcomes lists every delivery outcome.
var DeliveryOutcomes = []string{Delivered, Retrying, GaveUp}

// Delivery is one attempt to deliver one change to one endpoint.
type Delivery struct {
	ID        int64     `json:"id"`
	MessageID string    `json:"message_id"`
	ChangeID  int64     `json:"change_id"`
	Attempt   int       `json:"attempt"`
	At        time.Time `json:"at"`
	Status    *int      `json:"status"`
	Error     string    `json:"error"`
	Outcome   string    `json:"outcome"`
}

// MessageID is the webhook-id of change id: the same on every attempt and
// for every endpoint, so a receiver can drop duplicates.
func MessageID(changeID int64) string { return fmt.Sprintf("msg_%d", changeID) }

// WebhookService keeps webhook endpoints and their delivery history.
type WebhookService interface {
	// CreateWebhook stores an endpoint with its signing secret.
	CreateWebhook(ctx context.Context, a Actor, w *Webhook, secret string) error
	// ListWebhooks returns every endpoint.
	ListWebhooks(ctx context.Context, a Actor) ([]Webhook, error)
	// FindWebhook returns one endpoint, or ENOTFOUND.
	FindWebhook(ctx context.Context, a Actor, id int64) (*Webhook, error)
	// DeleteWebhook removes an endpoint and its pending deliveries, or ENOTFOUND.
	DeleteWebhook(ctx context.Context, a Actor, id int64) error
	// ListDeliveries returns an endpoint's attempts newest first, before
	// cursor (0 for the newest), and the next cursor (0 when none); ENOTFOUND.
	ListDeliveries(ctx context.Context, a Actor, id int64, cursor int64, limit int) ([]Delivery, int64, error)
}

// PendingDelivery is an outbox row that is due: one change for one endpoint.
type PendingDelivery struct {
	OutboxID   int64
	EndpointID int64
	URL        string
	Secret     string
	// Attempts is how many attempts failed before this one.
	Attempts int
	// CreatedAt is when the change was committed; retries stop a day later.
	CreatedAt time.Time
	// FailingSince is the endpoint's first failure since its last success.
	FailingSince *time.Time
	Change       Change
}

// Attempt is the outcome of delivering a PendingDelivery once.
type Attempt struct {
	Delivery PendingDelivery
	At       time.Time
	Status   *int
	Error    string
	Outcome  string // Delivered, Retrying or GaveUp
	// NextAttemptAt is when to try again, for Retrying.
	NextAttemptAt time.Time
	// DisableReason, when set, disables the endpoint.
	DisableReason string
}

// OutboxService is what the webhook deliverer reads and records through.
type OutboxService interface {
	// DueDeliveries returns, for each enabled endpoint, up to perEndpoint
	// outbox rows due at now, oldest change first, so that one endpoint's
	// backlog never crowds out another's.
	DueDeliveries(ctx context.Context, now time.Time, perEndpoint int) ([]PendingDelivery, error)
	// RecordAttempt stores an attempt and what follows from it, in one transaction.
	RecordAttempt(ctx context.Context, at Attempt) error
}
