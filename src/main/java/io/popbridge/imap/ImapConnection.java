package io.popbridge.imap;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.popbridge.imap.ImapResponse.BodyChunk;
import io.popbridge.imap.ImapResponse.BodyEnd;
import io.popbridge.imap.ImapResponse.BodyStart;
import io.popbridge.imap.ImapResponse.Continuation;
import io.popbridge.imap.ImapResponse.FetchAttribute;
import io.popbridge.imap.ImapResponse.FetchEnd;
import io.popbridge.imap.ImapResponse.FetchStart;
import io.popbridge.imap.ImapResponse.ProtocolError;
import io.popbridge.imap.ImapResponse.ResponseCode;
import io.popbridge.imap.ImapResponse.Tagged;
import io.popbridge.imap.ImapResponse.Untagged;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The protocol state of one connection: greeting, the queue of pending commands matched by tag,
 * continuation handling for synchronizing literals, capabilities, the command timeout and the
 * failure paths. Everything runs on the channel's event loop.
 */
final class ImapConnection extends ChannelInboundHandlerAdapter {

    private final ImapClientOptions options;
    private final UpstreamEndpoint endpoint;
    private final ImapResponseDecoder decoder;
    private final ArrayDeque<PendingCommand<?>> inFlight = new ArrayDeque<>();
    private final ArrayDeque<PendingCommand<?>> held = new ArrayDeque<>();
    private Channel channel;
    private Promise<Void> greeting;
    private Set<String> capabilities = Set.of();
    /** Extensions the server reported ENABLED on this connection (RFC 5161: for its lifetime). */
    private final Set<String> enabled = new HashSet<>();
    private PendingCommand<?> awaitingContinuation;
    private PendingCommand<?> bodyOwner;
    private ImapException failure;
    private int tags;
    private CommandTimer timer;
    private SslHandler tls;
    private boolean tlsVerified;

    ImapConnection(ImapClientOptions options, UpstreamEndpoint endpoint) {
        this.options = options;
        this.endpoint = endpoint;
        this.decoder = new ImapResponseDecoder(options.maxLineLength(), options.maxLiteralSize());
    }

