package io.popbridge.pop3;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Consumer;
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
 * <p>A session that ends any way but QUIT in TRANSACTION abandons its mailbox: no deletion is
 * ever applied without QUIT.
 */
final class Pop3Session extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(Pop3Session.class);

    enum State { AUTHORIZATION, TRANSACTION, UPDATE }

    private final Pop3Options options;
    private final MailboxProvider provider;
    private final List<String> capabilities;
    private final Consumer<ChannelHandlerContext> onLogin;
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
    private List<MessageEntry> messages = List.of();
    private final BitSet deleted = new BitSet();
    private boolean committing;

    /**
     * @param onLogin called once the user is logged in (the initializer switches to the
     *     post-login idle timeout there)
     */
    Pop3Session(Pop3Options options, MailboxProvider provider, List<String> capabilities,
            Consumer<ChannelHandlerContext> onLogin) {
        this.options = options;
        this.provider = provider;
        this.capabilities = List.copyOf(capabilities);
        this.onLogin = onLogin;
    }

    // ---- channel events

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        writeLine(Pop3Replies.GREETING);
        ctx.flush();
        ctx.fireChannelActive();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        log = new SessionLog(ctx.channel().remoteAddress());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closing) {
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
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
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
        closing = true;
        pending.clear();
        writabilityTasks.clear();
        if (mailbox != null && !committing) {
            log.outcome("client-closed");
            mailbox.abandon();
        }
        log.deleted(deleted.cardinality());
        log.end();
        ctx.fireChannelInactive();
    }

    // ---- dispatch

    private void drain() {
        if (draining) {
            return;
        }
        draining = true;
        try {
            Object msg;
            while (!busy && !closing && (msg = pending.poll()) != null) {
                handle(msg);
            }
        } finally {
            draining = false;
        }
        if (!closing) {
            ctx.channel().config().setAutoRead(!busy && state != State.UPDATE);
        }
        ctx.flush();
    }

    private void handle(Object msg) {
        if (msg == Pop3LineDecoder.Event.LINE_TOO_LONG) {
            bad(Pop3Replies.LINE_TOO_LONG);
        } else if (msg == Pop3LineDecoder.Event.INPUT_FLOOD) {
            close("input-flood");
        } else if (msg instanceof String line) {
            execute(line);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void execute(String line) {
        int space = line.indexOf(' ');
        String verb = (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
        String args = space < 0 ? "" : line.substring(space + 1);
        if (LOG.isDebugEnabled()) {
            LOG.debug("pop3 command {} in {}", Pop3Replies.echo(verb), state);
        }
        if (verb.isEmpty()) {
            bad("-ERR Unknown command.");
            return;
        }
        Pop3Command command = CommandTables.lookup(state, verb);
        if (command == null) {
            bad(CommandTables.notFound(state, verb));
            return;
        }
        try {
            command.execute(this, args);
        } catch (CommandException e) {
            if (e.isSyntax()) {
                bad(e.reply());
            } else {
                writeLine(e.reply());
            }
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

    List<String> capabilities() {
        return capabilities;
    }

    List<MessageEntry> messages() {
        return messages;
    }

    BitSet deleted() {
        return deleted;
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
        ctx.write(Pop3Output.line(ctx.alloc(), line));
    }

    void writeMultiLine(String first, List<String> lines) {
        ctx.write(Pop3Output.multiLine(ctx.alloc(), first, lines));
    }

    /** Logs in with the given credentials; the reply follows when the provider has answered. */
    void login(Credentials credentials) {
        log.user(credentials.userName());
        busy = true;
        Future<Mailbox> future;
        try {
            future = provider.open(credentials,
                    new SessionContext(ctx.channel().eventLoop(), ctx.channel().remoteAddress(), false));
        } catch (RuntimeException e) {
            LOG.warn("pop3 mailbox provider failed to open: {}", e.toString());
            future = ctx.executor().newFailedFuture(e);
        }
        future.addListener(f -> onEventLoop(() -> loggedIn(f)));
    }

    private void loggedIn(Future<?> f) {
        if (!ctx.channel().isActive()) {
            if (f.isSuccess() && f.getNow() != null) {
                ((Mailbox) f.getNow()).abandon();
            }
            return;
        }
        if (f.isSuccess() && f.getNow() != null) {
            Mailbox opened = (Mailbox) f.getNow();
            try {
                messages = List.copyOf(opened.messages());
            } catch (RuntimeException e) {
                // a broken snapshot is the bridge's bug; the client sees a temporary failure
                opened.abandon();
                LOG.warn("pop3 mailbox snapshot failed: {}", e.toString());
                writeLine(Pop3Replies.failure(FailureKind.SYS_TEMP));
                finished();
                return;
            }
            mailbox = opened;
            state = State.TRANSACTION;
            badCommands = 0;
            onLogin.accept(ctx);
            writeLine("+OK Logged in.");
        } else {
            log.failure("login", f.cause());
            FailureKind kind = Pop3Replies.kindOf(f.cause());
            writeLine(Pop3Replies.failure(kind));
            // failed logins use up the bad-command allowance: no endless password guessing
            if (kind == FailureKind.AUTH && ++badCommands > options.maxBadCommands()) {
                close("auth-failures");
                return;
            }
        }
        finished();
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
        if (ctx.channel().isActive()) {
            drain();
        }
    }

    /** Flushes what was written, then closes. */
    private void close(String outcome) {
        log.outcome(outcome);
        closing = true;
        pending.clear();
        ctx.channel().config().setAutoRead(false);
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    private void onEventLoop(Runnable task) {
        if (ctx.executor().inEventLoop()) {
            task.run();
        } else {
            ctx.executor().execute(task);
        }
    }
}
