package io.popbridge.mapping;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of {@link MappingStore#importUidls}: every entry passed in is in exactly one of
 * the three lists.
 *
 * @param stored entries now recorded: the store gives out their UIDL for their UID
 * @param unchanged entries the store already held exactly so (an import run twice)
 * @param conflicts entries not recorded because they would break a UIDL guarantee
 */
public record ImportResult(List<ImportedUidl> stored, List<ImportedUidl> unchanged, List<Conflict> conflicts) {
    public ImportResult {
        stored = List.copyOf(stored);
        unchanged = List.copyOf(unchanged);
        conflicts = List.copyOf(conflicts);
    }

    /** Why an entry was not recorded. */
    public enum Reason {
        /**
         * The UID already has another UIDL (popbridge gave it out, or an earlier import stored
         * another one); a POP3 client may have seen it, so it is kept.
         */
        UID_HAS_ANOTHER_UIDL,
        /** The UIDL already belongs to another message of the mailbox; a UIDL is never given to two. */
        UIDL_BELONGS_TO_ANOTHER_MESSAGE
    }

    /**
     * An entry that was not recorded.
     *
     * @param entry what the import asked for
     * @param reason why it was refused
     * @param existing the UIDL the UID already has ({@link Reason#UID_HAS_ANOTHER_UIDL}), else null
     */
    public record Conflict(ImportedUidl entry, Reason reason, String existing) {
        public Conflict {
            Objects.requireNonNull(entry, "entry");
            Objects.requireNonNull(reason, "reason");
        }
    }
}