    /** Adds the activity tracker, the decoder and this handler. */
    void install(Channel ch) {
        channel = ch;
        greeting = ch.eventLoop().newPromise();
        timer = new CommandTimer(ch::eventLoop, options.commandTimeout(),
                () -> !inFlight.isEmpty() && failure == null,
                () -> failAndClose(new ImapException.Timeout(inFlight.peek().name() + " got no response within "
                        + options.commandTimeout())));
        ChannelPipeline p = ch.pipeline();
        p.addLast("imap-activity", new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                timer.progress();
                ctx.fireChannelRead(msg);
            }
        });
        p.addLast("imap-decoder", decoder);
        p.addLast("imap-client", this);
    }

    /**
     * The TLS handler for this connection. When its handshake succeeds the pins are checked, and
     * only then is anything read from it handled; a failed handshake or pin fails the connection
     * with {@link ImapException.Insecure}.
     */
    SslHandler newSslHandler(Channel ch) {
        SslHandler handler = Tls.clientHandler(options.sslContext(), ch.alloc(), endpoint);
        tls = handler;
        handler.handshakeFuture().addListener(f -> {
            if (!f.isSuccess()) {
                failAndClose(insecure(f.cause()));
                return;
            }
            try {
                Tls.checkPins(handler, options.publicKeyPins(), endpoint);
                tlsVerified = true;
            } catch (ImapException e) {
                failAndClose(e);
            }
        });
        return handler;
    }

    /** Completes when TLS (if any) is established and verified; at once on a plain connection. */
    Future<Void> tlsReady() {
        Promise<Void> ready = channel.eventLoop().newPromise();
        if (tls == null) {
            return ready.setSuccess(null);
        }
        tls.handshakeFuture().addListener(f -> {
            if (tlsVerified) {
                ready.trySuccess(null);
            } else {
                ready.tryFailure(failure != null ? failure : insecure(f.cause()));
            }
        });
        return ready;
    }

    private ImapException.Insecure insecure(Throwable cause) {
        return new ImapException.Insecure("TLS with " + endpoint.host() + " failed: "
                + (cause == null ? "unknown reason" : rootMessage(cause)), cause);
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }

    ImapClientOptions options() {
        return options;
    }

    Channel channel() {
        return channel;
    }

    Future<Void> greeting() {
        return greeting;
    }

    Set<String> capabilities() {
        return capabilities;
    }

    boolean hasCapability(String name) {
        return capabilities.contains(name.toUpperCase(Locale.ROOT));
    }

    /** Extensions enabled so far (mutable; event loop only). */
    Set<String> enabled() {
        return enabled;
    }

    /**
     * Moves the channel to {@code target}: deregisters it from its loop and registers it on
     * {@code target}, where reading resumes. Only while nothing is pending (no command in flight,
     * none held, no failure); otherwise fails without moving. The command timer is cancelled on
     * the old loop (nothing is pending, so it had nothing to time) and arms on the new one.
     * Called on the current loop; {@code moved} completes on {@code target}. A failed
     * registration closes the connection.
     */
    void moveTo(io.netty.channel.EventLoop target, Promise<Void> moved) {
        if (failure != null || !channel.isActive() || !inFlight.isEmpty() || !held.isEmpty()
                || awaitingContinuation != null) {
            moved.tryFailure(new IllegalStateException("connection busy or closed; not moved"));
            return;
        }
        timer.cancel();
        channel.deregister().addListener(d -> {
            if (!d.isSuccess()) {
                failAndClose(new ImapException.Closed("could not leave the event loop", d.cause()));
                moved.tryFailure(d.cause());
                return;
            }
            target.register(channel).addListener(r -> {
                if (r.isSuccess()) {
                    moved.trySuccess(null);
                } else {
                    fail(new ImapException.Closed("could not join the event loop", r.cause()));
                    channel.unsafe().closeForcibly();
                    moved.tryFailure(r.cause());
                }
            });
        });
    }

    /** Encodes and sends (or queues) a command; argument errors fail its promise before sending. */
    <T> Future<T> submit(String name, Consumer<CommandEncoder> args, PendingCommand<T> command) {
        if (!channel.eventLoop().inEventLoop()) {
            channel.eventLoop().execute(() -> submit(name, args, command));
            return command.promise;
        }
        if (failure != null) {
            command.fail(failure);
            return command.promise;
        }
        try {
            CommandEncoder encoder = new CommandEncoder("A" + (++tags), name,
                    hasCapability("LITERAL+"), hasCapability("LITERAL-"));
            args.accept(encoder);
            command.encoded = encoder.build();
        } catch (IllegalArgumentException e) {
            command.fail(e);
            return command.promise;
        }
        if (awaitingContinuation != null) {
            held.add(command);
        } else {
            send(command);
        }
        return command.promise;
    }

    /**
     * STARTTLS: on the tagged OK, makes sure nothing followed it in the clear, then puts TLS first
     * in the pipeline. Completes when the handshake is done.
     */
    Future<Void> startTls() {
        Promise<Void> result = channel.eventLoop().newPromise();
        Promise<Void> ok = channel.eventLoop().newPromise();
        submit("STARTTLS", e -> { }, new PendingCommand<Void>(ok) {
            @Override
            Void completed(Tagged t) {
                if (decoder.bufferedBytes() > 0) {
                    throw new ProtocolViolation("data received after STARTTLS before the TLS handshake");
                }
                capabilities = Set.of();
                SslHandler ssl = newSslHandler(channel);
                channel.pipeline().addFirst("tls", ssl);
                tlsReady().addListener(f -> {
                    if (f.isSuccess()) {
                        result.trySuccess(null);
                    } else {
                        result.tryFailure(f.cause());
                    }
                });
                return null;
            }
        });
        ok.addListener(f -> {
            if (!f.isSuccess()) {
                result.tryFailure(f.cause() instanceof ImapException.Rejected rejected
                        ? new ImapException.Insecure("server refused STARTTLS: " + rejected.getMessage(), rejected)
                        : f.cause());
            }
        });
        return result;
    }

    void setAutoRead(boolean on) {
        channel.config().setAutoRead(on);
        if (on) {
            timer.resume();
        } else {
            timer.pause();
        }
    }

    void close() {
        fail(new ImapException.Closed("connection closed by the client", null));
        channel.close();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof BodyChunk chunk) {
            ByteBuf content = chunk.content();
            if (bodyOwner != null) {
                bodyOwner.bodyChunk(content);
            } else {
                content.release();
            }
            return;
        }
        try {
            handle((ImapResponse) msg);
        } catch (ProtocolViolation e) {
            protocolError(e.getMessage());
        }
    }

    private void handle(ImapResponse msg) {
        if (tls != null && !tlsVerified) {
            throw new ProtocolViolation("data before the TLS session was verified");
        }
        if (msg instanceof ProtocolError e) {
            protocolError(e.message());
        } else if (!greeting.isDone()) {
            greeting(msg);
        } else if (msg instanceof Tagged t) {
            tagged(t);
        } else if (msg instanceof Untagged u) {
            untagged(u);
        } else if (msg instanceof Continuation c) {
            continuation(c);
        } else if (msg instanceof FetchStart s) {
            forEach(c -> c.fetchStart(s.sequence()));
        } else if (msg instanceof FetchAttribute a) {
            forEach(c -> c.fetchAttribute(a));
        } else if (msg instanceof BodyStart b) {
            bodyOwner = null;
            for (PendingCommand<?> c : new ArrayList<>(inFlight)) {
                if (c.bodyStart(b)) {
                    bodyOwner = c;
                    break;
                }
            }
        } else if (msg == BodyEnd.INSTANCE) {
            if (bodyOwner != null) {
                bodyOwner.bodyEnd();
            }
            bodyOwner = null;
        } else if (msg == FetchEnd.INSTANCE) {
            forEach(PendingCommand::fetchEnd);
        }
    }

    private void greeting(ImapResponse msg) {
        if (!(msg instanceof Untagged u) || u.code() == null && u.text() == null) {
            throw new ProtocolViolation("invalid greeting");
        }
        switch (u.keyword()) {
            case "OK" -> {
                updateCapabilities(u.code());
                greeting.trySuccess(null);
            }
            case "PREAUTH" -> failAndClose(endpoint.security() == UpstreamEndpoint.Security.STARTTLS
                    ? new ImapException.Insecure("PREAUTH greeting while STARTTLS is required")
                    : new ImapException.Protocol("PREAUTH greeting is not supported"));
            case "BYE" -> failAndClose(new ImapException.Closed("server refused the connection: " + u.text(), null));
            default -> throw new ProtocolViolation("invalid greeting");
        }
    }

    private void tagged(Tagged t) {
        PendingCommand<?> command = null;
        for (Iterator<PendingCommand<?>> it = inFlight.iterator(); it.hasNext();) {
            PendingCommand<?> c = it.next();
            if (c.encoded.tag().equals(t.tag())) {
                it.remove();
                command = c;
                break;
            }
        }
        if (command == null) {
            throw new ProtocolViolation("tagged response for no pending command");
        }
        updateCapabilities(t.code());
        command.wipe();
        if (command == awaitingContinuation) {
            awaitingContinuation = null;
            drainHeld();
        }
        if (command == bodyOwner) {
            bodyOwner = null;
        }
        if (t.status() == ImapResponse.Status.OK) {
            try {
                complete(command, t);
            } catch (ProtocolViolation e) {
                command.fail(new ImapException.Protocol(e.getMessage()));
                throw e;
            }
        } else {
            command.fail(new ImapException.Rejected(command.name(), t.status().name(),
                    t.code() == null ? null : t.code().atom(), t.text()));
        }
    }

    private static <T> void complete(PendingCommand<T> command, Tagged ok) {
        T result = command.completed(ok);
        command.promise.trySuccess(result);
    }

    private void untagged(Untagged u) {
        if (u.keyword().equals("CAPABILITY")) {
            setCapabilities(u.values());
        } else if (u.keyword().equals("BYE")) {
            ImapException closed = new ImapException.Closed("server said BYE: " + u.text(), null);
            for (PendingCommand<?> c : new ArrayList<>(inFlight)) {
                if (!c.name().equals("LOGOUT")) {
                    inFlight.remove(c);
                    c.fail(closed);
                }
            }
            held.forEach(c -> c.fail(closed));
            held.clear();
            if (failure == null) {
                failure = closed;
            }
        } else {
            updateCapabilities(u.code());
        }
        forEach(c -> c.untagged(u));
    }

    private void continuation(Continuation request) {
        PendingCommand<?> c = awaitingContinuation;
        if (c == null) {
            throw new ProtocolViolation("continuation request while no literal is waiting");
        }
        if (c.nextFragment == c.encoded.fragments().size()) {
            // everything is sent: only a SASL exchange takes more (a challenge it answers or cancels)
            write(c.challenge(request.text()));
            return;
        }
        write(c.encoded.fragments().get(c.nextFragment++));
        if (c.nextFragment == c.encoded.fragments().size() && !c.holdsConnection()) {
            awaitingContinuation = null;
            drainHeld();
        }
    }

    private void updateCapabilities(ResponseCode code) {
        if (code != null && code.atom().equals("CAPABILITY")) {
            setCapabilities(code.args());
        }
    }

    private void setCapabilities(List<ImapValue> values) {
        Set<String> caps = new HashSet<>();
        values.forEach(v -> caps.add(String.valueOf(ImapValue.textOf(v)).toUpperCase(Locale.ROOT)));
        capabilities = Set.copyOf(caps);
    }

    private void forEach(Consumer<PendingCommand<?>> action) {
        for (PendingCommand<?> c : new ArrayList<>(inFlight)) {
            action.accept(c);
        }
    }

    private void send(PendingCommand<?> command) {
        if (inFlight.isEmpty()) {
            timer.progress();
        }
        inFlight.add(command);
        command.nextFragment = 1;
        write(command.encoded.fragments().get(0));
        if (command.encoded.fragments().size() > 1 || command.holdsConnection()) {
            awaitingContinuation = command;
        }
        timer.arm();
    }

    private void drainHeld() {
        while (awaitingContinuation == null && !held.isEmpty() && failure == null) {
            send(held.poll());
        }
    }

    private void write(byte[] octets) {
        channel.writeAndFlush(Unpooled.wrappedBuffer(octets)).addListener(f -> {
            if (!f.isSuccess()) {
                failAndClose(new ImapException.Closed("write failed", f.cause()));
            }
        });
    }

    private void protocolError(String message) {
        decoder.discard();
        failAndClose(new ImapException.Protocol(message));
    }

    void failAndClose(ImapException cause) {
        fail(cause);
        channel.close();
    }

    /** Fails every pending and held command, and (with the first cause) all later ones. */
    private void fail(ImapException cause) {
        if (failure == null) {
            failure = cause;
        }
        List<PendingCommand<?>> all = new ArrayList<>(inFlight);
        all.addAll(held);
        inFlight.clear();
        held.clear();
        awaitingContinuation = null;
        bodyOwner = null;
        timer.cancel();
        greeting.tryFailure(cause);
        all.forEach(c -> c.fail(cause));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        fail(new ImapException.Closed("connection closed", null));
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (tls != null && !tlsVerified) {
            failAndClose(insecure(cause));
            return;
        }
        failAndClose(new ImapException.Closed("connection failed", cause));
    }
}
