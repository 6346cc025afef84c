-- Releases: the leadership tables of a closed period, computed once with
-- differential privacy and stored as the bytes that are served. Published
-- rows never change: triggers refuse any update or delete, so not even a
-- bug in our code can recompute or withdraw a release.

CREATE TABLE releases (
    period        TEXT PRIMARY KEY, -- 2026-10, 2026-Q3 or 2025
    kind          TEXT NOT NULL CHECK (kind IN ('month', 'quarter', 'year')),
    year          INTEGER NOT NULL, -- the calendar year whose budget it spends
    starts_on     TEXT NOT NULL,
    ends_on       TEXT NOT NULL,
    published_at  TEXT NOT NULL,
    published_by  TEXT NOT NULL CHECK (published_by IN ('schedule', 'admin', 'command line')),
    epsilon       REAL NOT NULL CHECK (epsilon > 0),
    method        TEXT NOT NULL,
    library       TEXT NOT NULL,
    min_cell_size INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX releases_year ON releases (year, ends_on);

-- The ledger: what each table of a release spent and the contribution
-- bound its noise was scaled to, beside the bytes served for it.
CREATE TABLE release_tables (
    period    TEXT NOT NULL REFERENCES releases (period),
    name      TEXT NOT NULL,
    epsilon   REAL NOT NULL CHECK (epsilon > 0),
    l0        INTEGER NOT NULL,
    linf      INTEGER NOT NULL,
    bound     TEXT NOT NULL,
    margin_95 INTEGER NOT NULL,
    json      BLOB NOT NULL,
    csv       BLOB NOT NULL,
    PRIMARY KEY (period, name)
) WITHOUT ROWID;

CREATE TRIGGER releases_frozen_update BEFORE UPDATE ON releases
BEGIN SELECT RAISE(ABORT, 'a published release never changes'); END;
CREATE TRIGGER releases_frozen_delete BEFORE DELETE ON releases
BEGIN SELECT RAISE(ABORT, 'a published release never changes'); END;
CREATE TRIGGER release_tables_frozen_update BEFORE UPDATE ON release_tables
BEGIN SELECT RAISE(ABORT, 'a published release never changes'); END;
CREATE TRIGGER release_tables_frozen_delete BEFORE DELETE ON release_tables
BEGIN SELECT RAISE(ABORT, 'a published release never changes'); END;
