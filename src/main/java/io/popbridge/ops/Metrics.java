package io.popbridge.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.popbridge.bridge.DeletePolicy;
import io.popbridge.bridge.UpstreamObserver;
import io.popbridge.pop3.FailureKind;
import io.popbridge.pop3.SessionObserver;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * popbridge's meters in one Prometheus registry (names and meanings in {@code docs/metrics.md}).
 * The POP3 side is observed per listener ({@link #listener(String)}), the upstream side through
 * this object as an {@link UpstreamObserver}.
 *
 * <p>Thread-safe: Micrometer meters are, and meters are looked up (and created once) per event.
 */
public final class Metrics implements UpstreamObserver {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    public Metrics() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    /** The registry, for the admin listener's {@code /metrics} and for tests. */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** The Prometheus text exposition of every meter. */
    public String scrape() {
        return registry.scrape();
    }

    /**
     * The observer of one POP3 listener; {@code name} (its configured address) is the
     * {@code listener} label of the session meters.
     */
    public SessionObserver listener(String name) {
        AtomicLong active = new AtomicLong();
        Gauge.builder("popbridge.pop3.sessions.active", active, AtomicLong::get)
                .description("POP3 sessions open now")
                .tag("listener", name)
                .register(registry);
        Counter total = Counter.builder("popbridge.pop3.sessions")
                .description("POP3 sessions started")
                .tag("listener", name)
                .register(registry);
        return new SessionObserver() {
            @Override
            public void sessionStarted() {
                active.incrementAndGet();
                total.increment();
            }

            @Override
            public void sessionEnded() {
                active.decrementAndGet();
            }

            @Override
            public void login(FailureKind failure) {
                Counter.builder("popbridge.pop3.logins")
                        .description("POP3 logins by outcome")
                        .tag("outcome", failure == null ? "ok" : failure.name().toLowerCase(Locale.ROOT))
                        .register(registry).increment();
            }

            @Override
            public void command(String verb, boolean ok, long nanos) {
                Timer.builder("popbridge.pop3.command")
                        .description("POP3 commands by verb and outcome, from command to (end of) reply")
                        .tag("verb", verb)
                        .tag("outcome", ok ? "ok" : "err")
                        .register(registry).record(nanos, TimeUnit.NANOSECONDS);
            }

            @Override
            public void connectionRefused(String reason) {
                Counter.builder("popbridge.pop3.connections.refused")
                        .description("Connections closed before a POP3 session began, by reason")
                        .tag("listener", name)
                        .tag("reason", reason)
                        .register(registry).increment();
            }

            @Override
            public void sent(long octets) {
                Counter.builder("popbridge.pop3.sent")
                        .description("Octets of POP3 replies sent to clients, before TLS")
                        .baseUnit("bytes")
                        .register(registry).increment(octets);
            }
        };
    }

    @Override
    public void connected(String upstream, boolean ok, long nanos) {
        Timer.builder("popbridge.upstream.connect")
                .description("Time to connect to the upstream IMAP server (TCP, TLS, greeting)")
                .tag("upstream", upstream)
                .tag("outcome", ok ? "ok" : "err")
                .register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void error(String upstream, String kind) {
        Counter.builder("popbridge.upstream.errors")
                .description("Failed upstream operations by kind")
                .tag("upstream", upstream)
                .tag("kind", kind)
                .register(registry).increment();
    }

    @Override
    public void deletesApplied(DeletePolicy policy, int messages) {
        Counter.builder("popbridge.bridge.deletes")
                .description("Messages deleted by POP3 clients, as applied upstream at QUIT, by policy")
                .tag("policy", policy.kind().name().toLowerCase(Locale.ROOT))
                .register(registry).increment(messages);
    }

    @Override
    public void sizeCorrected(String upstream) {
        Counter.builder("popbridge.bridge.size.corrections")
                .description("Message sizes learnt because RFC822.SIZE differed from what RETR sent")
                .tag("upstream", upstream)
                .register(registry).increment();
    }

    @Override
    public void uidlsRematched(String upstream, int messages) {
        Counter.builder("popbridge.uidl.rematches")
                .description("Messages that kept their UIDL across a UIDVALIDITY change, matched by fingerprint")
                .tag("upstream", upstream)
                .register(registry).increment(messages);
    }

    /** Publishes {@code size} (idle upstream sessions kept for reuse now) as a gauge. */
    public void idleUpstreamSessions(java.util.function.IntSupplier size) {
        Gauge.builder("popbridge.upstream.sessions.idle", size, s -> s.getAsInt())
                .description("Logged-in upstream sessions kept idle for the same user's next poll")
                .register(registry);
    }

    @Override
    public void upstreamSession(String upstream, boolean reused) {
        Counter.builder("popbridge.upstream.sessions")
                .description("Upstream sessions behind POP3 logins: fresh (connect and login) or reused (kept idle)")
                .tag("upstream", upstream)
                .tag("kind", reused ? "reused" : "fresh")
                .register(registry).increment();
    }
}
