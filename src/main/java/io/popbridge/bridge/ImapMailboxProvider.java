package io.popbridge.bridge;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.popbridge.imap.FetchedMessage;
import io.popbridge.imap.ImapClient;
import io.popbridge.imap.SelectedMailbox;
import io.popbridge.mapping.MappingStore;
import io.popbridge.pop3.Credentials;
import io.popbridge.pop3.FailureKind;
import io.popbridge.pop3.Mailbox;
import io.popbridge.pop3.MailboxException;
import io.popbridge.pop3.MailboxProvider;
import io.popbridge.pop3.SessionContext;
import io.popbridge.pop3.TokenLogin;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens POP3 mailboxes by logging into the user's upstream IMAP server as the user: choose the
 * upstream with the {@link Router} (by the name the client sent), connect on the session's event
 * loop, log in (AUTHENTICATE PLAIN or LOGIN with the password, or AUTHENTICATE
 * with a passed-through token; a password login sends the name as the route's {@link LoginRewrite}
 * makes it), SELECT the mailbox, then take the snapshot with
 * {@code UID FETCH 1:* (UID RFC822.SIZE FLAGS)}; with a mapping store, the listing cache brings
 * the last login's listing up to date instead ({@link CachedStoreLogin}, docs/mapping.md).
 *
 * <p>Credentials that could never be sent safely (CR, LF or NUL) are refused before any upstream
 * contact. Secrets are wiped once the login command is encoded; no log line carries them.
 */
public final class ImapMailboxProvider implements MailboxProvider {

    private static final Logger log = LoggerFactory.getLogger(ImapMailboxProvider.class);
    private static final List<String> LISTING_ITEMS = List.of("UID", "RFC822.SIZE", "FLAGS");

    private final BridgeOptions options;
    private final SizeCorrections sizes = new SizeCorrections(100_000);
    private final UpstreamObserver observer;
    private final RouteResolver router;
    /** Null: UIDLs derived from UIDVALIDITY and UID, sizes learnt in memory only. */
    private final MappingStore store;
    private final MappingOptions mapping;
    /** Idle logged-in upstream sessions kept for the same user's next poll (disabled: never kept). */
    private final UpstreamSessionPool pool;
    /** Null: no listing cache (no store, or {@code listing-cache.max-messages: 0}). */
    private final CachedStoreLogin.Shared cached;

    public ImapMailboxProvider(BridgeOptions options) {
        this(options, UpstreamObserver.NONE);
    }

    /** As {@link #ImapMailboxProvider(BridgeOptions)}, telling {@code observer} about upstream work. */
    public ImapMailboxProvider(BridgeOptions options, UpstreamObserver observer) {
        this(options, Router.single(new Route(options.upstream(), options.imap(), LoginRewrite.AS_IS)), observer);
    }

    /**
     * Sends each user to the upstream {@code router} chooses for the name the client sent;
     * {@code options} gives the mailbox and policies (its upstream is not used).
     */
    public ImapMailboxProvider(BridgeOptions options, RouteResolver router, UpstreamObserver observer) {
        this(options, router, observer, null, MappingOptions.DEFAULTS);
    }

    /**
     * As {@link #ImapMailboxProvider(BridgeOptions, RouteResolver, UpstreamObserver)}, with UIDLs, learnt
     * sizes and store-kept hidden sets in {@code store} (owned by the caller, who closes it), and
     * per-device views as {@code mapping} says.
     */
    public ImapMailboxProvider(BridgeOptions options, RouteResolver router, UpstreamObserver observer, MappingStore store,
            MappingOptions mapping) {
        this(options, router, observer, store, mapping, defaultListingCache(store, mapping));
    }

    private static io.popbridge.mapping.ListingCache defaultListingCache(MappingStore store, MappingOptions mapping) {
        return store == null || mapping.listingCacheMaxMessages() == 0 ? null
                : new io.popbridge.mapping.ListingCache(store, mapping.listingCacheMaxMessages(), null);
    }

