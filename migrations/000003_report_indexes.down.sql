DROP INDEX capacity_checkins_report;
DROP INDEX placements_effective;
DROP INDEX placements_asof;
CREATE INDEX placements_participant ON placements (participant_id, effective_on, recorded_at, id);
