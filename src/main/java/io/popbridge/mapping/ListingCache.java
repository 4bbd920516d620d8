package io.popbridge.mapping;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The listing of each mailbox, kept in memory (Caffeine, bounded by the total number of messages
 * held) and persisted through the {@link MappingStore}, so that it survives restarts and is shared
 * by instances on one PostgreSQL store.
 *
 * <p>{@link #get} looks in memory first, then in the store. {@link #put} replaces the entry and
 * writes it to the store only when it differs from what was cached: a login to an unchanged
 * mailbox writes nothing.
 *
 * <p>Metrics (when a registry is given): Caffeine's {@code cache_gets{cache="listing",result=hit|miss}},
 * {@code cache_evictions}, {@code cache_size}, and {@code popbridge_listing_store_total{op=load|save|skip}}.
 *
 * <p>Thread-safe. Futures complete on a store thread (or at once for a memory hit).
 */
public final class ListingCache {

    private final Cache<MailboxKey, Listing> memory;
    private final MappingStore store;
    private final Counter loads;
    private final Counter saves;
    private final Counter skips;

    /**
     * @param store where listings persist; null keeps them in memory only
     * @param maxMessages the memory bound: the total messages of all cached listings (each listing
     *     weighs its message count + 1)
     * @param registry where to register the meters; null for none
     */
    public ListingCache(MappingStore store, long maxMessages, MeterRegistry registry) {
        if (maxMessages < 1) {
            throw new IllegalArgumentException("listing cache size must be at least 1, not " + maxMessages);
        }
        this.store = store;
        this.memory = Caffeine.newBuilder()
                .maximumWeight(maxMessages)
                .weigher((MailboxKey k, Listing l) -> (int) Math.min(Integer.MAX_VALUE, l.size() + 1L))
                .recordStats()
                .build();
        if (registry != null) {
            CaffeineCacheMetrics.monitor(registry, memory, "listing");
            loads = Counter.builder("popbridge.listing.store").tag("op", "load").register(registry);
            saves = Counter.builder("popbridge.listing.store").tag("op", "save").register(registry);
            skips = Counter.builder("popbridge.listing.store").tag("op", "skip").register(registry);
        } else {
            loads = null;
            saves = null;
            skips = null;
        }
    }

    /** The cached listing of {@code mailbox}: from memory, else from the store; empty if neither has one. */
    public CompletableFuture<Optional<Listing>> get(MailboxKey mailbox) {
        Listing inMemory = memory.getIfPresent(mailbox);
        if (inMemory != null || store == null) {
            return CompletableFuture.completedFuture(Optional.ofNullable(inMemory));
        }
        count(loads);
        return store.loadListing(mailbox).thenApply(loaded -> {
            loaded.ifPresent(l -> memory.asMap().putIfAbsent(mailbox, l));
            return loaded;
        });
    }

    /**
     * Caches {@code listing} as the current one of {@code mailbox} and, if it differs from the one
     * cached before, saves it to the store. The future completes when the save is done (at once
     * when nothing needed saving); a failed save leaves the memory entry in place.
     */
    public CompletableFuture<Void> put(MailboxKey mailbox, Listing listing) {
        Listing before = memory.asMap().put(mailbox, listing);
        if (store == null || listing.equals(before)) {
            count(skips);
            return CompletableFuture.completedFuture(null);
        }
        count(saves);
        return store.saveListing(mailbox, listing);
    }

    /** Forgets the memory entry (the stored one stays). */
    public void invalidate(MailboxKey mailbox) {
        memory.invalidate(mailbox);
    }

    /** Hit/miss/eviction counts of the memory tier. */
    public CacheStats stats() {
        return memory.stats();
    }

    /** Runs pending evictions now (Caffeine otherwise does them soon after, on another thread). */
    void cleanUp() {
        memory.cleanUp();
    }

    /** Listings currently in memory (approximate). */
    public long estimatedSize() {
        return memory.estimatedSize();
    }

    private static void count(Counter c) {
        if (c != null) {
            c.increment();
        }
    }
}
