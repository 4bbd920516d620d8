-- Schema 2: the listing cache. One row per mailbox: the last listing popbridge saw (UIDs, sizes,
-- \Deleted / hide-keyword bits, UIDLs) in the compact encoding of mapping.ListingCodec, with the
-- state that says whether it is still current, so that a login to an unchanged mailbox needs no
-- full listing from the upstream, also after a restart or on another instance.
-- ${blob} is the dialect's binary column type.
CREATE TABLE listing (
    mailbox_id BIGINT NOT NULL PRIMARY KEY REFERENCES mailbox (id),
    uid_validity BIGINT NOT NULL,
    highest_modseq BIGINT NOT NULL,
    message_count INTEGER NOT NULL,
    data ${blob} NOT NULL,
    saved_at BIGINT NOT NULL
);
