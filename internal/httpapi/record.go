package httpapi

import (
	"strings"

	"pathway/internal/pathway"
)

// recordQuery is GET /participants/{id}'s query: include lists the parts
// of the person's history to send with them, comma-separated.
type recordQuery struct {
	Include string `form:"include" json:"include" validate:"max=100"`
}

// The parts a person's record may include, and the ability each needs: the
// same as the part's own route.
var recordIncludes = map[string]pathway.Ability{
	"placements":        pathway.ReadPeople,
	"engagements":       pathway.WritePeople,
	"capacity_checkins": pathway.WritePeople,
	"suggestions":       pathway.ReadBodies,
}

// parts reads the include list, refusing a part a's role may not read.
func (q recordQuery) parts(a pathway.Actor) (pathway.RecordParts, error) {
	var p pathway.RecordParts
	if q.Include == "" {
		return p, nil
	}
	for _, name := range strings.Split(q.Include, ",") {
		ab, ok := recordIncludes[strings.TrimSpace(name)]
		if !ok {
			return p, pathway.Invalid("include", "record.include")
		}
		if !a.Role.Can(ab) {
			return p, pathway.Errorf(pathway.EFORBIDDEN, "record.include_forbidden")
		}
		switch strings.TrimSpace(name) {
		case "placements":
			p.Placements = true
		case "engagements":
			p.Engagements = true
		case "capacity_checkins":
			p.Checkins = true
		case "suggestions":
			p.Suggestions = true
		}
	}
	return p, nil
}
