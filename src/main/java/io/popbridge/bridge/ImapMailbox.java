package io.popbridge.bridge;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.popbridge.imap.ImapClient;
import io.popbridge.imap.SelectedMailbox;
import io.popbridge.pop3.BodySink;
import io.popbridge.pop3.FailureKind;
import io.popbridge.pop3.Mailbox;
import io.popbridge.pop3.MailboxException;
import io.popbridge.pop3.MessageList;
import java.util.List;
import java.util.SortedSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A POP3 mailbox served from one selected IMAP mailbox. Event-loop confined, like the client.
 */
final class ImapMailbox implements Mailbox {

    private static final Logger log = LoggerFactory.getLogger(ImapMailbox.class);

    /** First TOP body window; doubled per further window up to {@link #MAX_TOP_WINDOW}. */
    static final int FIRST_TOP_WINDOW = 4096;
    static final int MAX_TOP_WINDOW = 1 << 20;

    private final ImapClient client;
    private final EventLoop loop;
    private final BridgeOptions options;
    private final SelectedMailbox selected;
    private final Snapshot snapshot;
    private final SizeCorrections.View sizes;
    private final UpstreamObserver observer;
    private final String upstreamName;
    /** Null without a mapping store. */
    private final StoreView view;
    /** Commands whose answer is still outstanding; abandon() closes instead of logging out then. */
    private int busy;
    /** The next message fetched ahead of its RETR, not yet claimed; null when none. */
    private Prefetch prefetch;
    /** RETR and TOP requests so far, to tell whether one came between a hint and its task. */
    private int requests;
    private boolean closed;
    /** Null: log out at the end; else where a cleanly ended session's client goes (the reuse pool). */
    private java.util.function.Consumer<ImapClient> release;
    /** The delete policy is being applied: its commands are outstanding, so the client is not released. */
    private boolean committing;

    ImapMailbox(ImapClient client, EventLoop loop, BridgeOptions options, SelectedMailbox selected,
            Snapshot snapshot, SizeCorrections.View sizes) {
        this(client, loop, options, selected, snapshot, sizes, UpstreamObserver.NONE, "-");
    }

    ImapMailbox(ImapClient client, EventLoop loop, BridgeOptions options, SelectedMailbox selected,
            Snapshot snapshot, SizeCorrections.View sizes, UpstreamObserver observer, String upstreamName) {
        this(client, loop, options, selected, snapshot, sizes, observer, upstreamName, null);
    }

    ImapMailbox(ImapClient client, EventLoop loop, BridgeOptions options, SelectedMailbox selected,
            Snapshot snapshot, SizeCorrections.View sizes, UpstreamObserver observer, String upstreamName,
            StoreView view) {
        this.view = view;
        this.observer = observer;
        this.upstreamName = upstreamName;
        this.sizes = sizes;
        this.client = client;
        this.loop = loop;
        this.options = options;
        this.selected = selected;
        this.snapshot = snapshot;
    }

    @Override
    public MessageList messages() {
        return snapshot;
    }

    @Override
    public void retrieve(int number, BodySink sink) {
        long uid = snapshot.uid(number);
        long listed = snapshot.size(number);
        Prefetch ahead = takePrefetch(number, false);
        if (ahead != null) {
            BodyRelay relay = ahead.claim(new BodyRelay(client, sink));
            ahead.fetch.addListener(done -> completeRetrieve(uid, listed, relay, done));
            return;
        }
        BodyRelay relay = new BodyRelay(client, sink);
        busy++;
        client.uidFetchBody(uid, "BODY.PEEK[]", relay).addListener(done -> {
            busy--;
            completeRetrieve(uid, listed, relay, done);
        });
    }

    /** The RETR's fetch (its own, or a claimed prefetch) completed: ends or fails the reply. */
    private void completeRetrieve(long uid, long listed, BodyRelay relay, Future<?> done) {
        BodySink sink = relay.sink;
        relay.resume();
        if (!done.isSuccess()) {
            fetchFailed();
            sink.fail(Failures.fetch("RETR uid " + uid, done.cause()));
            return;
        }
        if (!relay.started) {
            sink.fail(new MailboxException(FailureKind.MESSAGE_GONE, "uid " + uid + " no longer exists"));
            return;
        }
        if (options.retrievePolicy() != RetrievePolicy.SEEN) {
            endRetrieve(uid, listed, relay);
            return;
        }
        // \Seen is stored before the reply ends, so that a pipelined QUIT (which logs out)
        // cannot overtake it.
        busy++;
        client.uidStore(Long.toString(uid), "+FLAGS.SILENT", List.of("\\Seen")).addListener(stored -> {
            busy--;
            if (!stored.isSuccess()) {
                log.info("could not mark uid {} \\Seen: {}", uid, stored.cause().getMessage());
            }
            endRetrieve(uid, listed, relay);
        });
    }

