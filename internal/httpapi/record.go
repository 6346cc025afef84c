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

// recordInclude is one part a person's record may include: the ability it
// needs (the same as the part's own route) and the flag that asks for it.
type recordInclude struct {
	ability pathway.Ability
	part    func(*pathway.RecordParts) *bool
}

// recordIncludes holds every part a record may include, by its name in the
// include list.
var recordIncludes = map[string]recordInclude{
	"placements":        {pathway.ReadPeople, func(p *pathway.RecordParts) *bool { return &p.Placements }},
	"engagements":       {pathway.WritePeople, func(p *pathway.RecordParts) *bool { return &p.Engagements }},
	"capacity_checkins": {pathway.WritePeople, func(p *pathway.RecordParts) *bool { return &p.Checkins }},
	"suggestions":       {pathway.ReadBodies, func(p *pathway.RecordParts) *bool { return &p.Suggestions }},
}

// parts reads the include list, refusing a part a's role may not read.
func (q recordQuery) parts(a pathway.Actor) (pathway.RecordParts, error) {
	var p pathway.RecordParts
	if q.Include == "" {
		return p, nil
	}
	for _, name := range strings.Split(q.Include, ",") {
		inc, ok := recordIncludes[strings.TrimSpace(name)]
		if !ok {
			return p, pathway.Invalid("include", "record.include")
		}
		if !a.Role.Can(inc.ability) {
			return p, pathway.Errorf(pathway.EFORBIDDEN, "record.include_forbidden")
		}
		*inc.part(&p) = true
	}
	return p, nil
}
