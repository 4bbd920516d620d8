package io.popbridge.imap;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEventLoop;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One authenticated-to-be connection to an IMAP server.
 *
 * <p>Threading: create with {@link #connect} on the event loop that owns the POP3 client channel;
 * every method must then be called on that loop and every future completes on it. An idle
 * client can be handed to another loop with {@link #moveTo}; from then on, that loop is its loop.
 * Commands may be issued without waiting for earlier ones (they are pipelined and matched by
 * tag), except that a command with a synchronizing literal holds back later ones until the server's
 * continuation arrives.
 *
 * <p>Failure: futures fail with {@link ImapException} subclasses. A protocol error, timeout or
 * BYE fails every pending command and closes the connection.
 */
public final class ImapClient {

    private static final long LOGOUT_WAIT_MILLIS = 5000;

    private final ImapConnection connection;

    private ImapClient(ImapConnection connection) {
        this.connection = connection;
    }

    /**
     * Connects, establishes TLS as the endpoint requires, reads the greeting and makes sure the
     * capabilities are known (from the greeting's CAPABILITY code or a CAPABILITY command,
     * repeated after STARTTLS). Completes on {@code loop}.
     *
     * <p>TLS: the certificate is verified by {@code options.sslContext()} with the host name check
     * always on, then matched against {@code options.publicKeyPins()} if any; nothing is read or
     * sent over TLS before that. With {@link UpstreamEndpoint.Security#STARTTLS}, a server that does
     * not offer or refuses STARTTLS, greets with PREAUTH, or sends anything between the STARTTLS OK
     * and the handshake fails the connect. These failures, and a failed handshake or verification,
     * are {@link ImapException.Insecure}; the connection is closed.
     */
    public static Future<ImapClient> connect(EventLoop loop, UpstreamEndpoint endpoint, ImapClientOptions options) {
        Promise<ImapClient> result = loop.newPromise();
        if (endpoint.security() != UpstreamEndpoint.Security.PLAIN && options.sslContext() == null) {
            result.setFailure(new IllegalArgumentException("TLS to " + endpoint.host() + " needs options.sslContext"));
            return result;
        }
        if (options.sslContext() != null && !options.sslContext().isClient()) {
            result.setFailure(new IllegalArgumentException("options.sslContext must be a client context"));
            return result;
        }
        ImapConnection connection = new ImapConnection(options, endpoint);
        Bootstrap bootstrap = new Bootstrap().group(loop).channel(socketChannelFor(loop))
                .resolver(Resolvers.forLoop(loop))
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
                        Math.max(1, options.connectTimeout().toMillis())))
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (endpoint.security() == UpstreamEndpoint.Security.IMPLICIT_TLS) {
                            ch.pipeline().addLast("tls", connection.newSslHandler(ch));
                        }
                        connection.install(ch);
                    }
                });
        ScheduledFuture<?> deadline = loop.schedule(() -> {
            result.tryFailure(new ImapException.Timeout("no greeting from " + endpoint.host() + " within "
                    + options.connectTimeout()));
        }, options.connectTimeout().toNanos(), TimeUnit.NANOSECONDS);
        result.addListener(f -> {
            deadline.cancel(false);
            if (!f.isSuccess() && connection.channel() != null) {
                connection.failAndClose(f.cause() instanceof ImapException e ? e
                        : new ImapException.Closed("connect failed", f.cause()));
            }
        });
        bootstrap.connect(endpoint.host(), endpoint.port()).addListener((ChannelFuture f) -> {
            if (!f.isSuccess()) {
                result.tryFailure(f.cause() instanceof ConnectTimeoutException
                        ? new ImapException.Timeout("connect to " + endpoint.host() + " timed out")
                        : new ImapException.Closed("connect to " + endpoint.host() + " failed", f.cause()));
                return;
            }
            if (result.isDone()) {
                f.channel().close();
                return;
            }
            ImapClient client = new ImapClient(connection);
            // implicit TLS: nothing is read or sent before the certificate and pins are verified
            Future<Void> ready = then(loop, connection.tlsReady(), v -> connection.greeting());
            ready = then(loop, ready, v -> client.ensureCapabilities());
            if (endpoint.security() == UpstreamEndpoint.Security.STARTTLS) {
                ready = then(loop, ready, v -> {
                    if (!client.hasCapability("STARTTLS")) {
                        return loop.newFailedFuture(new ImapException.Insecure(
                                "server does not offer STARTTLS; refusing to continue in the clear"));
                    }
                    return then(loop, connection.startTls(), t -> client.capability());
                });
            }
            ready.addListener(r -> {
                if (r.isSuccess()) {
                    result.trySuccess(client);
                } else {
                    result.tryFailure(r.cause());
                }
            });
        });
        return result;
    }

    /** Capabilities as last reported, upper case (e.g. "UIDPLUS", "MOVE", "LITERAL+"). */
    public Set<String> capabilities() {
        return connection.capabilities();
    }

    public boolean hasCapability(String name) {
        return connection.hasCapability(name);
    }

    /**
     * Logs in with the raw octets of user and password: {@code AUTHENTICATE PLAIN} (RFC 4616, empty
     * authorization identity) when the server advertises AUTH=PLAIN, with the response on the
     * command line when it also advertises SASL-IR (RFC 4959); otherwise LOGIN with each value sent
     * as a quoted string when it is safe 7-bit text, else as a literal. Fails with
     * {@link IllegalArgumentException} (before anything is sent) if either contains CR, LF or NUL,
     * and with {@link ImapException.Rejected} (code LOGINDISABLED, nothing sent) if LOGIN is the
     * only way and the server disabled it. Refreshes capabilities from the tagged OK, or with a
     * CAPABILITY command when the OK carries none, before completing. The octets sent are wiped
     * once the server has answered.
     */
    public Future<Void> login(byte[] user, byte[] password) {
        if (!isSafeCredential(user) || !isSafeCredential(password)) {
            return failed(new IllegalArgumentException("user name or password contains CR, LF or NUL"));
        }
        if (hasCapability("AUTH=PLAIN")) {
            byte[] message = new byte[user.length + password.length + 2];
            System.arraycopy(user, 0, message, 1, user.length);
            System.arraycopy(password, 0, message, user.length + 2, password.length);
            Future<Void> sent = sasl("PLAIN", message);
            wipeIfEncoded(message);
            return sent;
        }
        if (hasCapability("LOGINDISABLED")) {
            return failed(new ImapException.Rejected("LOGIN", "NO", "LOGINDISABLED", "server disabled LOGIN"));
        }
        return refreshingCapabilities(connection.submit("LOGIN", e -> e.string(user).string(password),
                new Commands.Login(promise(), null)));
    }

    /**
     * {@code AUTHENTICATE <mechanism>} with a client-first response the caller already holds, for
     * passing a token through (XOAUTH2, OAUTHBEARER). The response goes on the command line when
     * the server advertises SASL-IR, otherwise after its continuation request. If the server
     * answers with a challenge (an XOAUTH2 / OAUTHBEARER error report), the exchange is aborted as
     * the mechanism prescribes and the command fails with {@link ImapException.Rejected}.
     * Fails with {@link UnsupportedOperationException}, sending nothing, unless the server
     * advertises {@code AUTH=<mechanism>}. Refreshes capabilities as {@link #login} does. The
     * caller still owns (and may wipe) {@code initialResponse}.
     *
     * @param mechanism a SASL mechanism name (validated as an atom)
     * @param initialResponse the raw (not base64) initial response
     */
    public Future<Void> authenticate(String mechanism, byte[] initialResponse) {
        String mech = mechanism.toUpperCase(Locale.ROOT);
        if (!hasCapability("AUTH=" + mech)) {
            return failed(new UnsupportedOperationException("server does not advertise AUTH=" + mech
                    + "; nothing sent"));
        }
        return sasl(mech, initialResponse);
    }

    private Future<Void> sasl(String mechanism, byte[] response) {
        byte[] base64 = Base64.getEncoder().encode(response);
        boolean initial = hasCapability("SASL-IR");
        Future<Void> sent = refreshingCapabilities(connection.submit("AUTHENTICATE", e -> e.atom(mechanism)
                .saslResponse(base64, initial), new Commands.Login(promise(), mechanism)));
        wipeIfEncoded(base64);
        return sent;
    }

    /** Wipes a temporary copy of a secret, unless the command was handed to the loop to encode later. */
    private void wipeIfEncoded(byte[] secret) {
        if (connection.channel().eventLoop().inEventLoop()) {
            Arrays.fill(secret, (byte) 0);
        }
    }

    /** The server may change its capabilities on login; refresh unless the tagged OK carried them. */
    private Future<Void> refreshingCapabilities(Future<Void> login) {
        Set<String> before = connection.capabilities();
        return then(connection.channel().eventLoop(), login,
                v -> connection.capabilities() != before ? succeeded(null) : capability());
    }

    private static boolean isSafeCredential(byte[] value) {
        for (byte b : value) {
            if (b == '\r' || b == '\n' || b == 0) {
                return false;
            }
        }
        return true;
    }

    /** CONDSTORE/QRESYNC, ENABLE and UID SEARCH for delta-syncing a listing. */
    public ImapResync resync() {
        return new ImapResync(this, connection);
    }

    /** SELECT (or EXAMINE when {@code readOnly}) the mailbox (name in UTF-16, sent as modified UTF-7). */
    public Future<SelectedMailbox> select(String mailbox, boolean readOnly) {
        return connection.submit(readOnly ? "EXAMINE" : "SELECT", e -> e.mailbox(mailbox),
                new Commands.Select(promise()));
    }

    /**
     * {@code UID FETCH <uidSet> (<items>)} for non-body items (e.g. "UID", "RFC822.SIZE",
     * "FLAGS"); returns the FETCH responses received while the command ran. Only responses that
     * carry a UID are returned (the server includes it in every answer to UID FETCH), so
     * unsolicited flag updates for other messages are left out.
     *
     * @param uidSet a sequence set of UIDs such as "1:*" or "4,7:9" (validated)
     * @param items fetch attribute names (validated as atoms)
     */
    public Future<List<FetchedMessage>> uidFetch(String uidSet, List<String> items) {
        return connection.submit("UID FETCH", e -> e.sequenceSet(uidSet).fetchItems(items),
                new Commands.Fetch(promise()));
    }

    /**
     * {@code UID FETCH <uidSet> (UID RFC822.SIZE INTERNALDATE BODY.PEEK[HEADER.FIELDS (<fields>)])}:
     * the listing with selected header fields (e.g. MESSAGE-ID, DATE) in one command, without
     * setting \Seen. Header octets beyond {@code maxHeaderBytes} per message are dropped.
     *
     * @param fields header field names (letters, digits and '-')
     */
    public Future<List<FetchedHeaders>> uidFetchHeaderFields(String uidSet, List<String> fields, int maxHeaderBytes) {
        if (fields.isEmpty() || !fields.stream().allMatch(f -> f.matches("[A-Za-z0-9-]+"))) {
            return failed(new IllegalArgumentException("invalid header field names"));
        }
        String body = "BODY.PEEK[HEADER.FIELDS (" + String.join(" ", fields) + ")]";
        return connection.submit("UID FETCH", e -> e.sequenceSet(uidSet)
                .fetchItems(List.of("UID", "RFC822.SIZE", "INTERNALDATE", body)), new HeaderFetch(promise(), maxHeaderBytes));
    }

    /**
     * {@code UID FETCH <uid> (UID <bodyItem>)} streaming the body literal to {@code listener}, e.g.
     * bodyItem "BODY.PEEK[]", "BODY.PEEK[HEADER]" or "BODY.PEEK[TEXT]<0.4096>". The future
     * succeeds with the number of body literals delivered (0 when the UID no longer exists).
     * If the listener throws, the future fails with that exception and the rest of the body is
     * released unseen; the connection stays usable. If the connection fails mid-body, the
     * listener gets no {@code bodyEnd} and the future fails with an {@link ImapException}.
     */
    public Future<Integer> uidFetchBody(long uid, String bodyItem, FetchBodyListener listener) {
        if (uid <= 0) {
            return failed(new IllegalArgumentException("invalid UID " + uid));
        }
        return connection.submit("UID FETCH", e -> e.sequenceSet(Long.toString(uid))
                .fetchItems(List.of("UID", bodyItem)), new Commands.FetchBody(promise(), uid, listener));
    }

    /** {@code UID STORE <uidSet> <op> (<flags>)}, op one of +FLAGS, -FLAGS, FLAGS (optionally .SILENT). */
    public Future<Void> uidStore(String uidSet, String op, List<String> flags) {
        return connection.submit("UID STORE", e -> e.sequenceSet(uidSet).storeOp(op).flagList(flags),
                new Commands.Simple(promise()));
    }

    /**
     * {@code ID ("field" "value" ...)} (RFC 2971) with {@code fields} in their order; fails without
     * sending unless the server advertises ID. Fields and values must be printable 7-bit text. The
     * server's own ID answer is ignored.
     */
    public Future<Void> id(java.util.Map<String, String> fields) {
        if (!hasCapability("ID")) {
            return failed(new UnsupportedOperationException("server lacks ID; ID not sent"));
        }
        List<String> flat = new java.util.ArrayList<>();
        fields.forEach((k, v) -> {
            flat.add(k);
            flat.add(v);
        });
        return connection.submit("ID", e -> e.quotedList(flat), new Commands.Simple(promise()));
    }

    /** {@code UID EXPUNGE <uidSet>} (UIDPLUS); fails without sending if the capability is absent. */
    public Future<Void> uidExpunge(String uidSet) {
        if (!hasCapability("UIDPLUS")) {
            return failed(new UnsupportedOperationException("server lacks UIDPLUS; UID EXPUNGE not sent"));
        }
        return connection.submit("UID EXPUNGE", e -> e.sequenceSet(uidSet), new Commands.Simple(promise()));
    }

    /** {@code UID MOVE <uidSet> <mailbox>} (MOVE); fails without sending if the capability is absent. */
    public Future<Void> uidMove(String uidSet, String mailbox) {
        if (!hasCapability("MOVE")) {
            return failed(new UnsupportedOperationException("server lacks MOVE; UID MOVE not sent"));
        }
        return connection.submit("UID MOVE", e -> e.sequenceSet(uidSet).mailbox(mailbox),
                new Commands.Simple(promise()));
    }

    /** {@code UID COPY <uidSet> <mailbox>}. */
    public Future<Void> uidCopy(String uidSet, String mailbox) {
        return connection.submit("UID COPY", e -> e.sequenceSet(uidSet).mailbox(mailbox),
                new Commands.Simple(promise()));
    }

    /**
     * Moves this connection to {@code target}, after which every method must be called on
     * {@code target} and every future completes there (see the class comment). For an idle
     * connection only: fails, without moving, while a command is pending, when the connection is
     * closed, or when {@code target}'s transport cannot drive this channel (an NIO channel needs an
     * NIO loop, an epoll channel an epoll loop); the connection is then still usable where it was,
     * unless it was closed. The returned future completes on {@code target}. May be called from
     * any thread, but nothing else may use the client until it completes.
     */
    public Future<Void> moveTo(EventLoop target) {
        Channel ch = connection.channel();
        Promise<Void> moved = target.newPromise();
        if (ch.eventLoop() == target) {
            return moved.setSuccess(null);
        }
        if (socketChannelFor(target) != ch.getClass()) {
            return moved.setFailure(new IllegalStateException("event loop of another transport; not moved"));
        }
        try {
            ch.eventLoop().execute(() -> connection.moveTo(target, moved));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            moved.tryFailure(e);
        }
        return moved;
    }

    public Future<Void> noop() {
        return connection.submit("NOOP", e -> { }, new Commands.Simple(promise()));
    }

    /** LOGOUT, then closes the connection (also when the server does not answer in time). */
    public Future<Void> logout() {
        Channel ch = connection.channel();
        Promise<Void> done = promise();
        ch.closeFuture().addListener(f -> done.trySuccess(null));
        if (ch.isActive()) {
            Future<Void> sent = connection.submit("LOGOUT", e -> { }, new Commands.Simple(promise()));
            ScheduledFuture<?> deadline = ch.eventLoop().schedule(this::close,
                    Math.min(options().commandTimeout().toMillis(), LOGOUT_WAIT_MILLIS), TimeUnit.MILLISECONDS);
            sent.addListener(f -> close());
            ch.closeFuture().addListener(f -> deadline.cancel(false));
        }
        return done;
    }

    /** Pauses (false) or resumes (true) reading from the server, for backpressure. */
    public void setAutoRead(boolean autoRead) {
        connection.setAutoRead(autoRead);
    }

    /** Whether the connection is open and usable (not closed, not closing). */
    public boolean isActive() {
        return connection.channel().isActive();
    }

    /**
     * Closes the connection at once, failing pending commands. Idempotent. The one method that may
     * be called from any thread: off the client's loop, the close is run on it.
     */
    public void close() {
        Channel ch = connection.channel();
        if (!ch.eventLoop().inEventLoop()) {
            try {
                ch.eventLoop().execute(this::close);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                ch.close(); // the loop is shutting down and closes its channels anyway
            }
            return;
        }
        if (ch.isOpen()) {
            connection.close();
        }
    }

    /**
     * Completes when the connection has closed, for whatever reason; listeners run on the loop the
     * client is on at that time (it may have moved since this was called).
     */
    public Future<Void> closeFuture() {
        return connection.channel().closeFuture();
    }

    /** The socket channel type the caller's loop can drive: epoll for an epoll loop, else NIO. */
    static Class<? extends Channel> socketChannelFor(EventLoop loop) {
        if (loop instanceof IoEventLoop io && io.isIoType(EpollIoHandler.class)) {
            return EpollSocketChannel.class;
        }
        return NioSocketChannel.class;
    }

    private Future<Void> ensureCapabilities() {
        return connection.capabilities().isEmpty() ? capability() : succeeded(null);
    }

    /** CAPABILITY; the connection records the untagged answer. */
    Future<Void> capability() {
        return connection.submit("CAPABILITY", e -> { }, new Commands.Simple(promise()));
    }

    private ImapClientOptions options() {
        return connection.options();
    }

    private <T> Promise<T> promise() {
        return connection.channel().eventLoop().newPromise();
    }

    private <T> Future<T> failed(Throwable cause) {
        return connection.channel().eventLoop().newFailedFuture(cause);
    }

    private <T> Future<T> succeeded(T value) {
        return connection.channel().eventLoop().newSucceededFuture(value);
    }

    /** {@code first}, then {@code next} with its result; fails with the first failure. */
    private static <A, B> Future<B> then(EventExecutor loop, Future<A> first, Function<A, Future<B>> next) {
        Promise<B> result = loop.newPromise();
        first.addListener(f -> {
            if (!f.isSuccess()) {
                result.tryFailure(f.cause());
                return;
            }
            Future<B> second;
            try {
                second = next.apply(first.getNow());
            } catch (RuntimeException e) {
                result.tryFailure(e);
                return;
            }
            second.addListener(s -> {
                if (s.isSuccess()) {
                    result.trySuccess(second.getNow());
                } else {
                    result.tryFailure(s.cause());
                }
            });
        });
        return result;
    }
}
