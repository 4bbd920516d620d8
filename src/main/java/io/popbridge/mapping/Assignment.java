package io.popbridge.mapping;

import java.util.Map;

/**
 * The result of {@link MappingStore#assign}: the UIDL of every message of the listing and how it
 * was obtained, for logs and metrics.
 *
 * @param uidls UID to UIDL for every message passed in (unmodifiable)
 * @param known how many messages already had a UIDL under this UIDVALIDITY
 * @param rematched how many messages under a new UIDVALIDITY were matched by fingerprint to an
 *     earlier UIDL, which they keep
 * @param created how many messages got a new UIDL
 */
public record Assignment(Map<Long, String> uidls, int known, int rematched, int created) {
    public Assignment {
        uidls = Map.copyOf(uidls);
    }
}
