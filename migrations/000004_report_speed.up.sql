-- Indexes that keep the anonymised reports fast at network scale
-- (100,000 participants, 2,000,000 placements; README "Report speed").
-- The current distribution reads the maintained rung from a covering index
-- instead of every participant row.
CREATE INDEX participants_current ON participants (current_rung, consented_since);
-- "Below the highest rung reached": one seek for a higher rung per person
-- instead of reading their whole history.
CREATE INDEX placements_peak ON placements (participant_id, rung, effective_on);
-- The placements of a period, with what the days-before-moving-up query
-- reads of each, without visiting the table.
DROP INDEX placements_effective;
CREATE INDEX placements_effective ON placements (effective_on, participant_id, recorded_at, rung);
