package io.popbridge.bridge;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.popbridge.imap.ImapClient;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logged-in upstream IMAP sessions kept for a short idle time after a POP3 session ended cleanly,
 * so that the same user's next poll skips connect, TLS and login (docs/security.md says why this
 * is safe).
 *
 * <p>An idle session is found by {@link Key} (route, upstream login name, mailbox) and handed out
 * only when the new login's password gives the same verifier: HMAC-SHA256 of the password under a
 * random key made per pool (so per process), compared with {@link MessageDigest#isEqual}. The
 * plaintext is never kept. At most one idle session per key; at most
 * {@link ReuseOptions#maxIdle()} in all. A session is dropped (LOGOUT) when its idle time ends,
 * evicted when the upstream closes it, and logged out by {@link #close()}.
 *
 * <p>Threading: an {@link ImapClient} is confined to one event loop at a time. An idle session is
 * handed to a POP3 session on any loop: the taker moves it to its own loop
 * ({@link ImapClient#moveTo}) before using it. Taking removes it from the index under this
 * object's lock, so exactly one session gets it. The index is shared by all loops; client calls
 * happen on the client's current loop.
 */
public final class UpstreamSessionPool implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(UpstreamSessionPool.class);

    /**
     * What an idle session was logged in as. {@code login} holds the octets sent, one char each;
     * {@code client} is the POP3 client's IP address where the route forwards it upstream (IMAP ID
     * before the login, so the upstream's policies saw that address), else empty.
     */
    public record Key(Route route, String login, String mailbox, String client) {

        public Key {
            Objects.requireNonNull(route, "route");
            Objects.requireNonNull(login, "login");
            Objects.requireNonNull(mailbox, "mailbox");
            Objects.requireNonNull(client, "client");
        }

        static Key of(Route route, byte[] login, String mailbox, io.popbridge.pop3.SessionContext context) {
            String client = "";
            if (route.forwardClientAddress() && context.clientAddress() instanceof java.net.InetSocketAddress inet
                    && inet.getAddress() != null) {
                client = inet.getAddress().getHostAddress();
            }
            return new Key(route, new String(login, StandardCharsets.ISO_8859_1), mailbox, client);
        }

        @Override
        public String toString() {
            return "Key[" + route.label() + ", " + mailbox + "]"; // no user names or addresses in stray logs
        }
    }

    /**
     * A session handed out: {@code loggedInAt} ({@link System#nanoTime()}) is when its real upstream
     * login happened, which reuse does not renew.
     */
    record Kept(ImapClient client, long loggedInAt) {
    }

    private static final class Entry {
        final Key key;
        final ImapClient client;
        final EventLoop loop;
        final byte[] verifier;
        final long loggedInAt;
        ScheduledFuture<?> expiry;

        Entry(Key key, ImapClient client, EventLoop loop, byte[] verifier, long loggedInAt) {
            this.key = key;
            this.client = client;
            this.loop = loop;
            this.verifier = verifier.clone();
            this.loggedInAt = loggedInAt;
        }

        /** Leaves the pool: no verifier outlives its entry. */
        void drop() {
            java.util.Arrays.fill(verifier, (byte) 0);
            if (expiry != null) {
                expiry.cancel(false);
            }
        }
    }

    private final ReuseOptions options;
    private final SecretKeySpec secret;
    private final Map<Key, Entry> idle = new HashMap<>(); // guarded by this
    private boolean closed; // guarded by this

    /** One keyed Mac per thread (event loops): Mac.getInstance is a provider lookup, too slow per login. */
    private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(this::newMac);

    public UpstreamSessionPool(ReuseOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        this.secret = new SecretKeySpec(key, "HmacSHA256");
    }

    /** A pool that never keeps anything. */
    public static UpstreamSessionPool disabled() {
        return new UpstreamSessionPool(ReuseOptions.DISABLED);
    }

    public boolean enabled() {
        return options.enabled();
    }

    /** Idle sessions kept now. */
    public synchronized int size() {
        return idle.size();
    }

    /** The verifier of {@code password}: HMAC-SHA256 under this pool's random key. */
    byte[] verifier(byte[] password) {
        return macs.get().doFinal(password); // doFinal resets the Mac for the next use
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(secret);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e); // every Java 17 runtime has it
        }
    }

    /**
     * Takes the idle session for {@code key} if it was logged in with a password of the same
     * {@code verifier}; null otherwise. The session may live on another event loop than the
     * caller's: the caller moves it ({@link ImapClient#moveTo}) before any other call. A mismatch
     * leaves the idle session in place: a wrong password must not be a way to end someone else's
     * idle session early; the caller logs in for real and gets the upstream's answer. A session
     * whose real login is older than max-age is logged out (on its loop) instead of handed out.
     */
    Kept take(Key key, byte[] verifier) {
        Entry entry;
        synchronized (this) {
            entry = idle.get(key);
            if (entry == null || !MessageDigest.isEqual(entry.verifier, verifier)) {
                return null;
            }
            idle.remove(key);
        }
        entry.drop();
        if (!entry.client.isActive()) {
            entry.client.close();
            return null;
        }
        if (tooOld(entry.loggedInAt)) {
            logoutOnLoop(entry);
            return null;
        }
        return new Kept(entry.client, entry.loggedInAt);
    }

    private boolean tooOld(long loggedInAt) {
        return System.nanoTime() - loggedInAt >= options.maxAge().toNanos();
    }

    /**
     * Once per fresh session that may later be offered: when the upstream closes it (BYE, reset,
     * timeout) while it is idle, it is evicted.
     */
    void track(Key key, ImapClient client) {
        client.closeFuture().addListener(f -> {
            synchronized (this) {
                Entry entry = idle.get(key);
                if (entry != null && entry.client == client) {
                    idle.remove(key);
                    entry.drop();
                    log.debug("idle upstream session closed by the upstream");
                }
            }
        });
    }

    /**
     * Keeps {@code client}, whose POP3 session ended cleanly with nothing outstanding, for the idle
     * time (never past max-age after {@code loggedInAt}); logs it out instead when reuse is off, the
     * pool is full or closed, the connection is gone or too old. One idle session per key: when one
     * is kept already (two sessions of the user ran at once), the one with the same password and
     * the more recent real login stays (it may be handed out longer) and the other logs out; a
     * session of another password replaces the kept one (the newest password is the one that
     * worked last). Called on the client's loop, {@code loop}.
     */
    void offer(Key key, ImapClient client, EventLoop loop, byte[] verifier, long loggedInAt) {
        if (!options.enabled() || !client.isActive() || tooOld(loggedInAt)) {
            client.logout();
            return;
        }
        Entry entry = new Entry(key, client, loop, verifier, loggedInAt);
        client.setAutoRead(true); // notice a BYE or a close while idle
        long keep = Math.min(options.idleTime().toNanos(),
                options.maxAge().toNanos() - (System.nanoTime() - loggedInAt));
        entry.expiry = loop.schedule(() -> expire(entry), keep, TimeUnit.NANOSECONDS);
        Entry replaced;
        boolean kept;
        synchronized (this) {
            Entry existing = closed ? null : idle.get(key);
            if (existing != null && existing.loggedInAt - loggedInAt >= 0
                    && MessageDigest.isEqual(existing.verifier, verifier)) {
                // Same user and password kept already, with a login as recent: keep that one.
                replaced = null;
                kept = false;
            } else {
                replaced = closed ? null : idle.remove(key);
                kept = !closed && idle.size() < options.maxIdle();
            }
            if (kept) {
                idle.put(key, entry);
            }
        }
        if (replaced != null) {
            logoutOnLoop(replaced);
        }
        if (!kept) {
            entry.drop();
            client.logout();
        }
    }

    private void expire(Entry entry) {
        synchronized (this) {
            if (idle.get(entry.key) != entry) {
                return;
            }
            idle.remove(entry.key);
        }
        entry.drop();
        log.debug("idle upstream session expired; logging out");
        entry.client.logout();
    }

    /** Logs out every idle session and keeps no more. Returns at once; the LOGOUTs run on their loops. */
    @Override
    public void close() {
        List<Entry> all;
        synchronized (this) {
            closed = true;
            all = new ArrayList<>(idle.values());
            idle.clear();
        }
        all.forEach(UpstreamSessionPool::logoutOnLoop);
    }

    private static void logoutOnLoop(Entry entry) {
        try {
            entry.loop.execute(() -> { // the loop it was offered on, still its loop while idle
                entry.drop();
                entry.client.logout();
            });
        } catch (RejectedExecutionException e) {
            entry.drop();
            entry.client.close(); // the loop is shutting down and closes its channels anyway
        }
    }
}
