-- Schema 1: mailboxes, UIDL assignments with fingerprints, hidden sets, learnt sizes.
-- Portable between SQLite and PostgreSQL; ${id} is the dialect's auto-numbered primary key.
CREATE TABLE mailbox (
    id ${id},
    upstream VARCHAR(255) NOT NULL,
    username VARCHAR(320) NOT NULL,
    name VARCHAR(1024) NOT NULL,
    UNIQUE (upstream, username, name)
);

-- One row per UIDL ever given out; rows are never deleted, so a UIDL is never reused.
-- (uid_validity, uid) is where the message was last seen; a re-match after a UIDVALIDITY change
-- moves it. device is '' for the default view (per-device views are reserved for later).
CREATE TABLE uidl (
    mailbox_id BIGINT NOT NULL REFERENCES mailbox (id),
    device VARCHAR(255) NOT NULL DEFAULT '',
    uidl VARCHAR(70) NOT NULL,
    uid_validity BIGINT NOT NULL,
    uid BIGINT NOT NULL,
    stable_id VARCHAR(255),
    header_fp VARCHAR(64),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (mailbox_id, device, uidl),
    UNIQUE (mailbox_id, device, uid_validity, uid)
);

CREATE TABLE hidden (
    mailbox_id BIGINT NOT NULL REFERENCES mailbox (id),
    device VARCHAR(255) NOT NULL,
    uidl VARCHAR(70) NOT NULL,
    hidden_at BIGINT NOT NULL,
    PRIMARY KEY (mailbox_id, device, uidl)
);

CREATE TABLE learnt_size (
    mailbox_id BIGINT NOT NULL REFERENCES mailbox (id),
    uid_validity BIGINT NOT NULL,
    uid BIGINT NOT NULL,
    size BIGINT NOT NULL,
    learnt_at BIGINT NOT NULL,
    PRIMARY KEY (mailbox_id, uid_validity, uid)
);
