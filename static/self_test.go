package static

import (
	"testing"

	"pathway/internal/pathway"
)

// TestTheParticipantsPageHasWordsForEveryValueItShows guards the "self"
// section: the participant's page looks up a key per rung, role kind,
// audience, consent method and scope, so a value added to the domain
// without its words would show a bare key to a participant.
func TestTheParticipantsPageHasWordsForEveryValueItShows(t *testing.T) {
	en := catalogue(t, "en")
	var keys []string
	for _, r := range pathway.Rungs {
		keys = append(keys, "self.rung."+r.String())
	}
	for _, k := range pathway.BodyKinds {
		keys = append(keys, "self.kind."+string(k))
	}
	for _, a := range pathway.Audiences {
		keys = append(keys, "self.audience."+string(a))
	}
	for _, m := range pathway.ConsentMethods {
		keys = append(keys, "self.consent.method."+string(m))
	}
	for _, s := range pathway.ConsentScopes {
		keys = append(keys, "self.scope."+string(s))
	}
	for _, l := range pathway.Languages {
		keys = append(keys, "self.language."+string(l))
	}
	for _, c := range pathway.Capacities {
		keys = append(keys, "self.checkin."+string(c), "self.staff.cap."+string(c))
	}
	for _, n := range []string{"1", "2", "3", "4"} {
		keys = append(keys, "self.scale."+n)
	}
	for _, k := range keys {
		if _, ok := en[k]; !ok {
			t.Errorf("the catalogues have no %q", k)
		}
	}
}
