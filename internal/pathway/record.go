package pathway

import "context"

// RecordParts says which parts of a person's history to read with them.
type RecordParts struct {
	Placements  bool
	Engagements bool
	Checkins    bool
	Suggestions bool
}

// ParticipantRecord is a person with, as asked, their history: what one
// view of their page needs, read and audited as one look at the record.
// A part not asked for is nil.
type ParticipantRecord struct {
	Participant
	Placements  *[]Placement       `json:"placements,omitempty"`
	Engagements *[]Engagement      `json:"engagements,omitempty"`
	Checkins    *[]CapacityCheckin `json:"capacity_checkins,omitempty"`
	Suggestions *[]Suggestion      `json:"suggestions,omitempty"`
}

// RecordService reads a person's record in one go.
type RecordService interface {
	// FindRecord returns participant id with the parts asked for, in one
	// transaction, writing one audit entry (participant.read). ENOTFOUND,
	// also for a person outside the actor's caseload.
	FindRecord(ctx context.Context, a Actor, id int64, parts RecordParts) (*ParticipantRecord, error)
}