    /**
     * As above, with the listing cache {@code listingCache} (null: none; owned by the caller, so
     * that it outlives a provider replaced by a configuration reload). With a store and a cache,
     * logins use it ({@link CachedStoreLogin}), date windows included (the cached listing keeps
     * every message's INTERNALDATE).
     */
    public ImapMailboxProvider(BridgeOptions options, RouteResolver router, UpstreamObserver observer, MappingStore store,
            MappingOptions mapping, io.popbridge.mapping.ListingCache listingCache) {
        this(options, router, observer, store, mapping, listingCache, UpstreamSessionPool.disabled());
    }

    /**
     * As {@link #ImapMailboxProvider(BridgeOptions, RouteResolver, UpstreamObserver, MappingStore,
     * MappingOptions)}, keeping cleanly ended password sessions in {@code pool} (owned by the
     * caller, who closes it) for reuse by the same user's next login with the same password.
     */
    public ImapMailboxProvider(BridgeOptions options, RouteResolver router, UpstreamObserver observer, MappingStore store,
            MappingOptions mapping, UpstreamSessionPool pool) {
        this(options, router, observer, store, mapping, defaultListingCache(store, mapping), pool);
    }

    /** With the listing cache {@code listingCache} (as above) and the idle-session {@code pool}. */
    public ImapMailboxProvider(BridgeOptions options, RouteResolver router, UpstreamObserver observer, MappingStore store,
            MappingOptions mapping, io.popbridge.mapping.ListingCache listingCache, UpstreamSessionPool pool) {
        this.pool = Objects.requireNonNull(pool, "pool");
        this.options = Objects.requireNonNull(options, "options");
        this.router = Objects.requireNonNull(router, "router");
        this.observer = Objects.requireNonNull(observer, "observer");
        this.store = store;
        this.mapping = Objects.requireNonNull(mapping, "mapping");
        this.cached = store == null || listingCache == null ? null
                : new CachedStoreLogin.Shared(options, mapping, store, new CachedListings(listingCache), sizes, observer);
    }

