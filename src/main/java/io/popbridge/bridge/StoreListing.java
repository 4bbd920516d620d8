package io.popbridge.bridge;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.popbridge.imap.FetchedMessage;
import io.popbridge.imap.ImapClient;
import io.popbridge.mapping.Assignment;
import io.popbridge.mapping.MailboxKey;
import io.popbridge.mapping.MappingStore;
import io.popbridge.mapping.MessageFacts;
import io.popbridge.pop3.FailureKind;
import io.popbridge.pop3.MailboxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's part of a login: UIDLs for the listing (fingerprints gathered only for messages the
 * store does not know yet under this UIDVALIDITY), learnt sizes and, where the store keeps it, the
 * hidden set. Runs on the session's event loop; store calls hop back to it.
 */
final class StoreListing {

    private static final Logger log = LoggerFactory.getLogger(StoreListing.class);
    private static final String MESSAGE_ID_ITEM = "BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]";

    /** What the store says about one listing. */
    record Result(Map<Long, String> uidls, Map<Long, Long> sizes, Set<String> hidden, java.time.Instant firstLogin) {
    }

    private final ImapClient client;
    private final EventLoop loop;
    private final MappingStore store;
    private final MailboxKey key;
    private final long uidValidity;
    private final UpstreamObserver observer;
    private final String upstreamName;

    StoreListing(ImapClient client, EventLoop loop, MappingStore store, MailboxKey key, long uidValidity,
            UpstreamObserver observer, String upstreamName) {
        this.client = client;
        this.loop = loop;
        this.store = store;
        this.key = key;
        this.uidValidity = uidValidity;
        this.observer = observer;
        this.upstreamName = upstreamName;
    }

    /** The listing items to ask for: what the fingerprint needs besides UID, size and flags. */
    static List<String> listingItems(ImapClient client) {
        List<String> items = new ArrayList<>(List.of("UID", "RFC822.SIZE", "FLAGS", "INTERNALDATE"));
        if (client.hasCapability("OBJECTID")) {
            items.add("EMAILID");
        } else if (client.hasCapability("X-GM-EXT-1")) {
            items.add("X-GM-MSGID");
        }
        return items;
    }

    /**
     * Assigns UIDLs to {@code listing} and reads sizes and (if {@code hiddenDevice} is not null)
     * that device's hidden set. Fails with {@link FailureKind#SYS_TEMP} when the store fails, or
     * with the upstream failure of the header fetch; nothing is changed upstream either way.
     */
    Future<Result> run(List<FetchedMessage> listing, String hiddenDevice, boolean firstLogin) {
        Promise<Result> promise = loop.newPromise();
        onLoop(store.known(key, uidValidity), promise, known -> {
            List<Long> unknown = new ArrayList<>();
            for (FetchedMessage m : listing) {
                if (listed(m) && !known.containsKey(m.uid())) {
                    unknown.add(m.uid());
                }
            }
            Map<Long, String> messageIds = new HashMap<>();
            Future<Void> headers = unknown.isEmpty() ? loop.newSucceededFuture(null)
                    : Chain.each(loop, UidSets.of(unknown.stream().mapToLong(Long::longValue).sorted().distinct().toArray()),
                            set -> messageIds(set, messageIds));
            headers.addListener(fetched -> {
                if (!fetched.isSuccess()) {
                    observer.error(upstreamName, "listing");
                    promise.tryFailure(Failures.upstream("Message-ID headers", fetched.cause()));
                    return;
                }
                assign(listing, known, messageIds, hiddenDevice, firstLogin, promise);
            });
        });
        return promise;
    }

