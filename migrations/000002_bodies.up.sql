-- Bodies where participants hold roles (advisory boards, speakers bureaus,
-- boards of directors, committees, staff), the dated terms held in them,
-- speaking engagements, and the evidence a placement was accepted on.

CREATE TABLE bodies (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE COLLATE NOCASE,
    kind        TEXT NOT NULL CHECK (kind IN ('advisory_board', 'speakers_bureau', 'board_of_directors', 'committee', 'staff')),
    description TEXT NOT NULL DEFAULT '',
    seats       INTEGER CHECK (seats IS NULL OR seats > 0),
    rung        INTEGER NOT NULL CHECK (rung BETWEEN 1 AND 5),
    term_months INTEGER CHECK (term_months IS NULL OR term_months > 0),
    term_limit  INTEGER CHECK (term_limit IS NULL OR term_limit > 0),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

-- One row per term: people leave, return and are re-appointed.
CREATE TABLE roles (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    body_id        INTEGER NOT NULL REFERENCES bodies (id),
    participant_id INTEGER NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    title          TEXT NOT NULL,
    starts_on      TEXT NOT NULL,
    ends_on        TEXT, -- inclusive; NULL while open-ended
    recorded_by    INTEGER NOT NULL REFERENCES users (id),
    recorded_at    TEXT NOT NULL,
    CHECK (ends_on IS NULL OR ends_on >= starts_on)
);
CREATE INDEX roles_body ON roles (body_id, starts_on);
CREATE INDEX roles_participant ON roles (participant_id, body_id, starts_on);
CREATE INDEX roles_ends ON roles (ends_on);

CREATE TABLE speaking_engagements (
    id            INTEGER PRIMARY KEY,
    body_id       INTEGER NOT NULL REFERENCES bodies (id),
    held_on       TEXT NOT NULL,
    audience      TEXT NOT NULL CHECK (audience IN ('city_council', 'state_legislature', 'media', 'funders', 'conference', 'school', 'community', 'other')),
    topic         TEXT NOT NULL,
    speaker_count INTEGER NOT NULL CHECK (speaker_count > 0), -- stays when an erased speaker's row goes
    recorded_by   INTEGER NOT NULL REFERENCES users (id),
    recorded_at   TEXT NOT NULL
);
CREATE INDEX speaking_engagements_body ON speaking_engagements (body_id, held_on);

CREATE TABLE speakers (
    speaking_engagement_id INTEGER NOT NULL REFERENCES speaking_engagements (id) ON DELETE CASCADE,
    participant_id         INTEGER NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    PRIMARY KEY (speaking_engagement_id, participant_id)
) WITHOUT ROWID;
CREATE INDEX speakers_participant ON speakers (participant_id);

-- What a placement was accepted on: a role or engagements of the same person.
CREATE TABLE placement_evidence (
    placement_id INTEGER NOT NULL REFERENCES placements (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('role', 'engagement')),
    ref_id       INTEGER NOT NULL,
    rung         INTEGER NOT NULL CHECK (rung BETWEEN 1 AND 5),
    on_date      TEXT NOT NULL,
    what         TEXT NOT NULL,
    PRIMARY KEY (placement_id, kind, ref_id)
) WITHOUT ROWID;
