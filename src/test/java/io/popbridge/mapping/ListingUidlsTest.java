package io.popbridge.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * A cached {@link Listing} keeps no string for a UIDL in the default format and still gives out
 * exactly the UIDLs it was given, through the builder, {@code withUidls}, {@code toBuilder} and the
 * stored form.
 */
class ListingUidlsTest {

    private static final long V = 0x5F5E1000L;

    private static Listing sample(long uidValidity) {
        return new Listing.Builder(uidValidity, "$Hide")
                .put(1, 10, 0, DerivedUidl.of(uidValidity, 1))
                .put(2, 20, 0, "imported-2")
                .put(3, 30, 0, null)
                .put(0x7FFF_FFFFL, 40, 0, DerivedUidl.of(uidValidity, 0x7FFF_FFFFL))
                .put(0xFFFF_FFFFL, 50, Listing.HIDDEN, DerivedUidl.of(uidValidity, 0xFFFF_FFFFL))
                .put(0x1_0000_0000L, 60, 0, DerivedUidl.of(uidValidity, 0x1_0000_0000L))
                .put(0x1_0000_0001L, 70, 0, DerivedUidl.of(uidValidity - 1, 0x1_0000_0001L)) // another UIDVALIDITY's
                .put(0x1_0000_0002L, 80, 0, "(derived)") // the marker's text is an ordinary UIDL
                .build();
    }

    private static String[] uidls(Listing l) {
        String[] out = new String[l.size()];
        for (int i = 0; i < l.size(); i++) {
            out[i] = l.uidl(i);
        }
        return out;
    }

    @Test
    void defaultFormatUidlsAreNotKeptButGivenOutUnchanged() {
        Listing l = sample(V);
        assertEquals(DerivedUidl.of(V, 1), l.uidl(0));
        assertEquals("imported-2", l.uidl(1));
        assertNull(l.uidl(2));
        assertEquals(DerivedUidl.of(V, 0xFFFF_FFFFL), l.uidl(4));
        assertEquals("100000000" + "5f5e1000", l.uidl(5), "wider than 32 bits: every digit");
        assertEquals(DerivedUidl.of(V - 1, 0x1_0000_0001L), l.uidl(6));
        assertEquals("(derived)", l.uidl(7));
        assertEquals(3, l.keptUidls(), "imported-2, the other UIDVALIDITY's and (derived)");
        assertNotSame(l.uidl(0), l.uidl(0), "formatted on each call");
    }

    @Test
    void equalityStoredFormAndRebuildsSeeTheSameUidls() {
        Listing l = sample(V);
        assertEquals(l, sample(V));
        assertTrue(l.sameMessages(l.toBuilder().build()));
        assertSame(l, l.withUidls(uid -> l.uidl(l.indexOf(uid))), "unchanged UIDLs (formatted afresh): no copy");
        Listing back = ListingCodec.decode(ListingCodec.encode(l));
        assertEquals(l, back);
        assertEquals(java.util.Arrays.asList(uidls(l)), java.util.Arrays.asList(uidls(back)));
        assertEquals(3, back.keptUidls());

        Listing changed = l.withUidls(uid -> uid == 1 ? "other" : l.uidl(l.indexOf(uid)));
        assertFalse(l.sameMessages(changed));
        assertEquals("other", changed.uidl(0));
        assertFalse(l.sameMessages(l.withUidls(uid -> uid == 2 ? DerivedUidl.of(V, 2) : l.uidl(l.indexOf(uid)))));
        assertFalse(l.sameMessages(l.withUidls(uid -> null)));
    }

    @Test
    void listingsOfAnotherUidValidityDifferInTheirDerivedUidls() {
        Listing a = new Listing.Builder(V, "").put(1, 10, 0, DerivedUidl.of(V, 1)).build();
        Listing b = new Listing.Builder(V + 1, "").put(1, 10, 0, DerivedUidl.of(V + 1, 1)).build();
        Listing c = new Listing.Builder(V + 1, "").put(1, 10, 0, DerivedUidl.of(V, 1)).build();
        assertFalse(a.sameMessages(b));
        assertTrue(a.sameMessages(c), "same UIDL strings, one kept as a string");
        assertTrue(c.sameMessages(a));
    }
}