    /**
     * As {@link #run(List, String, boolean)} for a listing from the listing cache: the UIDLs it
     * records are taken as they are (they came from this store under this UIDVALIDITY), and only
     * messages without one are looked up ({@link MappingStore#known}) and, if the store does not
     * know them either, fingerprinted ({@code INTERNALDATE}, stable id, Message-ID in one
     * {@code UID FETCH} of just those UIDs) and assigned. A subset assignment gives each message
     * the UIDL a whole-listing assignment would: known UIDs keep theirs, the others are matched or
     * created in UID order against the same rows.
     */
    Future<Result> run(io.popbridge.mapping.Listing listing, String hiddenDevice, boolean firstLogin) {
        Promise<Result> promise = loop.newPromise();
        Map<Long, String> uidls = new HashMap<>(listing.size() * 2);
        List<Long> missing = new ArrayList<>();
        for (int i = 0; i < listing.size(); i++) {
            if (listing.uidl(i) != null) {
                uidls.put(listing.uid(i), listing.uidl(i));
            } else if (listing.uid(i) > 0 && listing.uid(i) <= 0xFFFF_FFFFL) {
                missing.add(listing.uid(i));
            }
        }
        if (missing.isEmpty()) {
            rest(new io.popbridge.mapping.Assignment(uidls, uidls.size(), 0, 0), hiddenDevice, firstLogin, promise);
            return promise;
        }
        onLoop(store.known(key, uidValidity), promise, known -> {
            List<Long> unknown = new ArrayList<>();
            for (long uid : missing) {
                String uidl = known.get(uid);
                if (uidl != null) {
                    uidls.put(uid, uidl);
                } else {
                    unknown.add(uid);
                }
            }
            if (unknown.isEmpty()) {
                rest(new io.popbridge.mapping.Assignment(uidls, uidls.size(), 0, 0), hiddenDevice, firstLogin, promise);
                return;
            }
            List<MessageFacts> facts = new ArrayList<>(unknown.size());
            Chain.each(loop, UidSets.of(unknown.stream().mapToLong(Long::longValue).sorted().toArray()),
                    set -> facts(set, listing, facts)).addListener(fetched -> {
                        if (!fetched.isSuccess()) {
                            observer.error(upstreamName, "listing");
                            promise.tryFailure(Failures.upstream("message fingerprints", fetched.cause()));
                            return;
                        }
                        if (facts.isEmpty()) { // all of them expunged since the listing
                            rest(new io.popbridge.mapping.Assignment(uidls, uidls.size(), 0, 0), hiddenDevice,
                                    firstLogin, promise);
                            return;
                        }
                        onLoop(store.assign(key, uidValidity, facts), promise, assignment -> {
                            uidls.putAll(assignment.uidls());
                            rest(new io.popbridge.mapping.Assignment(uidls, uidls.size() - assignment.rematched()
                                    - assignment.created(), assignment.rematched(), assignment.created()),
                                    hiddenDevice, firstLogin, promise);
                        });
                    });
        });
        return promise;
    }

    /**
     * Fingerprint facts of the messages in {@code set}, one FETCH (sizes from {@code listing});
     * expunged ones simply do not answer.
     */
    private Future<Void> facts(String set, io.popbridge.mapping.Listing listing, List<MessageFacts> out) {
        Promise<Void> done = loop.newPromise();
        List<String> items = new ArrayList<>(listingItems(client));
        items.remove("FLAGS");
        items.remove("RFC822.SIZE");
        items.add(MESSAGE_ID_ITEM);
        client.uidFetch(set, items).addListener(f -> {
            if (!f.isSuccess()) {
                done.setFailure(f.cause());
                return;
            }
            @SuppressWarnings("unchecked")
            List<FetchedMessage> fetched = (List<FetchedMessage>) f.getNow();
            Set<Long> seen = new java.util.HashSet<>();
            for (MessageFacts known : out) {
                seen.add(known.uid());
            }
            for (FetchedMessage m : fetched) {
                int index = listing.indexOf(m.uid());
                if (index >= 0 && seen.add(m.uid())) {
                    out.add(new MessageFacts(m.uid(), listing.messageSize(index), m.emailId(), messageId(m.header()),
                            m.internalDate()));
                }
            }
            done.setSuccess(null);
        });
        return done;
    }

