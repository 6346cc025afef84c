-- Puts back the ends 000013 moved. The audit entries and change-feed items
-- it wrote stay: what happened is not rewritten.
UPDATE roles SET ends_on = (SELECT c.ends_on_was FROM role_end_corrections c WHERE c.role_id = roles.id)
WHERE id IN (SELECT role_id FROM role_end_corrections);

DROP TABLE role_end_corrections;
