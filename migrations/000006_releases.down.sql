-- Going down drops every release: only for a
-- database being rebuilt, since published releases are meant to last.
DROP TRIGGER release_tables_frozen_delete;
DROP TRIGGER release_tables_frozen_update;
DROP TRIGGER releases_frozen_delete;
DROP TRIGGER releases_frozen_update;
DROP TABLE release_tables;
DROP TABLE releases;
