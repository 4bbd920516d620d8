package io.popbridge.mapping;

import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable array of longs kept as offsets from their minimum, each in as few bytes as the
 * largest offset needs (0 to 8). A snapshot's UIDs and sizes take 1 to 4 bytes per message this way
 * instead of 8 (a {@code long[]}) or a boxed object each; any long value is kept exactly.
 *
 * <p>Used by a session's snapshot ({@code bridge.Snapshot}) and by the cached {@link Listing}.
 * Thread-safe (immutable). Random access in constant time; two instances are equal when they hold
 * the same values (the packing is a function of the values).
 */
public final class PackedLongs {

    public static final PackedLongs EMPTY = new PackedLongs(0, 0, 0, new byte[0]);

    private final long base;
    private final int width;
    private final int length;
    private final byte[] bytes;

    private PackedLongs(long base, int width, int length, byte[] bytes) {
        this.base = base;
        this.width = width;
        this.length = length;
        this.bytes = bytes;
    }

    /** The first {@code length} values of {@code values}. */
    public static PackedLongs of(long[] values, int length) {
        Objects.checkFromToIndex(0, length, values.length);
        if (length == 0) {
            return EMPTY;
        }
        long min = values[0];
        long max = values[0];
        for (int i = 1; i < length; i++) {
            min = Math.min(min, values[i]);
            max = Math.max(max, values[i]);
        }
        // the difference of two longs as an unsigned 64-bit number is exact
        int width = (Long.SIZE - Long.numberOfLeadingZeros(max - min) + 7) / Byte.SIZE;
        byte[] bytes = new byte[Math.multiplyExact(length, width)];
        for (int i = 0, at = 0; i < length; i++) {
            long offset = values[i] - min;
            for (int b = 0; b < width; b++, offset >>>= Byte.SIZE) {
                bytes[at++] = (byte) offset;
            }
        }
        return new PackedLongs(min, width, length, bytes);
    }

    /** All of {@code values}. */
    public static PackedLongs of(long[] values) {
        return of(values, values.length);
    }

    public int length() {
        return length;
    }

    public long get(int index) {
        Objects.checkIndex(index, length);
        long offset = 0;
        for (int b = width - 1, at = index * width; b >= 0; b--) {
            offset = offset << Byte.SIZE | (bytes[at + b] & 0xFF);
        }
        return base + offset;
    }

    /** Bytes per value (0 when all values are equal). */
    public int width() {
        return width;
    }

    /**
     * As {@link Arrays#binarySearch(long[], long)} over values in ascending order: the index of
     * {@code key}, or {@code -(insertion point) - 1}.
     */
    public int binarySearch(long key) {
        int low = 0;
        int high = length - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            long value = get(mid);
            if (value < key) {
                low = mid + 1;
            } else if (value > key) {
                high = mid - 1;
            } else {
                return mid;
            }
        }
        return -(low + 1);
    }

    /** The values as a new array. */
    public long[] toArray() {
        long[] values = new long[length];
        for (int i = 0; i < length; i++) {
            values[i] = get(i);
        }
        return values;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PackedLongs p && length == p.length && base == p.base && width == p.width
                && Arrays.equals(bytes, p.bytes);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Long.hashCode(base) + length) + Arrays.hashCode(bytes);
    }
}
