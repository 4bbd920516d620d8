package io.popbridge.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ListingCodecTest {

    @Test
    void roundTripsEveryField() {
        Listing l = new Listing.Builder(7, "$Hide").highestModSeq(Long.MAX_VALUE).uidNext(4_294_967_295L)
                .put(4_294_967_294L, 0, Listing.DELETED | Listing.HIDDEN, "!~")
                .put(1, 123_456_789_012L, 0, null)
                .put(2, 5, Listing.HIDDEN, "x".repeat(70), 1_733_300_000L)
                .put(3, 6, 0, null, 946_684_800L)
                .put(5, 7, 0, "y", 4_102_444_800L).build();
        Listing back = ListingCodec.decode(ListingCodec.encode(l));
        assertEquals(l, back);
        assertEquals(0, back.internalDate(0));
        assertEquals(1_733_300_000L, back.internalDate(1));
        assertEquals(946_684_800L, back.internalDate(2), "an earlier date than the previous message's");
        assertEquals(4_102_444_800L, back.internalDate(3));
        assertEquals(0, back.internalDate(4), "unknown stays unknown");
        assertFalse(l.sameMessages(l.toBuilder().put(3, 6, 0, null, 946_684_801L).build()), "dates count");
        assertEquals(1, back.uid(0));
        assertEquals(null, back.uidl(0));
        assertEquals("!~", back.uidl(4));
        assertEquals("$Hide", back.hideKeyword());
    }

    @Test
    void aHundredThousandMessagesAreCompact() {
        byte[] stored = ListingCodec.encode(ListingStoreContract.large(100_000, 1));
        assertTrue(stored.length < 1_500_000, stored.length + " octets");
        assertEquals(ListingStoreContract.large(100_000, 1), ListingCodec.decode(stored));
    }

    @Test
    void truncatedOrForeignDataIsRejected() {
        byte[] stored = ListingCodec.encode(ListingStoreContract.large(100, 1));
        for (int cut = 0; cut < stored.length; cut += 7) {
            byte[] part = Arrays.copyOf(stored, cut);
            assertThrows(IllegalArgumentException.class, () -> ListingCodec.decode(part), "cut at " + cut);
        }
        byte[] other = stored.clone();
        other[0] = 9;
        assertThrows(IllegalArgumentException.class, () -> ListingCodec.decode(other));
    }

    @Test
    void theOldFormatWithoutDatesIsRejectedAsUnknown() {
        byte[] old = encodeFormat1(ListingStoreContract.large(100, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ListingCodec.decode(old));
        assertTrue(e.getMessage().contains("unknown listing format"), e.getMessage());
    }

    /** A listing as format 1 (no INTERNALDATE) stored it, as rows written before format 2 hold. */
    static byte[] encodeFormat1(Listing listing) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        bytes.write(1);
        try (java.io.DataOutputStream out = new java.io.DataOutputStream(
                new java.util.zip.DeflaterOutputStream(bytes))) {
            varint(out, listing.uidValidity());
            varint(out, listing.highestModSeq());
            varint(out, listing.uidNext());
            byte[] keyword = listing.hideKeyword().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            varint(out, keyword.length);
            out.write(keyword);
            varint(out, listing.size());
            long previous = 0;
            for (int i = 0; i < listing.size(); i++) {
                varint(out, listing.uid(i) - previous);
                previous = listing.uid(i);
                varint(out, listing.messageSize(i));
                out.write(listing.flags(i));
                String uidl = listing.uidl(i);
                if (uidl == null) {
                    out.write(0);
                } else {
                    varint(out, uidl.length() + 1L);
                    out.write(uidl.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void varint(java.io.DataOutputStream out, long v) throws java.io.IOException {
        while (v >= 0x80) {
            out.write((int) (v & 0x7f) | 0x80);
            v >>>= 7;
        }
        out.write((int) v);
    }

    @Test
    void withUidlsRecordsUidlsWithoutTouchingTheRest() {
        Listing l = ListingStoreContract.large(1000, 4);
        Listing named = l.withUidls(uid -> uid % 2 == 0 ? "u" + uid : null);
        assertEquals("u" + l.uid(0), named.uidl(0));
        assertEquals(l.size(), named.size());
        assertEquals(l.highestModSeq(), named.highestModSeq());
        for (int i = 0; i < l.size(); i++) {
            assertEquals(l.uid(i), named.uid(i));
            assertEquals(l.flags(i), named.flags(i));
            assertEquals(l.internalDate(i), named.internalDate(i));
            assertEquals(l.uid(i) % 2 == 0 ? "u" + l.uid(i) : null, named.uidl(i));
        }
    }
}
