-- An erasure leaves the erased rows in the write-ahead log until a
-- checkpoint truncates it, and readers can hold that off. The erasure's own
-- transaction adds a row here; the row goes only once the log is clean, so
-- a crash in between is finished on the next start. It holds no reference
-- to the person erased.
CREATE TABLE scrub_pending (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    requested_at TEXT NOT NULL
);
