package io.popbridge.pop3;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One POP3 session: the RFC 1939 state machine over the lines from {@link Pop3LineDecoder}.
 *
 * <p>Exactly one command executes at a time. Lines that arrive while a command waits for the
 * mailbox (login, RETR, TOP, QUIT) are queued in order and reading from the client stops
 * ({@code autoRead} off) until the command has finished, so a pipelining client costs at most one
 * read buffer.
 *
 * <p>STLS (RFC 2595): the {@code +OK} goes out in plaintext, then an {@link SslHandler} is put first in
 * the pipeline. Whatever the client sent after STLS before the handshake (queued lines, octets in
 * the line decoder) is discarded, never executed inside TLS (CVE-2021-38542, CVE-2022-28220).
 *
 * <p>A session that ends any way but QUIT in TRANSACTION abandons its mailbox: no deletion is
 * ever applied without QUIT.
 */
final class Pop3Session extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(Pop3Session.class);

    enum State { AUTHORIZATION, TRANSACTION, UPDATE }

    private final Pop3Options options;
    private final MailboxProvider provider;
    private final List<String> capabilities;
    private final Supplier<SslContext> stls;
    private final Consumer<ChannelHandlerContext> onLogin;
    private final SessionObserver observer;
    private final ConnectionLimits limits;
    /** The client address counted in {@link #limits}, while the connection is counted. */
    private java.net.SocketAddress countedAddress;
    /** The user name counted in {@link #limits}, while logged in. */
    private String countedUser;
    /** The client address {@link #countedUser} is counted with. */
    private java.net.SocketAddress countedUserAddress;
    private io.netty.util.concurrent.ScheduledFuture<?> loginDeadline;
    private final ArrayDeque<Object> pending = new ArrayDeque<>();
    private final List<Runnable> writabilityTasks = new ArrayList<>();

    private ChannelHandlerContext ctx;
    private SessionLog log;
    private State state = State.AUTHORIZATION;
    private int badCommands;
    private boolean busy;
    private boolean draining;
    private boolean closing;
    private byte[] user;
    private Mailbox mailbox;
    private MessageList messages = MessageList.EMPTY;
    private final BitSet deleted = new BitSet();
    private final ReadAhead readAhead = new ReadAhead();
    private boolean committing;
    private int authFailures;
    private SaslCommands.Continuation continuation;
    private boolean started;
    /** The command being timed for the observer, or null. */
    private String commandVerb;
    private long commandStart;
    /** Whether its reply was positive; null until a status line went out. */
    private Boolean commandOk;

    /**
     * @param capabilities what is wired, before the connection's state is taken into account
     * @param stls the TLS context for STLS, read when a client asks; null if STLS is not offered
     * @param onLogin called once the user is logged in (the initializer switches to the
     *     post-login idle timeout there)
     */
    Pop3Session(Pop3Options options, MailboxProvider provider, List<String> capabilities,
            Supplier<SslContext> stls, Consumer<ChannelHandlerContext> onLogin) {
        this(options, provider, capabilities, stls, onLogin, SessionObserver.NONE);
    }

    /** As above, telling {@code observer} what the session does. */
    Pop3Session(Pop3Options options, MailboxProvider provider, List<String> capabilities,
            Supplier<SslContext> stls, Consumer<ChannelHandlerContext> onLogin, SessionObserver observer) {
        this(options, provider, capabilities, stls, onLogin, observer, new ConnectionLimits(options.limits()));
    }

    /** As above, counting the connection and the login in {@code limits} (shared by a server's listeners). */
    Pop3Session(Pop3Options options, MailboxProvider provider, List<String> capabilities,
            Supplier<SslContext> stls, Consumer<ChannelHandlerContext> onLogin, SessionObserver observer,
            ConnectionLimits limits) {
        this.limits = limits;
        this.observer = observer;
        this.options = options;
        this.provider = provider;
        this.capabilities = List.copyOf(capabilities);
        this.stls = stls;
        this.onLogin = onLogin;
    }

    // ---- channel events

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (closing) {
            ctx.fireChannelActive();
            return;
        }
        if (!started) {
            // counted once per connection, before it becomes a session
            java.net.SocketAddress client = ClientAddress.of(ctx.channel());
            if (!limits.tryAcquireConnection(client)) {
                LOG.info("connection from {} refused: too many connections", client);
                observer.connectionRefused("too_many_connections");
                writeLine(Pop3Replies.TOO_MANY_CONNECTIONS);
                close("too-many-connections");
                ctx.fireChannelActive();
                return;
            }
            countedAddress = client;
            Duration deadline = options.limits().loginDeadline();
            if (!deadline.isZero()) {
                loginDeadline = ctx.executor().schedule(this::loginDeadlinePassed, deadline.toNanos(),
                        TimeUnit.NANOSECONDS);
            }
            started = true;
            observer.sessionStarted();
        }
        writeLine(Pop3Replies.GREETING);
        ctx.flush();
        ctx.fireChannelActive();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        log = new SessionLog(ClientAddress.of(ctx.channel()));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closing || handshaking()) {
            // nothing but TLS records may arrive between STLS and the end of the handshake
            ReferenceCountUtil.release(msg);
            return;
        }
        pending.add(msg);
        drain();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && !writabilityTasks.isEmpty()) {
            List<Runnable> tasks = new ArrayList<>(writabilityTasks);
            writabilityTasks.clear();
            tasks.forEach(Runnable::run);
        }
        if (ctx.channel().isWritable() && !busy && !closing) {
            drain(); // pipelined commands waited for the client to read what was sent
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent handshake) {
            if (!handshake.isSuccess()) {
                LOG.debug("pop3 TLS handshake failed: {}", String.valueOf(handshake.cause()));
                log.outcome("tls-handshake-failed");
                ctx.close();
            }
            ctx.fireUserEventTriggered(evt);
            return;
        }
        if (evt == Pop3ServerInitializer.SHUTDOWN) {
            if (!committing && !closing) {
                if (!busy) {
                    writeLine(Pop3Replies.SHUTTING_DOWN);
                }
                close("shutdown");
            }
            return;
        }
        if (evt instanceof IdleStateEvent) {
            if (committing) {
                return; // UPDATE is bounded by the upstream command timeout; the client gets its answer
            }
            if (!busy) {
                writeLine(Pop3Replies.INACTIVITY);
            }
            close("idle-timeout");
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("pop3 session error, closing: {}", cause.toString());
        log.outcome("error");
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        boolean closedByUs = closing;
        closing = true;
        pending.clear();
        writabilityTasks.clear();
        if (mailbox != null && !committing && !closedByUs) {
            log.outcome("client-closed");
            mailbox.abandon();
        }
        releaseLimits();
        log.deleted(deleted.cardinality());
        log.end();
        commandDone();
        if (started) {
            observer.sessionEnded();
        }
        ctx.fireChannelInactive();
    }

    private void releaseLimits() {
        if (loginDeadline != null) {
            loginDeadline.cancel(false);
            loginDeadline = null;
        }
        if (countedAddress != null) {
            limits.releaseConnection(countedAddress);
            countedAddress = null;
        }
        if (countedUser != null) {
            limits.releaseSession(countedUser, countedUserAddress);
            countedUser = null;
        }
    }

    /** The absolute pre-login deadline: closes a session still not logged in, however busy the client. */
    private void loginDeadlinePassed() {
        loginDeadline = null;
        if (state != State.AUTHORIZATION || closing || !ctx.channel().isActive()) {
            return;
        }
        if (!busy) {
            writeLine(Pop3Replies.LOGIN_DEADLINE);
        }
        close("login-deadline");
    }

    // ---- dispatch

    private void drain() {
        if (draining) {
            return;
        }
        draining = true;
        try {
            Object msg;
            // A client that does not read gets no further replies (nor reads) until it does:
            // otherwise pipelined LIST/UIDL would pile up without bound in the outbound buffer.
            while (!busy && !closing && ctx.channel().isWritable() && (msg = pending.poll()) != null) {
                handle(msg);
            }
        } finally {
            draining = false;
        }
        if (!closing) {
            ctx.channel().config().setAutoRead(!busy && state != State.UPDATE && ctx.channel().isWritable());
        }
        ctx.flush();
    }

    private void handle(Object msg) {
        if (msg == Pop3LineDecoder.Event.LINE_TOO_LONG) {
            continuation = null; // an over-long SASL response ends the exchange
            bad(Pop3Replies.LINE_TOO_LONG);
        } else if (msg == Pop3LineDecoder.Event.INPUT_FLOOD) {
            close("input-flood");
        } else if (msg instanceof String line) {
            execute(line);
        } else if (msg instanceof Pop3LineDecoder.LongLine long_) {
            // only AUTH and SASL responses may exceed the command limit (RFC 5034 section 4)
            if (continuation != null || SaslCommands.isAuthCommand(long_.text())) {
                execute(long_.text());
            } else {
                bad(Pop3Replies.LINE_TOO_LONG);
            }
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void execute(String line) {
        if (continuation != null) {
            SaslCommands.Continuation next = continuation;
            continuation = null;
            try {
                SaslCommands.respond(this, next, line);
            } catch (CommandException e) {
                reject(e);
            }
            return;
        }
        int space = line.indexOf(' ');
        String verb = (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
        String args = space < 0 ? "" : line.substring(space + 1);
        if (LOG.isDebugEnabled()) {
            LOG.debug("pop3 command {} in {}", Pop3Replies.echo(verb), state);
        }
        Pop3Command command = verb.isEmpty() ? null : CommandTables.lookup(state, verb);
        commandVerb = command == null ? "UNKNOWN" : verb;
        commandStart = System.nanoTime();
        commandOk = null;
        if (verb.isEmpty()) {
            bad("-ERR Unknown command.");
        } else if (command == null) {
            bad(CommandTables.notFound(state, verb));
        } else {
            try {
                command.execute(this, args);
            } catch (CommandException e) {
                reject(e);
            }
        }
        if (!busy) {
            commandDone();
        }
    }

    /** Tells the observer about the command that just finished, if one is being timed. */
    private void commandDone() {
        if (commandVerb != null) {
            String verb = commandVerb;
            commandVerb = null;
            observer.command(verb, Boolean.TRUE.equals(commandOk), System.nanoTime() - commandStart);
        }
    }

    private void reject(CommandException e) {
        if (e.isSyntax()) {
            bad(e.reply());
        } else {
            writeLine(e.reply());
        }
    }

    /** Replies to a bad command, or closes the session once the state's limit is exceeded. */
    private void bad(String reply) {
        if (++badCommands > options.maxBadCommands()) {
            writeLine(Pop3Replies.TOO_MANY_BAD_COMMANDS);
            close("bad-commands");
        } else {
            writeLine(reply);
        }
    }

    // ---- for the commands

    /** CAPA for this connection now: STLS only while it can be used, credentials only where allowed. */
    List<String> capabilities() {
        boolean offerStls = stls != null && state == State.AUTHORIZATION && !tlsActive();
        return Pop3Capabilities.forConnection(capabilities, offerStls, credentialsAllowed(), saslMechanisms());
    }

    /** The SASL mechanisms a client may use on this connection now (empty where cleartext is refused). */
    List<String> saslMechanisms() {
        if (!credentialsAllowed()) {
            return List.of();
        }
        List<String> mechanisms = new ArrayList<>(List.of("PLAIN", "LOGIN"));
        for (String token : List.of("XOAUTH2", "OAUTHBEARER")) {
            if (options.auth().tokenMechanism(token)) {
                mechanisms.add(token);
            }
        }
        return mechanisms;
    }

    /** Whether the client may send credentials: TLS is up, or the peer is trusted, or cleartext is allowed. */
    boolean credentialsAllowed() {
        return secure() || options.auth().cleartextAllowedFrom(ClientAddress.of(ctx.channel()),
                ClientAddress.proxied(ctx.channel()));
    }

    /** Whether the connection is encrypted (handshake completed). */
    boolean secure() {
        return StartTls.secure(ctx.pipeline());
    }

    private boolean tlsActive() {
        return ctx.pipeline().get(SslHandler.class) != null;
    }

    private boolean handshaking() {
        return StartTls.handshaking(ctx.pipeline());
    }

    State state() {
        return state;
    }

    Pop3Options options() {
        return options;
    }

    /** Sends a SASL challenge and routes the client's next line to {@code next}. */
    void challenge(String line, SaslCommands.Continuation next) {
        writeLine(line);
        continuation = next;
    }

    /**
     * STLS: replies in plaintext, drops whatever the client pipelined after the command, and puts
     * TLS first in the pipeline.
     */
    void startTls() throws CommandException {
        if (tlsActive()) {
            throw CommandException.rejected("-ERR TLS is already active.");
        }
        if (stls == null) {
            throw CommandException.rejected("-ERR STLS is not available.");
        }
        // a user name given in plaintext is not carried into TLS
        user = null;
        StartTls.upgrade(ctx, stls.get(), pending, () -> writeLine("+OK Begin TLS negotiation now."));
    }

    MessageList messages() {
        return messages;
    }

    BitSet deleted() {
        return deleted;
    }

    ReadAhead readAhead() {
        return readAhead;
    }

    Mailbox mailbox() {
        return mailbox;
    }

    void user(byte[] name) {
        user = name;
    }

    byte[] user() {
        return user;
    }

    void writeLine(String line) {
        if (commandVerb != null && commandOk == null) {
            commandOk = !line.startsWith("-");
        }
        ctx.write(Pop3Output.line(ctx.alloc(), line));
    }

    void writeMultiLine(String first, List<String> lines) {
        if (commandVerb != null && commandOk == null) {
            commandOk = !first.startsWith("-");
        }
        ctx.write(Pop3Output.multiLine(ctx.alloc(), first, lines));
    }

    /** Logs in with the given credentials; the reply follows when the provider has answered. */
    void login(Credentials credentials) {
        open(credentials.userName(), context -> provider.open(credentials, context));
    }

    /** Logs in by passing a SASL token mechanism through; the reply follows as for {@link #login}. */
    void login(TokenLogin token) {
        open(token.user(), context -> provider.open(token, context));
    }

    private void open(String userName, java.util.function.Function<SessionContext, Future<Mailbox>> opener) {
        log.user(userName);
        if (userName != null && !userName.isEmpty()) {
            java.net.SocketAddress client = ClientAddress.of(ctx.channel());
            if (!limits.tryAcquireSession(userName, client)) {
                // checked before opening: an over-limit client costs the upstream nothing
                observer.login(FailureKind.IN_USE);
                writeLine(Pop3Replies.TOO_MANY_SESSIONS);
                return;
            }
            countedUser = userName;
            countedUserAddress = client;
        }
        busy = true;
        Future<Mailbox> future;
        try {
            future = opener.apply(new SessionContext(ctx.channel().eventLoop(), ClientAddress.of(ctx.channel()), secure()));
        } catch (RuntimeException e) {
            LOG.warn("pop3 mailbox provider failed to open: {}", e.toString());
            future = ctx.executor().newFailedFuture(e);
        }
        future.addListener(f -> onEventLoop(() -> loggedIn(f)));
    }

    private void loggedIn(Future<?> f) {
        if (!(f.isSuccess() && f.getNow() != null) && countedUser != null) {
            limits.releaseSession(countedUser, countedUserAddress); // counted only while logged in
            countedUser = null;
        }
        if (!ctx.channel().isActive()) {
            if (f.isSuccess() && f.getNow() != null) {
                ((Mailbox) f.getNow()).abandon();
            }
            return;
        }
        if (f.isSuccess() && f.getNow() != null) {
            Mailbox opened = (Mailbox) f.getNow();
            try {
                messages = java.util.Objects.requireNonNull(opened.messages(), "messages");
            } catch (RuntimeException e) {
                // a broken snapshot is the bridge's bug; the client sees a temporary failure
                opened.abandon();
                if (countedUser != null) {
                    limits.releaseSession(countedUser, countedUserAddress);
                    countedUser = null;
                }
                LOG.warn("pop3 mailbox snapshot failed: {}", e.toString());
                observer.login(FailureKind.SYS_TEMP);
                writeLine(Pop3Replies.failure(FailureKind.SYS_TEMP));
                finished();
                return;
            }
            mailbox = opened;
            if (loginDeadline != null) {
                loginDeadline.cancel(false);
                loginDeadline = null;
            }
            observer.login(null);
            limits.loginSucceeded(ClientAddress.of(ctx.channel()));
            state = State.TRANSACTION;
            badCommands = 0;
            onLogin.accept(ctx);
            writeLine("+OK Logged in.");
        } else {
            log.failure("login", f.cause());
            FailureKind kind = Pop3Replies.kindOf(f.cause());
            observer.login(kind);
            if (kind == FailureKind.AUTH) {
                authFailed(Pop3Replies.failure(f.cause()));
                return;
            }
            writeLine(Pop3Replies.failure(f.cause()));
        }
        finished();
    }

    /**
     * A failed login: the reply waits {@code failureDelay} (nothing else runs meanwhile: the
     * session stays busy), and the last allowed failure closes the connection.
     */
    void authFailed(String reply) {
        busy = true;
        authFailures++;
        Runnable answer = () -> {
            if (!ctx.channel().isActive() || closing) {
                return;
            }
            writeLine(reply);
            if (authFailures >= options.auth().maxFailures()) {
                close("auth-failures");
                return;
            }
            finished();
        };
        java.time.Duration delay = limits.loginFailed(ClientAddress.of(ctx.channel()), options.auth().failureDelay());
        if (delay.isZero()) {
            answer.run();
        } else {
            ctx.executor().schedule(answer, delay.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }

    /** Starts a RETR or TOP reply: {@code request} asks the mailbox to feed the sink. */
    void streamBody(String okLine, boolean top, Consumer<BodySink> request) {
        busy = true;
        BodySink sink = new Pop3BodySink(this, ctx, okLine, top);
        try {
            request.accept(sink);
        } catch (RuntimeException e) {
            sink.fail(new MailboxException(FailureKind.SYS_TEMP, "mailbox threw", e));
        }
    }

    void bodyFinished(boolean top, long bytes) {
        if (top) {
            log.topSent();
        } else {
            log.retrieved(bytes);
        }
        finished();
    }

    void bodyFailed(boolean began, MailboxException cause) {
        log.failure(began ? "body after +OK" : "body", cause);
        commandOk = false;
        if (began) {
            log.outcome("upstream-failed-mid-body");
            ctx.close();
        } else {
            writeLine(Pop3Replies.failure(cause.kind()));
            finished();
        }
    }

    void whenWritable(Runnable task) {
        if (ctx.channel().isWritable()) {
            task.run();
        } else if (ctx.channel().isActive()) {
            writabilityTasks.add(task);
        }
    }

    /** QUIT in AUTHORIZATION: nothing to apply. */
    void quitWithoutMailbox() {
        writeLine(Pop3Replies.loggingOut(0));
        close("quit");
    }

    /** QUIT in TRANSACTION: enters UPDATE and replies only once the deletions are applied. */
    void quitAndCommit() {
        state = State.UPDATE;
        busy = true;
        committing = true;
        SortedSet<Integer> marked = new TreeSet<>();
        deleted.stream().forEach(i -> marked.add(i + 1));
        Future<Void> future;
        try {
            future = mailbox.commit(Collections.unmodifiableSortedSet(marked));
        } catch (RuntimeException e) {
            future = ctx.executor().newFailedFuture(e);
        }
        int count = marked.size();
        future.addListener(f -> onEventLoop(() -> {
            if (f.isSuccess()) {
                writeLine(Pop3Replies.loggingOut(count));
                close("quit");
            } else {
                log.failure("commit", f.cause());
                writeLine(Pop3Replies.failure(Pop3Replies.kindOf(f.cause())));
                close("commit-failed");
            }
        }));
    }

    // ---- internals

    private void finished() {
        busy = false;
        commandDone();
        if (ctx.channel().isActive()) {
            drain();
        }
    }

    /**
     * Flushes what was written, then closes. The mailbox is abandoned at once (unless UPDATE is
     * applying it), so a transfer to a client that stopped reading does not hold its upstream
     * connection; and if the client does not take the last reply within {@link #CLOSE_GRACE}, the
     * connection is closed anyway.
     */
    private void close(String outcome) {
        log.outcome(outcome);
        commandDone();
        closing = true;
        pending.clear();
        ctx.channel().config().setAutoRead(false);
        if (mailbox != null && !committing) {
            mailbox.abandon();
        }
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        io.netty.util.concurrent.ScheduledFuture<?> force = ctx.executor().schedule(() -> {
            ctx.close();
        }, CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        ctx.channel().closeFuture().addListener(f -> force.cancel(false));
    }

    /** How long a closing session waits for the client to take its last reply. */
    static final Duration CLOSE_GRACE = Duration.ofSeconds(5);

    private void onEventLoop(Runnable task) {
        if (ctx.executor().inEventLoop()) {
            task.run();
        } else {
            ctx.executor().execute(task);
        }
    }
}
