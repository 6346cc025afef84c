package pathway

import "time"

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

// TalkPage asks for one page of a bureau's talks, newest first: at most
// Limit of them (all when 0), after the talk After when it is set.
type TalkPage struct {
	Limit int
	After *TalkKey
}

// TalkKey is where a talk sits in the newest-first order.
type TalkKey struct {
	HeldOn Date
	ID     int64
}

// Key returns where e sits in the newest-first order.
func (e SpeakingEngagement) Key() TalkKey { return TalkKey{HeldOn: e.HeldOn, ID: e.ID} }
