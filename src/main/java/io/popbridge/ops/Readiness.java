package io.popbridge.ops;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.popbridge.imap.UpstreamEndpoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Whether this instance can serve: every POP3 listener is bound, and every configured upstream
 * (the default and each route's) accepts a TCP connection (and completes a TLS handshake, for
 * {@code imaps://}) within the probe timeout. The upstreams are probed in parallel; the result is
 * kept for {@link #CACHE_FOR}, so that a busy scraper cannot turn readiness checks into a
 * connection flood. The list of upstreams is read at each probe, so a reload changes it.
 *
 * <p>Event-loop confined: {@link #check()} must be called on {@code loop}.
 */
public final class Readiness {

    public static final Duration CACHE_FOR = Duration.ofSeconds(3);
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);

    /**
     * One upstream to probe.
     *
     * @param tls the client TLS context for the handshake of an implicit-TLS upstream; ignored
     *     (may be null) otherwise
     */
    public record Target(UpstreamEndpoint endpoint, SslContext tls) {
        public Target {
            Objects.requireNonNull(endpoint, "endpoint");
            tls = endpoint.security() == UpstreamEndpoint.Security.IMPLICIT_TLS ? tls : null;
        }

        String label() {
            return endpoint.host() + ":" + endpoint.port();
        }
    }

    private final BooleanSupplier listenersBound;
    private final Supplier<List<Target>> upstreams;
    private final EventLoop loop;
    private final Duration cacheFor;
    private String lastReason;
    private long lastAt;
    private boolean cached;
    private List<Promise<String>> waiting;

    /**
     * @param tls the upstream client TLS context, used for the handshake of an implicit-TLS
     *     upstream; ignored otherwise
     */
    public Readiness(BooleanSupplier listenersBound, UpstreamEndpoint upstream, SslContext tls, EventLoop loop) {
        this(listenersBound, () -> List.of(new Target(upstream, tls)), loop, CACHE_FOR);
    }

    /**
     * @param upstreams the upstreams to probe, read at each probe (distinct endpoints are probed
     *     once)
     */
    public Readiness(BooleanSupplier listenersBound, Supplier<List<Target>> upstreams, EventLoop loop,
            Duration cacheFor) {
        this.cacheFor = cacheFor;
        this.listenersBound = Objects.requireNonNull(listenersBound, "listenersBound");
        this.upstreams = Objects.requireNonNull(upstreams, "upstreams");
        this.loop = Objects.requireNonNull(loop, "loop");
    }

    /** Completes with null when ready, else with a short reason. */
    public Future<String> check() {
        if (!listenersBound.getAsBoolean()) {
            return loop.newSucceededFuture("POP3 listeners not bound");
        }
        long now = System.nanoTime();
        if (cached && now - lastAt < cacheFor.toNanos()) {
            return loop.newSucceededFuture(lastReason);
        }
        Promise<String> promise = loop.newPromise();
        if (waiting != null) {
            waiting.add(promise);
            return promise;
        }
        waiting = new ArrayList<>(List.of(promise));
        Map<String, Target> targets = new LinkedHashMap<>();
        for (Target target : upstreams.get()) {
            targets.putIfAbsent(target.label() + " " + target.endpoint().security(), target);
        }
        List<String> down = new ArrayList<>();
        int[] pending = {targets.size()};
        Runnable finish = () -> {
            lastReason = down.isEmpty() ? null : "upstream not reachable: " + String.join(", ", down);
            lastAt = System.nanoTime();
            cached = true;
            List<Promise<String>> done = waiting;
            waiting = null;
            done.forEach(p -> p.setSuccess(lastReason));
        };
        if (targets.isEmpty()) {
            finish.run();
            return promise;
        }
        for (Target target : targets.values()) {
            probe(target).addListener(f -> {
                // listeners run on the loop: no locking needed
                if (!f.isSuccess() && !down.contains(target.label())) {
                    down.add(target.label());
                }
                if (--pending[0] == 0) {
                    down.sort(null);
                    finish.run();
                }
            });
        }
        return promise;
    }

    private Future<Void> probe(Target target) {
        UpstreamEndpoint upstream = target.endpoint();
        SslContext tls = target.tls();
        Promise<Void> result = loop.newPromise();
        ChannelFuture connect = new Bootstrap()
                .group(loop)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) PROBE_TIMEOUT.toMillis())
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (tls != null) {
                            SslHandler ssl = tls.newHandler(ch.alloc(), upstream.host(), upstream.port());
                            ssl.setHandshakeTimeout(PROBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                            ch.pipeline().addLast(ssl);
                        }
                    }
                })
                .connect(upstream.host(), upstream.port());
        connect.addListener((ChannelFuture f) -> {
            if (!f.isSuccess()) {
                result.tryFailure(f.cause());
                return;
            }
            SslHandler ssl = f.channel().pipeline().get(SslHandler.class);
            if (ssl == null) {
                f.channel().close();
                result.trySuccess(null);
                return;
            }
            ssl.handshakeFuture().addListener(h -> {
                f.channel().close();
                if (h.isSuccess()) {
                    result.trySuccess(null);
                } else {
                    result.tryFailure(h.cause());
                }
            });
        });
        return result;
    }
}
