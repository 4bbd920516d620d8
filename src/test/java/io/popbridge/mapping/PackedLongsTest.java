package io.popbridge.mapping;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The search, copy and equality {@link Listing} relies on (packing itself: CompactSnapshotTest). */
class PackedLongsTest {

    @Test
    void binarySearchAgreesWithArraysBinarySearch() {
        Random random = new Random(7);
        for (int round = 0; round < 200; round++) {
            long[] values = random.longs(random.nextInt(300), 1, round % 2 == 0 ? 5_000 : 0x1_0000_0000L)
                    .distinct().sorted().toArray();
            PackedLongs packed = PackedLongs.of(values);
            assertArrayEquals(values, packed.toArray());
            for (int probe = 0; probe < 50; probe++) {
                long key = probe % 3 == 0 && values.length > 0 ? values[random.nextInt(values.length)]
                        : random.nextLong(0, 0x1_0000_0002L);
                assertEquals(Arrays.binarySearch(values, key), packed.binarySearch(key), "key " + key);
            }
            assertEquals(-1, packed.binarySearch(0));
            assertEquals(-(values.length + 1), packed.binarySearch(Long.MAX_VALUE));
        }
    }

    @Test
    void equalValuesGiveEqualInstances() {
        long[] values = {3, 9, 0xFFFF_FFFFL, 12};
        PackedLongs a = PackedLongs.of(values);
        PackedLongs b = PackedLongs.of(values.clone());
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, PackedLongs.of(new long[] {3, 9, 0xFFFF_FFFFL, 13}));
        assertNotEquals(a, PackedLongs.of(values, 3));
        assertEquals(PackedLongs.EMPTY, PackedLongs.of(new long[0]));
    }
}
