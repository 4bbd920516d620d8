package io.popbridge.bridge;

import io.popbridge.mapping.DerivedUidl;

/**
 * UIDLs derived from UIDVALIDITY and UID, in Dovecot's default format: see {@link DerivedUidl}.
 */
final class Uidl {

    private Uidl() {
    }

    static String of(long uidValidity, long uid) {
        return DerivedUidl.of(uidValidity, uid);
    }

    /** Whether {@code uidl} is {@link #of of(uidValidity, uid)}, compared without building that string. */
    static boolean isDerived(String uidl, long uidValidity, long uid) {
        return DerivedUidl.isDerived(uidl, uidValidity, uid);
    }
}
