-- Accounts, the programme inventory, consenting participants and their
-- history, and the audit trail. Times are RFC 3339 UTC text; dates are
-- YYYY-MM-DD text; rungs are 1 (observer) to 5 (leader). Rows erased with a
-- participant use AUTOINCREMENT, so an erased person's ids are never given
-- to someone else: the audit trail and integrations keep meaning one person.

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE COLLATE NOCASE,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'staff', 'coordinator', 'leadership')),
    password_hash TEXT NOT NULL,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until  TEXT,
    created_at    TEXT NOT NULL,
    disabled_at   TEXT
);

CREATE TABLE sessions (
    token_hash BLOB PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash   BLOB NOT NULL UNIQUE,
    name         TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at   TEXT
);

CREATE TABLE programs (
    id               INTEGER PRIMARY KEY,
    name             TEXT NOT NULL UNIQUE COLLATE NOCASE,
    description      TEXT NOT NULL DEFAULT '',
    beneficiaries    TEXT NOT NULL DEFAULT '',
    estimated_served INTEGER CHECK (estimated_served IS NULL OR estimated_served >= 0),
    rung             INTEGER NOT NULL CHECK (rung BETWEEN 1 AND 5),
    strategies       TEXT NOT NULL DEFAULT '', -- comma-separated strategy values
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);

-- A staff user's caseload: the programs whose participants they see.
CREATE TABLE user_programs (
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    program_id INTEGER NOT NULL REFERENCES programs (id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, program_id)
) WITHOUT ROWID;

CREATE TABLE participants (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    external_ref    TEXT NOT NULL UNIQUE,
    display_name    TEXT NOT NULL,
    current_rung    INTEGER NOT NULL CHECK (current_rung BETWEEN 1 AND 5), -- kept equal to the latest effective placement
    consented_since TEXT NOT NULL,                                         -- earliest consent date
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX participants_rung ON participants (current_rung, id);

CREATE TABLE enrollments (
    participant_id INTEGER NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    program_id     INTEGER NOT NULL REFERENCES programs (id),
    PRIMARY KEY (participant_id, program_id)
) WITHOUT ROWID;
CREATE INDEX enrollments_program ON enrollments (program_id, participant_id);

-- Every consent given, renewed or changed; the current one is the latest recorded.
CREATE TABLE consents (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    participant_id INTEGER NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    given_on       TEXT NOT NULL,
    method         TEXT NOT NULL CHECK (method IN ('written', 'verbal', 'electronic')),
    scopes         TEXT NOT NULL, -- comma-separated scope values
    recorded_by    INTEGER NOT NULL REFERENCES users (id),
    recorded_at    TEXT NOT NULL
);
CREATE INDEX consents_participant ON consents (participant_id, id);

CREATE TABLE placements (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    participant_id INTEGER NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    rung           INTEGER NOT NULL CHECK (rung BETWEEN 1 AND 5),
    effective_on   TEXT NOT NULL,
    note           TEXT NOT NULL DEFAULT '',
    recorded_by    INTEGER NOT NULL REFERENCES users (id),
    recorded_at    TEXT NOT NULL
);
CREATE INDEX placements_participant ON placements (participant_id, effective_on, recorded_at, id);

CREATE TABLE engagements (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    participant_id INTEGER NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    occurred_on    TEXT NOT NULL,
    activity       TEXT NOT NULL,
    program_id     INTEGER REFERENCES programs (id),
    strategy       TEXT CHECK (strategy IS NULL OR strategy IN ('organizing', 'education', 'networking', 'advocacy', 'electoral')),
    note           TEXT NOT NULL DEFAULT '',
    recorded_by    INTEGER NOT NULL REFERENCES users (id),
    recorded_at    TEXT NOT NULL
);
CREATE INDEX engagements_participant ON engagements (participant_id, occurred_on);
CREATE INDEX engagements_program ON engagements (program_id, occurred_on);

CREATE TABLE capacity_checkins (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    participant_id      INTEGER NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    assessed_on         TEXT NOT NULL,
    perspective         TEXT NOT NULL CHECK (perspective IN ('self', 'staff')),
    self_advocacy       INTEGER NOT NULL CHECK (self_advocacy BETWEEN 1 AND 4),
    root_cause_analysis INTEGER NOT NULL CHECK (root_cause_analysis BETWEEN 1 AND 4),
    leadership          INTEGER NOT NULL CHECK (leadership BETWEEN 1 AND 4),
    note                TEXT NOT NULL DEFAULT '',
    recorded_by         INTEGER NOT NULL REFERENCES users (id),
    recorded_at         TEXT NOT NULL
);
CREATE INDEX capacity_checkins_participant ON capacity_checkins (participant_id, assessed_on);

-- Who did what, when, from where. No names, external_refs or notes of participants.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    user_id     INTEGER, -- no foreign key: the trail outlives accounts
    user_email  TEXT NOT NULL DEFAULT '',
    action      TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_id   INTEGER,
    remote_addr TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);
CREATE INDEX audit_log_user ON audit_log (user_id, id);