    /**
     * Starts fetching message {@code number} ahead of its RETR (see {@link Mailbox#prefetch}), if
     * prefetching is on, the message's listed size is within {@code prefetchLimit} and nothing is
     * prefetched already. {@code BODY.PEEK[]} only: under the seen policy the flag is stored when
     * the client actually retrieves the message. The command is pipelined behind whatever is in
     * flight, so the upstream answers it while the previous message is still going to the client.
     */
    @Override
    public void prefetch(int number) {
        later(number, false);
    }

    /** The same for the header of {@code number}, ahead of its TOP. */
    @Override
    public void prefetchHeader(int number) {
        later(number, true);
    }

    /**
     * Starts the prefetch in the next event-loop task rather than now: when the reply in progress
     * was served from memory, its end is still unflushed, and the client should get it before this
     * session spends time on an upstream write. Skipped if another RETR or TOP ran in between (a
     * client that pipelines its commands).
     */
    private void later(int number, boolean header) {
        int seen = requests;
        loop.execute(() -> {
            if (requests == seen) {
                startPrefetch(number, header);
            }
        });
    }

    private void startPrefetch(int number, boolean header) {
        int limit = options.prefetchLimit();
        if (limit <= 0 || closed || committing || prefetch != null || !client.isActive()
                || number < 1 || number > snapshot.count()
                || !header && snapshot.size(number) > limit) {
            return;
        }
        Prefetch ahead = Prefetch.start(client, number, snapshot.uid(number), header, limit);
        prefetch = ahead;
        busy++;
        ahead.fetch.addListener(done -> {
            busy--;
            ahead.fetched(done);
            if (!done.isSuccess()) {
                log.debug("prefetch of uid {} failed: {}", ahead.uid, done.cause().toString());
            }
        });
    }

    @Override
    public void discardPrefetch(int number) {
        if (prefetch != null && prefetch.number == number) {
            dropPrefetch();
        }
    }

    /** The prefetch for RETR or TOP of {@code number} if there is a usable one; any other is dropped. */
    private Prefetch takePrefetch(int number, boolean top) {
        requests++;
        Prefetch ahead = prefetch;
        prefetch = null;
        if (ahead == null) {
            return null;
        }
        if (ahead.serves(number, top)) {
            return ahead;
        }
        ahead.drop();
        return null;
    }

    /** Drops the prefetch; returns it if its fetch is still outstanding (it then counts in busy). */
    private Prefetch dropPrefetch() {
        Prefetch ahead = prefetch;
        prefetch = null;
        if (ahead == null) {
            return null;
        }
        ahead.drop();
        return ahead.fetch.isDone() ? null : ahead;
    }

    /**
     * Ends the RETR reply, then compares what was really sent (the front end counts it while
     * normalising line ends, so the message is not scanned twice) with the size LIST announced.
     * A mismatch never changes the message: it is sent whole, logged, and later sessions list the
     * true size.
     */
    private void endRetrieve(long uid, long listed, BodyRelay relay) {
        relay.sink.end();
        long sent = relay.sink.messageOctets();
        if (sent >= 0 && sent != listed) {
            log.warn("uid {}: listed {} octets (RFC822.SIZE) but the server sent {}; later sessions list {}",
                    uid, listed, relay.received, sent);
            sizes.learn(uid, sent);
        }
    }

    @Override
    public void top(int number, long lines, BodySink sink) {
        long uid = snapshot.uid(number);
        Prefetch ahead = takePrefetch(number, true);
        HeaderRelay header = new HeaderRelay(client, sink);
        Future<Integer> fetch;
        if (ahead != null) {
            ahead.claim(header);
            fetch = ahead.fetch;
        } else {
            busy++;
            fetch = client.uidFetchBody(uid, "BODY.PEEK[HEADER]", header);
            fetch.addListener(done -> busy--);
        }
        fetch.addListener(done -> {
            header.resume();
            if (!done.isSuccess()) {
                sink.fail(Failures.fetch("TOP uid " + uid, done.cause()));
            } else if (!header.started) {
                sink.fail(new MailboxException(FailureKind.MESSAGE_GONE, "uid " + uid + " no longer exists"));
            } else if (lines == 0) {
                header.completeHeader();
                sink.end();
            } else {
                header.completeHeader();
                topWindow(uid, new TopRelay(client, sink, lines), 0, FIRST_TOP_WINDOW);
            }
        });
    }

