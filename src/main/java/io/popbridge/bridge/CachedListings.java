package io.popbridge.bridge;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.popbridge.imap.ImapClient;
import io.popbridge.mapping.Listing;
import io.popbridge.mapping.ListingCache;
import io.popbridge.mapping.MailboxKey;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listing step of a login with the cache: look up the cached listing (memory, then store),
 * {@link ListingSync#sync} on the client's loop, and later {@link #save} the result. A failing
 * store never fails a login: the lookup then counts as a miss (a full listing) and a failed save
 * is logged and dropped.
 */
public final class CachedListings {
    private static final Logger log = LoggerFactory.getLogger(CachedListings.class);

    private final ListingCache cache;

    public CachedListings(ListingCache cache) {
        this.cache = cache;
    }

    /**
     * Selects {@code mailbox} on a logged-in client and returns its up-to-date listing, using the
     * cached one of {@code key} if any. Call on the client's event loop; completes there.
     */
    public Future<ListingSync.Result> open(ImapClient client, EventLoop loop, MailboxKey key, String mailbox,
            boolean readOnly, String hideKeyword) {
        Promise<ListingSync.Result> result = loop.newPromise();
        cache.get(key).whenComplete((cached, failure) -> loop.execute(() -> {
            Listing base = null;
            if (failure != null) {
                log.warn("listing cache lookup failed, listing in full: {}", failure.getMessage());
            } else {
                base = cached.orElse(null);
            }
            ListingSync.sync(client, loop, mailbox, readOnly, hideKeyword, base).addListener(f -> {
                if (f.isSuccess()) {
                    result.trySuccess((ListingSync.Result) f.getNow());
                } else {
                    result.tryFailure(f.cause());
                }
            });
        }));
        return result;
    }

    /**
     * Keeps {@code listing} (typically the synced one with the UIDLs given out recorded in it) as
     * the cached listing of {@code key}; written to the store only if it changed. Never fails.
     */
    public CompletableFuture<Void> save(MailboxKey key, Listing listing) {
        return cache.put(key, listing).exceptionally(e -> {
            log.warn("could not save the listing to the store: {}", e.getMessage());
            return null;
        });
    }
}
