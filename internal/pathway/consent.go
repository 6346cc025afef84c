package pathway

import (
	"fmt"
	"slices"
	"time"
)

// ConsentMethod is how a participant gave consent.
type ConsentMethod string

// The ways consent can be given.
const (
	ConsentWritten    ConsentMethod = "written"
	ConsentVerbal     ConsentMethod = "verbal"
	ConsentElectronic ConsentMethod = "electronic"
)

// ConsentMethods lists every method.
var ConsentMethods = []ConsentMethod{ConsentWritten, ConsentVerbal, ConsentElectronic}

// ParseConsentMethod returns the method named s, or an error.
func ParseConsentMethod(s string) (ConsentMethod, error) {
	for _, m := range ConsentMethods {
		if string(m) == s {
			return m, nil
		}
	}
	return "", fmt.Errorf("unknown consent method %q", s)
}

// ConsentScope is one thing a participant agreed to.
type ConsentScope string

// The consent scopes.
const (
	ScopeTracking    ConsentScope = "tracking"     // required: being followed in Pathway at all
	ScopePublicStory ConsentScope = "public_story" // required before any public-facing role activity
)

// ConsentScopes lists every scope.
var ConsentScopes = []ConsentScope{ScopeTracking, ScopePublicStory}

// ParseConsentScope returns the scope named s, or an error.
func ParseConsentScope(s string) (ConsentScope, error) {
	for _, c := range ConsentScopes {
		if string(c) == s {
			return c, nil
		}
	}
	return "", fmt.Errorf("unknown consent scope %q", s)
}

// Consent is a participant's recorded agreement to be tracked.
type Consent struct {
	GivenOn    Date           `json:"given_on"`
	Method     ConsentMethod  `json:"method"`
	Scopes     []ConsentScope `json:"scopes"`
	RecordedBy string         `json:"recorded_by"`
	RecordedAt time.Time      `json:"recorded_at"`
}

// Has reports whether c includes scope s.
func (c Consent) Has(s ConsentScope) bool { return slices.Contains(c.Scopes, s) }

// Validate checks the rules every consent must keep, given today's date.
func (c Consent) Validate(field string, today Date) error {
	if c.GivenOn.After(today) {
		return Invalid(field+".given_on", "date.future")
	}
	if !c.Has(ScopeTracking) {
		return Invalid(field+".scopes", "consent.tracking_required")
	}
	return nil
}
