package io.popbridge.migrate;

import io.popbridge.mapping.ImportResult;
import java.util.List;

/**
 * The outcome of importing one user. Holds numbers, UIDLs and UIDs only: never a password,
 * header or other message content.
 *
 * @param user the user name as given
 * @param oldMessages messages on the old server
 * @param imapMessages messages in the IMAP mailbox
 * @param matched old messages paired with an IMAP message
 * @param stored UIDLs newly recorded
 * @param unchanged UIDLs recorded already by an earlier run
 * @param unmatched old messages with no IMAP counterpart: "number uidl" each
 * @param conflicts pairs the store refused (the UID keeps the UIDL it has)
 * @param invalid old messages whose UIDL is not valid RFC 1939 or appears twice: "number" each
 * @param error why the user failed, or null
 */
public record UserReport(String user, int oldMessages, int imapMessages, int matched, int stored, int unchanged,
        List<String> unmatched, List<ImportResult.Conflict> conflicts, List<Integer> invalid, MigrationException error) {

    public UserReport {
        unmatched = List.copyOf(unmatched);
        conflicts = List.copyOf(conflicts);
        invalid = List.copyOf(invalid);
    }

    static UserReport failed(String user, MigrationException error) {
        return new UserReport(user, 0, 0, 0, 0, 0, List.of(), List.of(), List.of(), error);
    }

    public boolean failed() {
        return error != null;
    }

    /** The report lines for the admin. */
    public List<String> lines() {
        if (error != null) {
            return List.of(user + ": FAILED (" + error.kind().name().toLowerCase(java.util.Locale.ROOT) + "): "
                    + error.getMessage());
        }
        List<String> out = new java.util.ArrayList<>();
        out.add(user + ": " + oldMessages + " on the old server, " + imapMessages + " in the IMAP mailbox; matched "
                + matched + " (stored " + stored + ", already imported " + unchanged + "), unmatched " + unmatched.size()
                + ", conflicts " + conflicts.size() + (invalid.isEmpty() ? "" : ", invalid UIDLs " + invalid.size()));
        unmatched.forEach(u -> out.add(user + ":   unmatched old message " + u));
        conflicts.forEach(c -> out.add(user + ":   conflict UID " + c.entry().facts().uid() + " old UIDL "
                + c.entry().uidl() + ": " + (c.reason() == ImportResult.Reason.UID_HAS_ANOTHER_UIDL
                        ? "the UID already has UIDL " + c.existing() + " (kept)"
                        : "the UIDL already belongs to another message (not given twice)")));
        invalid.forEach(n -> out.add(user + ":   old message " + n + " has an invalid or duplicate UIDL (skipped)"));
        return out;
    }
}