    private void topWindow(long uid, TopRelay relay, long offset, int length) {
        busy++;
        client.uidFetchBody(uid, "BODY.PEEK[TEXT]<" + offset + "." + length + ">", relay).addListener(done -> {
            busy--;
            relay.resume();
            if (!done.isSuccess()) {
                relay.sink.fail(Failures.fetch("TOP uid " + uid, done.cause()));
            } else if ((Integer) done.getNow() == 0) {
                relay.sink.fail(new MailboxException(FailureKind.MESSAGE_GONE, "uid " + uid + " vanished during TOP"));
            } else if (relay.satisfied() || relay.announced != length) {
                // Enough lines; or the body ended inside this window; or the server ignored the
                // partial range and sent the whole text, in which case asking again would repeat it.
                relay.sink.end();
            } else {
                topWindow(uid, relay, offset + length, Math.min(length * 2, MAX_TOP_WINDOW));
            }
        });
    }

    @Override
    public Future<Void> commit(SortedSet<Integer> deleted) {
        Promise<Void> promise = loop.newPromise();
        Prefetch ahead = dropPrefetch(); // the policy's commands queue behind its fetch
        if (deleted.isEmpty()) {
            logoutAfter(ahead);
            return promise.setSuccess(null);
        }
        committing = true;
        long[] uids = deleted.stream().mapToLong(snapshot::uid).sorted().toArray();
        List<String> sets = UidSets.of(uids);
        Future<Void> policy = view != null && view.keepsHidden()
                ? hideInStore(deleted, sets)
                : Policies.apply(client, loop, options, selected, sets);
        policy.addListener(applied -> {
            committing = false;
            if (applied.isSuccess()) {
                log.debug("applied {} to {} messages", options.deletePolicy(), uids.length);
                observer.deletesApplied(options.deletePolicy(), uids.length);
                logout();
                promise.setSuccess(null);
            } else {
                observer.error(upstreamName, "policy");
                close();
                promise.setFailure(Failures.upstream("delete policy " + options.deletePolicy(), applied.cause()));
            }
        });
        return promise;
    }

    /**
     * The hide policy where the store keeps the hidden set: {@code \Seen} first for the seen
     * policy (only on the shared view, never the keyword), then the UIDLs into the store.
     */
    private Future<Void> hideInStore(SortedSet<Integer> deleted, List<String> sets) {
        List<String> uidls = deleted.stream().map(snapshot::uidl).toList();
        Future<Void> seen = options.deletePolicy().kind() == DeletePolicy.Kind.SEEN
                ? Chain.each(loop, sets, set -> client.uidStore(set, "+FLAGS.SILENT", List.of("\\Seen")))
                : loop.newSucceededFuture(null);
        Promise<Void> done = loop.newPromise();
        seen.addListener(f -> {
            if (!f.isSuccess()) {
                done.setFailure(f.cause());
                return;
            }
            view.hide(uidls).whenComplete((ok, error) -> loop.execute(() -> {
                if (error == null) {
                    done.setSuccess(null);
                } else {
                    Throwable cause = error.getCause() != null ? error.getCause() : error;
                    done.setFailure(new MailboxException(FailureKind.SYS_TEMP, "mapping store: " + cause.getMessage(),
                            cause));
                }
            }));
        });
        return done;
    }

    private void fetchFailed() {
        observer.error(upstreamName, "fetch");
    }

    @Override
    public void abandon() {
        Prefetch ahead = dropPrefetch();
        if (busy > (ahead == null ? 0 : 1)) {
            close(); // a transfer is under way: do not read the rest of it just to say goodbye
        } else {
            logoutAfter(ahead);
        }
    }

    /**
     * At a clean end (nothing outstanding), hand the logged-in client to {@code release} instead of
     * logging out; see {@link UpstreamSessionPool}.
     */
    void releaseTo(java.util.function.Consumer<ImapClient> release) {
        this.release = release;
    }

    private void logout() {
        logoutAfter(dropPrefetch());
    }

    /**
     * Logs out (or hands the client to the reuse pool) once {@code ahead}, a dropped prefetch whose
     * fetch is still outstanding, has ended; at once when it is null. Waiting lets a session that
     * ends during a prefetch still keep its upstream client for reuse; the octets still to come
     * are released as they arrive.
     */
    private void logoutAfter(Prefetch ahead) {
        if (closed) {
            return;
        }
        closed = true;
        if (ahead == null) {
            endUpstream();
            return;
        }
        ahead.fetch.addListener(done -> {
            if (done.isSuccess()) {
                endUpstream();
            } else {
                client.close();
            }
        });
    }

    private void endUpstream() {
        if (release != null && busy == 0 && !committing) {
            release.accept(client);
        } else {
            client.logout();
        }
    }

    private void close() {
        closed = true;
        client.close();
    }
}
