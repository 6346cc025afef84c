package sqlite

import (
	"context"

	"pathway/internal/pathway"
)

var _ pathway.RecordService = (*ParticipantService)(nil)

// FindRecord implements pathway.RecordService: the participant and the
// parts asked for come from one transaction, and the whole look at the
// record is one audit entry, as a single GET of the participant is.
func (s *ParticipantService) FindRecord(ctx context.Context, a pathway.Actor, id int64, parts pathway.RecordParts) (*pathway.ParticipantRecord, error) {
	var r pathway.ParticipantRecord
	err := s.db.read(ctx, a, func(tx *Tx) error {
		p, err := findParticipant(ctx, tx, id)
		if err != nil {
			return err
		}
		r.Participant = *p
		if parts.Placements {
			pls, err := listPlacements(ctx, tx, id)
			if err != nil {
				return err
			}
			r.Placements = &pls
		}
		if parts.Engagements {
			es, err := listEngagements(ctx, tx, id)
			if err != nil {
				return err
			}
			r.Engagements = &es
		}
		if parts.Checkins {
			cs, err := listCheckins(ctx, tx, id)
			if err != nil {
				return err
			}
			r.Checkins = &cs
		}
		if parts.Suggestions {
			ss, _, err := suggestions(ctx, tx, pathway.SuggestionFilter{ParticipantID: id})
			if err != nil {
				return err
			}
			if ss == nil {
				ss = []pathway.Suggestion{}
			}
			r.Suggestions = &ss
		}
		return tx.audit(viewAction, "participant", id)
	})
	if err != nil {
		return nil, err
	}
	return &r, nil
}
