package io.popbridge.imap;

import java.util.List;

/**
 * What changed in a mailbox since a mod-sequence (RFC 7162): FETCH responses of changed or new
 * messages, and the UIDs reported expunged (VANISHED, with or without EARLIER).
 *
 * @param changed the FETCH responses that carried a UID, in arrival order (a message may appear
 *     twice if it changed again meanwhile; the later one wins)
 * @param vanished UIDs reported gone; may include UIDs the client never knew
 */
public record Changes(List<FetchedMessage> changed, UidSet vanished) {
    public Changes {
        changed = List.copyOf(changed);
    }
}
