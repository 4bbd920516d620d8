package io.popbridge.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link Uidl#of} gives exactly what {@code String.format("%08x%08x", uid, uidValidity)} gave. */
class UidlTest {

    private static String reference(long uidValidity, long uid) {
        return String.format(Locale.ROOT, "%08x%08x", uid, uidValidity);
    }

    private static final long[] EDGES = {
        0, 1, 2, 0xF, 0x10, 0xFF, 0x100, 0xFFFF, 0x10000, 0xFFFFFF, 0x1000000, 0xFFFFFFFL,
        0x10000000L, 0x7FFFFFFFL, 0x80000000L, 0xFFFFFFFEL, 0xFFFFFFFFL,
        // outside what IMAP sends, still the same as the old output
        0x100000000L, 0x123456789AL, Long.MAX_VALUE, -1L, Long.MIN_VALUE
    };

    @Test
    void edgeValuesMatchStringFormat() {
        for (long validity : EDGES) {
            for (long uid : EDGES) {
                assertEquals(reference(validity, uid), Uidl.of(validity, uid), "uid " + uid + " validity " + validity);
            }
        }
        assertEquals("00000000ffffffff", Uidl.of(0xFFFFFFFFL, 0));
        assertEquals("0000000100000000", Uidl.of(0, 1));
    }

    @Test
    void randomValuesMatchStringFormat() {
        SplittableRandom random = new SplittableRandom(0x5EEDL);
        for (int i = 0; i < 200_000; i++) {
            long validity = random.nextLong(0x1_0000_0000L);
            // mix full-range and small UIDs so every digit count is covered
            long uid = random.nextLong(1L << random.nextInt(1, 33));
            assertEquals(reference(validity, uid), Uidl.of(validity, uid));
        }
        for (int i = 0; i < 20_000; i++) {
            long validity = random.nextLong();
            long uid = random.nextLong();
            assertEquals(reference(validity, uid), Uidl.of(validity, uid));
        }
    }
}
