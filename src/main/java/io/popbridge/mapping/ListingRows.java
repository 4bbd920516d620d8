package io.popbridge.mapping;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The SQL of the {@code listing} table (schema 2). */
final class ListingRows {
    private static final Logger log = LoggerFactory.getLogger(ListingRows.class);

    private ListingRows() {
    }

    /** Encodes outside the transaction, then upserts the one row of the mailbox. */
    static Void save(Connection c, Dialect dialect, MailboxKey mailbox, Listing listing) throws SQLException {
        byte[] data = ListingCodec.encode(listing);
        return Jdbc.transaction(c, () -> {
            long id = Jdbc.lockMailbox(c, dialect, mailbox);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO listing"
                    + " (mailbox_id, uid_validity, highest_modseq, message_count, data, saved_at)"
                    + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (mailbox_id) DO UPDATE SET"
                    + " uid_validity = excluded.uid_validity, highest_modseq = excluded.highest_modseq,"
                    + " message_count = excluded.message_count, data = excluded.data, saved_at = excluded.saved_at")) {
                ps.setLong(1, id);
                ps.setLong(2, listing.uidValidity());
                ps.setLong(3, listing.highestModSeq());
                ps.setInt(4, listing.size());
                ps.setBytes(5, data);
                ps.setLong(6, System.currentTimeMillis());
                ps.executeUpdate();
            }
            return null;
        });
    }

    static Optional<Listing> load(Connection c, MailboxKey mailbox) throws SQLException {
        byte[] data;
        try (PreparedStatement ps = c.prepareStatement("SELECT l.data FROM listing l"
                + " JOIN mailbox m ON m.id = l.mailbox_id"
                + " WHERE m.upstream = ? AND m.username = ? AND m.name = ?")) {
            Jdbc.setKey(ps, mailbox);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                data = rs.getBytes(1);
            }
        }
        try {
            return Optional.of(ListingCodec.decode(data));
        } catch (IllegalArgumentException e) {
            log.warn("stored listing of a mailbox of upstream {} is unreadable ({}); it will be replaced",
                    mailbox.upstream(), e.getMessage());
            return Optional.empty();
        }
    }
}
