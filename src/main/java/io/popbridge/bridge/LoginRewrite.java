package io.popbridge.bridge;

import java.util.Arrays;
import java.util.Locale;

/** How the user name the POP3 client sent becomes the name sent to the upstream IMAP server. */
public enum LoginRewrite {
    /** Send the name unchanged. */
    AS_IS,
    /** Send the part before the last {@code @} ({@code alice@example.com} becomes {@code alice}). */
    STRIP_DOMAIN;

    /** The rewritten name; the raw octets, so no charset is guessed ({@code @} is one octet in UTF-8). */
    public byte[] apply(byte[] user) {
        if (this == AS_IS) {
            return user;
        }
        for (int i = user.length - 1; i >= 0; i--) {
            if (user[i] == '@') {
                return Arrays.copyOf(user, i);
            }
        }
        return user;
    }

    /** {@code as-is} or {@code strip-domain}. */
    public static LoginRewrite parse(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "as-is" -> AS_IS;
            case "strip-domain" -> STRIP_DOMAIN;
            default -> throw new IllegalArgumentException(
                    "'" + text + "' is not a login rewrite (expected as-is or strip-domain)");
        };
    }
}