    @Override
    public Future<Mailbox> open(Credentials credentials, SessionContext context) {
        if (containsLineBreakOrNul(credentials.user()) || containsLineBreakOrNul(credentials.password())) {
            credentials.wipe();
            return refused(context, new MailboxException(FailureKind.AUTH,
                    "credentials contain CR, LF or NUL; not sent upstream"));
        }
        String user = credentials.userName();
        String device = "";
        byte[] upstreamUser = credentials.user();
        String separator = mapping.deviceSeparator();
        int at = separator.isEmpty() || store == null ? -1 : user.lastIndexOf(separator);
        if (at >= 0) {
            device = user.substring(at + separator.length());
            user = user.substring(0, at);
            if (!MappingOptions.validDevice(device) || user.isEmpty()) {
                credentials.wipe();
                String why = "Device name after '" + separator + "' must be 1 to " + MappingOptions.MAX_DEVICE_LENGTH
                        + " of A-Z a-z 0-9 . _ -";
                return refused(context, MailboxException.withReply(FailureKind.AUTH, why, why + "."));
            }
            upstreamUser = user.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        byte[] sent = upstreamUser;
        String routedUser = user;
        String routedDevice = device;
        return routed(user, context, credentials::wipe, route -> {
            byte[] login = route.upstreamLogin(sent);
            Reuse reuse = pool.enabled() ? new Reuse(UpstreamSessionPool.Key.of(route, login, options.mailbox(), context),
                    pool.verifier(credentials.password())) : null;
            return open(context, route, routedUser, routedDevice, client -> client.login(login, credentials.password()),
                    credentials::wipe, reuse);
        });
    }

    /**
     * Passes the token mechanism through with AUTHENTICATE; the upstream must advertise it. The
     * route is chosen by {@link TokenLogin#user()}; the token itself is sent unchanged (a login
     * rewrite cannot apply inside it).
     */
    @Override
    public Future<Mailbox> open(TokenLogin login, SessionContext context) {
        // Token logins never reuse an idle session: a token is not a stable secret to compare.
        return routed(login.user(), context, login::wipe, route -> open(context, route, login.user(), "",
                client -> client.authenticate(login.mechanism(), login.initialResponse()), login::wipe, null));
    }

    // --- routing hook: RouteResolver (Router, or an HTTP lookup) may answer later ---

    /** Resolves the route of {@code user}, then {@code then}; a failed resolution wipes and fails. */
    private Future<Mailbox> routed(String user, SessionContext context, Runnable wipe,
            Function<Route, Future<Mailbox>> then) {
        Future<Route> route;
        try {
            route = router.resolve(user, context);
        } catch (RuntimeException e) {
            route = context.eventLoop().newFailedFuture(e);
        }
        if (route.isDone() && route.isSuccess()) {
            return then.apply(route.getNow());
        }
        Promise<Mailbox> promise = context.eventLoop().newPromise();
        route.addListener(resolved -> context.eventLoop().execute(() -> {
            if (!resolved.isSuccess()) {
                wipe.run();
                MailboxException failure = resolved.cause() instanceof MailboxException m ? m
                        : new MailboxException(FailureKind.SYS_TEMP, "routing failed: " + resolved.cause());
                log.warn("mailbox open failed: {}", failure.getMessage());
                promise.setFailure(failure);
                return;
            }
            then.apply((Route) resolved.getNow()).addListener(opened -> {
                if (opened.isSuccess()) {
                    promise.setSuccess((Mailbox) opened.getNow());
                } else {
                    promise.setFailure(opened.cause());
                }
            });
        }));
        return promise;
    }

    private Future<Mailbox> refused(SessionContext context, MailboxException failure) {
        log.info("mailbox open refused: {}", failure.getMessage());
        return context.eventLoop().newFailedFuture(failure);
    }

    /** A password login's reuse key and password verifier (see {@link UpstreamSessionPool}). */
    private record Reuse(UpstreamSessionPool.Key key, byte[] verifier) {
    }

    /**
     * With {@code reuse}, first an idle session of the same key and password, moved to this
     * session's event loop if it idled on another: select and snapshot on it as on a fresh one; if
     * that fails, or there is none, log in afresh.
     */
    private Future<Mailbox> open(SessionContext context, Route route, String user, String device,
            Function<ImapClient, Future<Void>> login, Runnable wipe, Reuse reuse) {
        Promise<Mailbox> promise = context.eventLoop().newPromise();
        UpstreamSessionPool.Kept idle = reuse == null ? null : pool.take(reuse.key(), reuse.verifier());
        if (idle == null) {
            connectAndLogin(context, route, user, device, login, wipe, reuse, promise);
            return promise;
        }
        Promise<Mailbox> attempt = context.eventLoop().newPromise();
        idle.client().moveTo(context.eventLoop()).addListener(moved -> {
            if (moved.isSuccess()) {
                selectAndList(idle.client(), context, route, user, device, attempt);
            } else {
                idle.client().close(); // runs on whichever loop the client is on
                attempt.setFailure(moved.cause());
            }
        });
        attempt.addListener(f -> {
            if (f.isSuccess()) {
                wipe.run();
                observer.upstreamSession(route.label(), true);
                promise.setSuccess(releasing((Mailbox) f.getNow(), reuse, context.eventLoop(), idle.loggedInAt()));
            } else {
                // The kept connection failed (e.g. dropped unnoticed): a real login decides.
                log.info("reused upstream session failed; logging in afresh");
                connectAndLogin(context, route, user, device, login, wipe, reuse, promise);
            }
        });
        return promise;
    }

    /**
     * Makes a cleanly ended {@code mailbox} go back to the pool instead of logging out, at once
     * (before the POP3 QUIT is answered, so that the client's next poll finds it). The mailbox stays
     * selected: the next session's SELECT replaces the selection (CLOSE would expunge; UNSELECT
     * would cost a round trip before parking and gain nothing, since a reused session sends no
     * ENABLE again).
     */
    private Mailbox releasing(Mailbox mailbox, Reuse reuse, EventLoop loop, long loggedInAt) {
        if (reuse != null && mailbox instanceof ImapMailbox imap) {
            imap.releaseTo(client -> pool.offer(reuse.key(), client, loop, reuse.verifier(), loggedInAt));
        }
        return mailbox;
    }

    /**
     * Connect, {@code login}, {@code wipe} (right after the login command is encoded, or on a
     * connect failure), then select and snapshot.
     */
    private void connectAndLogin(SessionContext context, Route route, String user, String device,
            Function<ImapClient, Future<Void>> login, Runnable wipe, Reuse reuse, Promise<Mailbox> promise) {
        long connectStart = System.nanoTime();
        String upstreamName = route.label();
        ImapClient.connect(context.eventLoop(), route.endpoint(), route.imap()).addListener(connected -> {
            observer.connected(upstreamName, connected.isSuccess(), System.nanoTime() - connectStart);
            if (!connected.isSuccess()) {
                observer.error(upstreamName, "connect");
                wipe.run();
                MailboxException failure = Failures.upstream("connect to " + route.endpoint().host(),
                        connected.cause());
                log.warn("mailbox open failed: {}", failure.getMessage());
                promise.setFailure(failure);
                return;
            }
            ImapClient client = (ImapClient) connected.getNow();
            Future<Void> loggedIn;
            try {
                ClientAddressForwarding.beforeLogin(client, route, context);
                loggedIn = login.apply(client);
            } finally {
                wipe.run();
            }
            loggedIn.addListener(done -> {
                if (!done.isSuccess()) {
                    MailboxException failure = Failures.login(done.cause());
                    if (failure.kind() != FailureKind.AUTH) {
                        observer.error(upstreamName, "login");
                    }
                    fail(client, promise, failure);
                    return;
                }
                observer.upstreamSession(upstreamName, false);
                if (reuse == null) {
                    selectAndList(client, context, route, user, device, promise);
                    return;
                }
                pool.track(reuse.key(), client);
                long loggedInAt = System.nanoTime();
                Promise<Mailbox> listed = context.eventLoop().newPromise();
                selectAndList(client, context, route, user, device, listed);
                listed.addListener(f -> {
                    if (f.isSuccess()) {
                        promise.setSuccess(releasing((Mailbox) f.getNow(), reuse, context.eventLoop(), loggedInAt));
                    } else {
                        promise.setFailure(f.cause());
                    }
                });
            });
        });
    }

    /**
     * SELECT, then the snapshot: the same on a fresh session and on a reused one, so that each POP3
     * session starts from the mailbox as it is now.
     */
    private void selectAndList(ImapClient client, SessionContext context, Route route, String user, String device,
            Promise<Mailbox> promise) {
        String upstreamName = route.label();
                MappingOptions.Window window = store == null ? null : mapping.windowOf(user);
                if (cached != null) {
                    CachedStoreLogin.open(cached, client, context.eventLoop(), upstreamName,
                            MailboxKeys.of(route, user, options.mailbox()), user, device, window, promise,
                            failure -> fail(client, promise, failure));
                    return;
                }
                client.select(options.mailbox(), false).addListener(selected -> {
                    if (!selected.isSuccess()) {
                        observer.error(upstreamName, "select");
                        fail(client, promise, Failures.upstream("select " + options.mailbox(), selected.cause()));
                        return;
                    }
                    SelectedMailbox mailbox = (SelectedMailbox) selected.getNow();
                    if (store == null) {
                        takeSnapshot(client, context.eventLoop(), upstreamName, user, mailbox, promise);
                    } else {
                        StoreView view = new StoreView(store, MailboxKeys.of(route, user, options.mailbox()), user, device,
                                mailbox.allowsKeyword(options.hideKeyword()) && !mailbox.readOnly(),
                                options.deletePolicy().kind());
                        takeStoreSnapshot(client, context.eventLoop(), upstreamName, view, mailbox, promise);
                    }
                });
    }

    private static boolean containsLineBreakOrNul(byte[] value) {
        for (byte b : value) {
            if (b == '\r' || b == '\n' || b == 0) {
                return true;
            }
        }
        return false;
    }

    private void takeSnapshot(ImapClient client, EventLoop loop, String upstreamName, String user,
            SelectedMailbox selected, Promise<Mailbox> promise) {
        String mailboxKey = SizeCorrections.mailboxKey(upstreamName, user, options.mailbox(), selected.uidValidity());
        SizeCorrections.View learnt = sizes.view(mailboxKey, (uid, size) -> observer.sizeCorrected(upstreamName));
        if (selected.exists() == 0) {
            // "1:*" on an empty mailbox is an error on some servers; there is nothing to list anyway.
            promise.setSuccess(new ImapMailbox(client, loop, options, selected, Snapshot.EMPTY, learnt,
                    observer, upstreamName));
            return;
        }
        client.uidFetch("1:*", LISTING_ITEMS).addListener(fetched -> {
            if (!fetched.isSuccess()) {
                observer.error(upstreamName, "listing");
                fail(client, promise, Failures.upstream("listing", fetched.cause()));
                return;
            }
            @SuppressWarnings("unchecked")
            List<FetchedMessage> listing = (List<FetchedMessage>) fetched.getNow();
            Snapshot snapshot = Snapshot.of(listing, selected.uidValidity(), options.hideKeyword(), learnt::size);
            promise.setSuccess(new ImapMailbox(client, loop, options, selected, snapshot, learnt,
                    observer, upstreamName));
        });
    }

    /** As {@link #takeSnapshot}, with UIDLs, sizes and (where it keeps them) hidden sets from the store. */
    private void takeStoreSnapshot(ImapClient client, EventLoop loop, String upstreamName, StoreView view,
            SelectedMailbox selected, Promise<Mailbox> promise) {
        SizeCorrections.View learnt = sizes.view(SizeCorrections.mailboxKey(upstreamName, view.key().user(),
                options.mailbox(), selected.uidValidity()), (uid, size) -> {
                    observer.sizeCorrected(upstreamName);
                    view.learnSize(selected.uidValidity(), uid, size);
                });
        MappingOptions.Window window = mapping.windowOf(view.user());
        if (selected.exists() == 0) {
            // Nothing to list; but "from now on" starts at the first login, empty mailbox or not.
            java.util.concurrent.CompletableFuture<?> first = window.fromNowOn() ? store.firstLogin(view.key())
                    : java.util.concurrent.CompletableFuture.completedFuture(null);
            first.whenComplete((ok, error) -> loop.execute(() -> {
                if (error != null) {
                    observer.error(upstreamName, "store");
                    fail(client, promise, new MailboxException(FailureKind.SYS_TEMP, "mapping store: "
                            + error.getMessage(), error));
                } else {
                    promise.setSuccess(new ImapMailbox(client, loop, options, selected, Snapshot.EMPTY, learnt,
                            observer, upstreamName, view));
                }
            }));
            return;
        }
        client.uidFetch("1:*", StoreListing.listingItems(client)).addListener(fetched -> {
            if (!fetched.isSuccess()) {
                observer.error(upstreamName, "listing");
                fail(client, promise, Failures.upstream("listing", fetched.cause()));
                return;
            }
            @SuppressWarnings("unchecked")
            List<FetchedMessage> listing = (List<FetchedMessage>) fetched.getNow();
            new StoreListing(client, loop, store, view.key(), selected.uidValidity(), observer, upstreamName)
                    .run(listing, view.readsHidden() ? view.device() : null, window.fromNowOn()).addListener(stored -> {
                        if (!stored.isSuccess()) {
                            fail(client, promise, Failures.upstream("mapping store", stored.cause()));
                            return;
                        }
                        StoreListing.Result result = (StoreListing.Result) stored.getNow();
                        Snapshot snapshot = Snapshot.of(listing, selected.uidValidity(),
                                view.device().isEmpty() ? options.hideKeyword() : null,
                                uid -> result.uidls().get(uid), result.hidden()::contains,
                                (uid, reported) -> result.sizes().getOrDefault(uid, learnt.size(uid, reported)),
                                Windows.filter(window, result.firstLogin(), java.time.Instant.now()), window.newest());
                        promise.setSuccess(new ImapMailbox(client, loop, options, selected, snapshot, learnt,
                                observer, upstreamName, view));
                    });
        });
    }

    private static void fail(ImapClient client, Promise<Mailbox> promise, MailboxException failure) {
        log.info("mailbox open failed: {}", failure.getMessage());
        client.close();
        promise.setFailure(failure);
    }

    static boolean hasFlag(FetchedMessage message, String flag) {
        String lower = flag.toLowerCase(Locale.ROOT);
        for (String f : message.flags()) {
            if (f.toLowerCase(Locale.ROOT).equals(lower)) {
                return true;
            }
        }
        return false;
    }
}
