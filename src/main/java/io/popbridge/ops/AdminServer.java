package io.popbridge.ops;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.popbridge.imap.UpstreamEndpoint;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin HTTP listener: {@code GET /metrics} (Prometheus text), {@code /healthz} (the process
 * answers) and {@code /readyz} (see {@link Readiness}); 404 for other paths, 405 for other
 * methods. One event loop of its own, so a stuck POP3 worker cannot hide behind a healthy answer
 * and a scraper cannot slow POP3 sessions.
 *
 * <p>Requests are small by design: a body over {@link #MAX_REQUEST} octets is refused (413), and
 * a connection that sends nothing for 30 s is closed.
 */
public final class AdminServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);
    static final int MAX_REQUEST = 8192;

    private final EventLoopGroup group;
    private final Channel channel;

    private AdminServer(EventLoopGroup group, Channel channel) {
        this.group = group;
        this.channel = channel;
    }

    /**
     * Binds {@code address} and serves until {@link #close()}.
     *
     * @param listenersBound whether every POP3 listener is bound (for {@code /readyz})
     * @param upstream probed by {@code /readyz}
     * @param upstreamTls the upstream client TLS context, or null
     * @throws InterruptedException if interrupted while binding
     */
    public static AdminServer start(InetSocketAddress address, Metrics metrics, BooleanSupplier listenersBound,
            UpstreamEndpoint upstream, SslContext upstreamTls) throws InterruptedException {
        return start(address, metrics, listenersBound, upstream, upstreamTls, Readiness.CACHE_FOR);
    }

    /** As above, keeping upstream probe results for {@code probeCache} (tests use zero). */
    static AdminServer start(InetSocketAddress address, Metrics metrics, BooleanSupplier listenersBound,
            UpstreamEndpoint upstream, SslContext upstreamTls, java.time.Duration probeCache)
            throws InterruptedException {
        Readiness.Target target = new Readiness.Target(upstream, upstreamTls);
        return start(address, metrics, listenersBound, () -> java.util.List.of(target), probeCache);
    }

    /**
     * As above, with {@code /readyz} probing every upstream {@code upstreams} lists (the default and
     * each route's), read at each probe so that a configuration reload changes them.
     */
    public static AdminServer start(InetSocketAddress address, Metrics metrics, BooleanSupplier listenersBound,
            java.util.function.Supplier<java.util.List<Readiness.Target>> upstreams, java.time.Duration probeCache)
            throws InterruptedException {
        Objects.requireNonNull(metrics, "metrics");
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            Readiness readiness = new Readiness(listenersBound, upstreams, group.next(), probeCache);
            Channel channel = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new ReadTimeoutHandler(30, TimeUnit.SECONDS));
                            ch.pipeline().addLast(new HttpServerCodec());
                            ch.pipeline().addLast(new HttpObjectAggregator(MAX_REQUEST));
                            ch.pipeline().addLast(new Handler(metrics, readiness));
                        }
                    })
                    .bind(address).sync().channel();
            return new AdminServer(group, channel);
        } catch (RuntimeException | InterruptedException e) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final Metrics metrics;
        private final Readiness readiness;

        Handler(Metrics metrics, Readiness readiness) {
            this.metrics = metrics;
            this.readiness = readiness;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            if (!request.decoderResult().isSuccess()) {
                respond(ctx, HttpResponseStatus.BAD_REQUEST, "bad request\n", false);
                return;
            }
            String path = new QueryStringDecoder(request.uri()).path();
            boolean known = path.equals("/metrics") || path.equals("/healthz") || path.equals("/readyz");
            if (!known) {
                respond(ctx, HttpResponseStatus.NOT_FOUND, "not found\n", keepAlive);
                return;
            }
            boolean head = request.method().equals(HttpMethod.HEAD);
            if (!request.method().equals(HttpMethod.GET) && !head) {
                FullHttpResponse response = response(HttpResponseStatus.METHOD_NOT_ALLOWED, "method not allowed\n",
                        "text/plain; charset=utf-8");
                response.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
                send(ctx, response, keepAlive);
                return;
            }
            switch (path) {
                case "/metrics" -> send(ctx, response(HttpResponseStatus.OK, metrics.scrape(),
                        "text/plain; version=0.0.4; charset=utf-8"), keepAlive);
                case "/healthz" -> respond(ctx, HttpResponseStatus.OK, "ok\n", keepAlive);
                default -> readiness.check().addListener(f -> {
                    String reason = f.isSuccess() ? (String) f.getNow() : "readiness check failed";
                    if (reason == null) {
                        respond(ctx, HttpResponseStatus.OK, "ready\n", keepAlive);
                    } else {
                        respond(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, "not ready: " + reason + "\n", keepAlive);
                    }
                });
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("admin connection error: {}", cause.toString());
            ctx.close();
        }

        private static void respond(ChannelHandlerContext ctx, HttpResponseStatus status, String body, boolean keepAlive) {
            send(ctx, response(status, body, "text/plain; charset=utf-8"), keepAlive);
        }

        private static FullHttpResponse response(HttpResponseStatus status, String body, String type) {
            ByteBuf content = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
            response.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
            return response;
        }

        private static void send(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
            if (!ctx.channel().isActive()) {
                response.release();
                return;
            }
            if (keepAlive) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
                ctx.writeAndFlush(response);
            } else {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            }
        }
    }
}
