DROP INDEX placements_effective;
CREATE INDEX placements_effective ON placements (effective_on, participant_id);
DROP INDEX placements_peak;
DROP INDEX participants_current;
