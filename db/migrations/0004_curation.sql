-- Curators: API keys (only a hash of the secret is stored), the history of every write, and the
-- responses remembered for Idempotency-Key retries.

CREATE TABLE api_keys (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    -- SHA-256 of the secret, hex. Secrets are 256 random bits, so a fast hash cannot be brute-forced.
    secret_hash TEXT NOT NULL UNIQUE,
    -- The first characters of the secret, to tell keys apart in listings without revealing them.
    prefix      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    revoked_at  TEXT
) STRICT;

-- Every write, in order: who, when, what it was before and after (full JSON documents; null
-- before a creation and after a deletion). The feed /v1/changes reads this table by seq.
CREATE TABLE revisions (
    seq         INTEGER PRIMARY KEY,
    collection  TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    action      TEXT NOT NULL CHECK (action IN ('create', 'update', 'delete', 'restore')),
    curator     TEXT NOT NULL,
    at          TEXT NOT NULL,
    before      TEXT,
    after       TEXT,
    note        TEXT
) STRICT;
CREATE INDEX ix_revisions_resource ON revisions (collection, resource_id, seq);

CREATE TABLE idempotency (
    key_id       INTEGER NOT NULL REFERENCES api_keys (id),
    idempotency_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status       INTEGER NOT NULL,
    location     TEXT,
    etag         TEXT,
    body         TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    PRIMARY KEY (key_id, idempotency_key)
) STRICT;
