-- The change feed: one row per change to a participant's journey, written
-- in the same transaction as the change. Rows hold ids and rungs only,
-- never a name, an external_ref or a note. participant_id has no foreign
-- key on purpose: the participant.erased item outlives the person.
CREATE TABLE changes (
    id             INTEGER PRIMARY KEY AUTOINCREMENT, -- the cursor: never reused, so it only grows
    at             TEXT NOT NULL,
    type           TEXT NOT NULL CHECK (type IN ('participant.created', 'participant.updated', 'placement.created',
                       'placement.deleted', 'consent.changed', 'participant.erased', 'role.started', 'role.ended',
                       'engagement.created')),
    participant_id INTEGER NOT NULL,
    placement_id   INTEGER,
    rung           INTEGER,
    role_id        INTEGER,
    body_id        INTEGER,
    engagement_id  INTEGER,
    program_id     INTEGER
);
CREATE INDEX changes_participant ON changes (participant_id);

-- Webhook endpoints. The signing secret is stored as issued: an HMAC key
-- must be readable to sign with, so it cannot be hashed like a token. The
-- database file is protected like everything else in it.
CREATE TABLE webhooks (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    url             TEXT NOT NULL,
    events          TEXT NOT NULL, -- comma-separated change types
    secret          TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    created_by      INTEGER REFERENCES users (id),
    failing_since   TEXT,          -- the first failure since the last success
    disabled_at     TEXT,
    disabled_reason TEXT
);

-- The outbox: one row per change and subscribed endpoint, written with the
-- change, removed once delivered or given up. The payload is built from the
-- change row at delivery time, so erasing a person's changes removes their
-- pending deliveries with them.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    endpoint_id     INTEGER NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    change_id       INTEGER NOT NULL REFERENCES changes (id) ON DELETE CASCADE,
    created_at      TEXT NOT NULL,
    next_attempt_at TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    UNIQUE (endpoint_id, change_id)
);
-- The deliverer reads each endpoint's queue in change order through the
-- UNIQUE index; outbox_change serves the cascade from an erased change.
CREATE INDEX outbox_change ON outbox (change_id);

-- Every delivery attempt: when, what the receiver answered, and what
-- happens next. Error text never holds a request or response body.
CREATE TABLE webhook_deliveries (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    endpoint_id INTEGER NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    change_id   INTEGER NOT NULL REFERENCES changes (id) ON DELETE CASCADE,
    attempt     INTEGER NOT NULL,
    at          TEXT NOT NULL,
    status      INTEGER,
    error       TEXT NOT NULL DEFAULT '',
    outcome     TEXT NOT NULL CHECK (outcome IN ('delivered', 'retrying', 'gave_up'))
);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, id);
CREATE INDEX webhook_deliveries_change ON webhook_deliveries (change_id);
