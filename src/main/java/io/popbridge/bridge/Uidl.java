package io.popbridge.bridge;

import java.util.Locale;

/**
 * UIDLs derived from UIDVALIDITY and UID.
 *
 * <p>The format is Dovecot's default {@code pop3_uidl_format = %08Xu%08Xv}: eight lower-case hex
 * digits of the UID, then eight of UIDVALIDITY. Clients that used Dovecot's own POP3 on the same
 * mailbox therefore see the UIDLs they already know and download nothing again.
 */
final class Uidl {

    private Uidl() {
    }

    static String of(long uidValidity, long uid) {
        return String.format(Locale.ROOT, "%08x%08x", uid, uidValidity);
    }
}
