package io.popbridge.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
                .put(2, 5, Listing.HIDDEN, "x".repeat(70)).build();
        Listing back = ListingCodec.decode(ListingCodec.encode(l));
        assertEquals(l, back);
        assertEquals(1, back.uid(0));
        assertEquals("!~", back.uidl(2));
        assertEquals(null, back.uidl(0));
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
    void withUidlsRecordsUidlsWithoutTouchingTheRest() {
        Listing l = ListingStoreContract.large(1000, 4);
        Listing named = l.withUidls(uid -> uid % 2 == 0 ? "u" + uid : null);
        assertEquals("u" + l.uid(0), named.uidl(0));
        assertEquals(l.size(), named.size());
        assertEquals(l.highestModSeq(), named.highestModSeq());
        for (int i = 0; i < l.size(); i++) {
            assertEquals(l.uid(i), named.uid(i));
            assertEquals(l.flags(i), named.flags(i));
            assertEquals(l.uid(i) % 2 == 0 ? "u" + l.uid(i) : null, named.uidl(i));
        }
    }
}
