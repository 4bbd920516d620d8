package io.popbridge.load;

import java.io.EOFException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLException;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * What one load run counted: completed sessions, messages and octets, latencies (HdrHistogram,
 * microseconds, 3 significant digits, up to one hour) by name, and errors by kind. Thread-safe.
 */
final class Stats {

    private static final long MAX_MICROS = 3_600_000_000L;

    private final Map<String, Histogram> latencies = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    final LongAdder sessions = new LongAdder();
    final LongAdder messages = new LongAdder();
    final LongAdder octets = new LongAdder();
    final LongAdder commands = new LongAdder();

    void record(String name, long nanos) {
        Histogram histogram = latencies.computeIfAbsent(name, k -> new ConcurrentHistogram(MAX_MICROS, 3));
        histogram.recordValue(Math.min(MAX_MICROS, Math.max(0, nanos / 1_000)));
    }

    void error(String kind) {
        errors.computeIfAbsent(kind, k -> new LongAdder()).increment();
    }

    /** Counts an exception under a kind derived from its type (and the command, for -ERR replies). */
    void error(Throwable e) {
        error(kindOf(e));
    }

    static String kindOf(Throwable e) {
        if (e instanceof PopConnection.ErrReply err) {
            return "err_" + err.command.toLowerCase(Locale.ROOT);
        }
        if (e instanceof ImapDirect.NoReply no) {
            return "imap_" + no.command.toLowerCase(Locale.ROOT);
        }
        if (e instanceof ConnectException) {
            return "connect_refused";
        }
        if (e instanceof SocketTimeoutException) {
            return "timeout";
        }
        if (e instanceof EOFException) {
            return "closed_by_server";
        }
        if (e instanceof SSLException) {
            return "tls";
        }
        if (e instanceof NumberFormatException) {
            return "malformed_reply";
        }
        if (e instanceof java.io.IOException) {
            return "io_" + e.getClass().getSimpleName();
        }
        return "bug_" + e.getClass().getSimpleName();
    }

    long errorCount() {
        return errors.values().stream().mapToLong(LongAdder::sum).sum();
    }

    long errors(String kind) {
        LongAdder count = errors.get(kind);
        return count == null ? 0 : count.sum();
    }

    Map<String, Long> errorsByKind() {
        Map<String, Long> sorted = new TreeMap<>();
        errors.forEach((k, v) -> sorted.put(k, v.sum()));
        return sorted;
    }

    Histogram latency(String name) {
        return latencies.get(name);
    }

    /** One line per latency: count, p50, p99, max in milliseconds. */
    static String percentiles(String name, Histogram histogram) {
        return String.format(Locale.ROOT, "%-10s n=%d p50=%.3fms p99=%.3fms max=%.3fms", name,
                histogram.getTotalCount(), histogram.getValueAtPercentile(50) / 1000.0,
                histogram.getValueAtPercentile(99) / 1000.0, histogram.getMaxValue() / 1000.0);
    }

    /** The human-readable report, plus one machine-readable RESULT line for scripts. */
    String report(String label, double seconds) {
        StringBuilder out = new StringBuilder();
        double sessionsPerSecond = sessions.sum() / seconds;
        double megabytesPerSecond = octets.sum() / seconds / 1e6;
        out.append(String.format(Locale.ROOT,
                "%s: %.1fs, %d sessions (%.1f/s), %d messages (%.1f/s), %.2f MB (%.2f MB/s), %d errors%n", label,
                seconds, sessions.sum(), sessionsPerSecond, messages.sum(), messages.sum() / seconds,
                octets.sum() / 1e6, megabytesPerSecond, errorCount()));
        new TreeMap<>(latencies).forEach((name, h) -> out.append("  ").append(percentiles(name, h)).append('\n'));
        errorsByKind().forEach((kind, count) -> out.append("  error ").append(kind).append(": ").append(count)
                .append('\n'));
        Histogram session = latencies.getOrDefault("session", new Histogram(1, MAX_MICROS, 3));
        out.append(String.format(Locale.ROOT,
                "RESULT label=%s sessions_per_s=%.2f mb_per_s=%.3f messages_per_s=%.2f p50_ms=%.3f p99_ms=%.3f max_ms=%.3f errors=%d%n",
                label, sessionsPerSecond, megabytesPerSecond, messages.sum() / seconds,
                session.getValueAtPercentile(50) / 1000.0, session.getValueAtPercentile(99) / 1000.0,
                session.getMaxValue() / 1000.0, errorCount()));
        return out.toString();
    }
}
