package pathway

import (
	"context"
	"time"
)

// AuditEntry records one write or one read of an identifiable record. It
// never holds a participant's name, external_ref or notes.
type AuditEntry struct {
	ID         int64     `json:"id"`
	At         time.Time `json:"at"`
	UserID     *int64    `json:"user_id"`
	User       string    `json:"user"`
	Action     string    `json:"action"`
	Entity     string    `json:"entity"`
	EntityID   *int64    `json:"entity_id"`
	RemoteAddr string    `json:"remote_addr"`
	// ByParticipant is true when the participant acted themself, through
	// their personal link; User is then empty.
	ByParticipant bool `json:"by_participant"`
}

// AuditFilter narrows an audit listing. Zero values match everything.
type AuditFilter struct {
	UserID   int64
	Action   string
	Entity   string
	EntityID int64
	Since    time.Time
	Until    time.Time
	Cursor   int64 // entries with ID below this, newest first
	Limit    int
}

// AuditService reads the audit trail. Entries are written by the other
// services in the same transaction as the change they record.
type AuditService interface {
	// ListAudit returns entries newest first and the cursor of the next page (0 when none).
	ListAudit(ctx context.Context, a Actor, f AuditFilter) ([]AuditEntry, int64, error)
}
