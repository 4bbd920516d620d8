package io.popbridge.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatsTest {

    @Test
    void percentilesOfAKnownDistribution() {
        Stats stats = new Stats();
        for (int ms = 1; ms <= 100; ms++) {
            stats.record("session", ms * 1_000_000L);
        }
        String report = stats.report("t", 10.0);
        // HdrHistogram with 3 significant digits: within 0.1%
        assertTrue(report.contains("p50=50.0"), report);
        assertTrue(report.contains("p99=99.0"), report);
        assertTrue(report.contains("max=100.0"), report);
        assertTrue(report.contains("RESULT label=t sessions_per_s=0.00"), report);
    }

    @Test
    void ratesComeFromCountsAndSeconds() {
        Stats stats = new Stats();
        stats.sessions.add(50);
        stats.octets.add(20_000_000);
        stats.messages.add(400);
        String report = stats.report("r", 4.0);
        assertTrue(report.contains("sessions_per_s=12.50 mb_per_s=5.000 messages_per_s=100.00"), report);
    }

    @Test
    void errorsAreCountedByKind() {
        Stats stats = new Stats();
        stats.error(new PopConnection.ErrReply("PASS", "-ERR [AUTH] no"));
        stats.error(new PopConnection.ErrReply("PASS", "-ERR [AUTH] no"));
        stats.error(new ConnectException("refused"));
        stats.error(new SocketTimeoutException("slow"));
        stats.error(new EOFException("gone"));
        stats.error("size_mismatch");
        assertEquals(Map.of("err_pass", 2L, "connect_refused", 1L, "timeout", 1L, "closed_by_server", 1L,
                "size_mismatch", 1L), stats.errorsByKind());
        assertEquals(6, stats.errorCount());
        assertTrue(stats.report("e", 1).contains("  error err_pass: 2\n"));
    }

    @Test
    void aDownloadedSizeOtherThanTheListedOneIsAnError() {
        Stats stats = new Stats();
        Scenario.countMessage(stats, 100, 100);
        Scenario.countMessage(stats, 99, 100);
        assertEquals(2, stats.messages.sum());
        assertEquals(199, stats.octets.sum());
        assertEquals(1, stats.errors("size_mismatch"));
    }
}
