-- Indexes the anonymised reports rely on. The placement index covers the
-- rung, so "the rung of each person on a day" is one index seek per person.
DROP INDEX placements_participant;
CREATE INDEX placements_asof ON placements (participant_id, effective_on, recorded_at, id, rung);
CREATE INDEX placements_effective ON placements (effective_on, participant_id);
CREATE INDEX capacity_checkins_report ON capacity_checkins (perspective, participant_id, assessed_on);