    private void assign(List<FetchedMessage> listing, Map<Long, String> known, Map<Long, String> messageIds,
            String hiddenDevice, boolean firstLogin, Promise<Result> promise) {
        List<MessageFacts> facts = new ArrayList<>(listing.size());
        Set<Long> seen = new java.util.HashSet<>();
        for (FetchedMessage m : listing) {
            if (listed(m) && seen.add(m.uid())) {
                facts.add(new MessageFacts(m.uid(), m.rfc822Size(), m.emailId(), messageIds.get(m.uid()),
                        m.internalDate()));
            }
        }
        CompletableFuture<Assignment> assigned = known.keySet().containsAll(seen)
                ? CompletableFuture.completedFuture(new Assignment(known, known.size(), 0, 0))
                : store.assign(key, uidValidity, facts);
        onLoop(assigned, promise, assignment -> rest(assignment, hiddenDevice, firstLogin, promise));
    }

    /** Counts re-matches, then reads sizes, the hidden set and the first login. */
    private void rest(Assignment assignment, String hiddenDevice, boolean firstLogin, Promise<Result> promise) {
        if (assignment.rematched() > 0) {
            observer.uidlsRematched(upstreamName, assignment.rematched());
            log.info("UIDVALIDITY {} of a mailbox on {}: {} message(s) kept their UIDL by fingerprint, {} new",
                    uidValidity, upstreamName, assignment.rematched(), assignment.created());
        }
        onLoop(store.sizes(key, uidValidity), promise, sizes -> onLoop(hiddenDevice == null
                ? CompletableFuture.completedFuture(Set.<String>of()) : store.hidden(key, hiddenDevice), promise,
                hidden -> onLoop(firstLogin ? store.firstLogin(key) : CompletableFuture.completedFuture(null),
                        promise, since -> promise.trySuccess(new Result(assignment.uidls(), sizes, hidden, since)))));
    }

    private Future<Void> messageIds(String set, Map<Long, String> out) {
        Promise<Void> done = loop.newPromise();
        client.uidFetch(set, List.of("UID", MESSAGE_ID_ITEM)).addListener(f -> {
            if (!f.isSuccess()) {
                done.setFailure(f.cause());
                return;
            }
            @SuppressWarnings("unchecked")
            List<FetchedMessage> fetched = (List<FetchedMessage>) f.getNow();
            for (FetchedMessage m : fetched) {
                String id = messageId(m.header());
                if (id != null) {
                    out.put(m.uid(), id);
                }
            }
            done.setSuccess(null);
        });
        return done;
    }

    /** The Message-ID field's value, unfolded and trimmed, from {@code HEADER.FIELDS} octets. */
    static String messageId(byte[] header) {
        if (header == null) {
            return null;
        }
        String text = new String(header, StandardCharsets.ISO_8859_1).replaceAll("\r?\n[ \t]+", " ");
        for (String line : text.split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).strip().equalsIgnoreCase("Message-ID")) {
                String value = line.substring(colon + 1).strip();
                return value.isEmpty() ? null : value;
            }
        }
        return null;
    }

    static boolean listed(FetchedMessage m) {
        return m.uid() > 0 && m.uid() <= 0xFFFF_FFFFL && m.rfc822Size() >= 0;
    }

    /** Runs {@code next} on the event loop with the value, or fails {@code promise} as SYS/TEMP. */
    private <T> void onLoop(CompletableFuture<T> future, Promise<?> promise, java.util.function.Consumer<T> next) {
        future.whenComplete((value, error) -> loop.execute(() -> {
            if (error != null) {
                Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                observer.error(upstreamName, "store");
                promise.tryFailure(new MailboxException(FailureKind.SYS_TEMP, "mapping store: " + cause.getMessage(),
                        cause));
                return;
            }
            try {
                next.accept(value);
            } catch (RuntimeException e) {
                promise.tryFailure(new MailboxException(FailureKind.SYS_TEMP, "mapping store: " + e.getMessage(), e));
            }
        }));
    }
}
