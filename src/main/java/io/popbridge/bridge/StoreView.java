package io.popbridge.bridge;

import io.popbridge.mapping.MailboxKey;
import io.popbridge.mapping.MappingStore;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One session's view in the mapping store: the mailbox's key, the device ({@code ""} for the
 * default view) and whether the hidden set lives in the store: for a device, always (its deletes
 * must not touch the shared keyword); for the default view, when the upstream does not allow the
 * hide keyword.
 *
 * @param user the user name as the client sent it, without a device suffix
 * @param keywordUsable whether the selected mailbox accepts the hide keyword (PERMANENTFLAGS)
 */
record StoreView(MappingStore store, MailboxKey key, String user, String device, boolean keywordUsable,
        DeletePolicy.Kind policy) {

    private static final Logger log = LoggerFactory.getLogger(StoreView.class);

    /** Whether DELE hides in the store's hidden set of {@link #device} (and the listing reads it). */
    boolean keepsHidden() {
        return (policy == DeletePolicy.Kind.HIDE || policy == DeletePolicy.Kind.SEEN)
                && (!device.isEmpty() || !keywordUsable);
    }

    /**
     * Whether the listing must leave out the store's hidden set: with hide or seen always, also
     * for the default view on an upstream that allows the keyword now, since the store may hold
     * what was deleted while it did not (a message hidden once must never come back).
     */
    boolean readsHidden() {
        return policy == DeletePolicy.Kind.HIDE || policy == DeletePolicy.Kind.SEEN;
    }

    CompletableFuture<Void> hide(Collection<String> uidls) {
        return store.hide(key, device, uidls);
    }

    /** Persists a learnt size; a failure only costs a wrong LIST size later, so it is logged. */
    void learnSize(long uidValidity, long uid, long size) {
        store.learnSize(key, uidValidity, uid, size).whenComplete((ok, error) -> {
            if (error != null) {
                log.warn("could not record the true size of uid {}: {}", uid, error.getMessage());
            }
        });
    }
}
