package io.popbridge.mapping;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.InflaterInputStream;

/**
 * The stored form of a {@link Listing}: a version byte, then deflated varints. Per message: the
 * UID as the difference to the previous one, the size, the flag bits, and the UIDL (its length
 * + 1, or 0 for none, then its ASCII octets), and the INTERNALDATE (epoch seconds, 0 for
 * unknown) as the zigzag difference to the previous message's (mail mostly arrives in UID
 * order, so this is a byte or two). A 100,000-message mailbox with sequential UIDs and default
 * UIDLs takes a few hundred kilobytes before deflate and much less after.
 *
 * <p>Format 1 (before INTERNALDATE was kept) is no longer read: such a stored listing is
 * rejected as unknown, which the store treats as no listing (a full listing replaces it).
 */
final class ListingCodec {

    private static final int VERSION = 2;
    /** Upper bound on messages when decoding, so a corrupt row cannot make us allocate without bound. */
    static final int MAX_MESSAGES = 10_000_000;

    private ListingCodec() {
    }

    static byte[] encode(Listing listing) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 + listing.size() * 4);
        bytes.write(VERSION);
        try (DataOutputStream out = new DataOutputStream(new DeflaterOutputStream(bytes))) {
            varint(out, listing.uidValidity());
            varint(out, listing.highestModSeq());
            varint(out, listing.uidNext());
            byte[] keyword = listing.hideKeyword().getBytes(StandardCharsets.UTF_8);
            varint(out, keyword.length);
            out.write(keyword);
            varint(out, listing.size());
            long previous = 0;
            long previousDate = 0;
            for (int i = 0; i < listing.size(); i++) {
                varint(out, listing.uid(i) - previous);
                previous = listing.uid(i);
                varint(out, listing.messageSize(i));
                out.write(listing.flags(i));
                String uidl = listing.uidl(i);
                if (uidl == null) {
                    out.write(0);
                } else {
                    byte[] u = uidl.getBytes(StandardCharsets.US_ASCII);
                    varint(out, u.length + 1L);
                    out.write(u);
                }
                long date = listing.internalDate(i);
                varint(out, zigzag(date - previousDate));
                previousDate = date;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** @throws IllegalArgumentException if the octets are not a listing of this format */
    static Listing decode(byte[] stored) {
        if (stored.length < 1 || stored[0] != VERSION) {
            throw new IllegalArgumentException("unknown listing format");
        }
        try (DataInputStream in = new DataInputStream(new InflaterInputStream(
                new java.io.ByteArrayInputStream(stored, 1, stored.length - 1)))) {
            long uidValidity = varint(in);
            long modSeq = varint(in);
            long uidNext = varint(in);
            String keyword = new String(in.readNBytes(length(in, 255)), StandardCharsets.UTF_8);
            int n = length(in, MAX_MESSAGES);
            long[] uids = new long[n];
            long[] sizes = new long[n];
            byte[] flags = new byte[n];
            String[] uidls = new String[n];
            long[] dates = new long[n];
            long uid = 0;
            long date = 0;
            for (int i = 0; i < n; i++) {
                uid += varint(in);
                uids[i] = uid;
                sizes[i] = varint(in);
                flags[i] = in.readByte();
                int len = length(in, 71);
                if (len > 0) {
                    byte[] u = in.readNBytes(len - 1);
                    if (u.length != len - 1) {
                        throw new EOFException();
                    }
                    uidls[i] = new String(u, StandardCharsets.US_ASCII);
                }
                date += unzigzag(varint(in));
                if (date < 0) {
                    throw new IllegalArgumentException("corrupt listing: negative INTERNALDATE");
                }
                dates[i] = date;
            }
            if (in.read() >= 0) {
                throw new IllegalArgumentException("trailing data after the listing");
            }
            return new Listing(uidValidity, modSeq, uidNext, keyword, uids, sizes, flags, uidls, dates);
        } catch (IOException e) {
            throw new IllegalArgumentException("corrupt listing: " + e.getMessage(), e);
        }
    }

    private static int length(DataInputStream in, int max) throws IOException {
        long v = varint(in);
        if (v > max) {
            throw new IllegalArgumentException("corrupt listing: length " + v + " over " + max);
        }
        return (int) v;
    }

    private static long zigzag(long v) {
        return (v << 1) ^ (v >> 63);
    }

    private static long unzigzag(long v) {
        return (v >>> 1) ^ -(v & 1);
    }

    private static void varint(DataOutputStream out, long v) throws IOException {
        if (v < 0) {
            throw new IllegalArgumentException("negative value in a listing");
        }
        while (v >= 0x80) {
            out.write((int) (v & 0x7f) | 0x80);
            v >>>= 7;
        }
        out.write((int) v);
    }

    private static long varint(InputStream in) throws IOException {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("truncated listing");
            }
            v |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        throw new IllegalArgumentException("corrupt listing: varint too long");
    }
}
