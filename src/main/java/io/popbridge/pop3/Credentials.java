package io.popbridge.pop3;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A user name and password exactly as the client sent them (raw octets, no charset guessing), so
 * that the bridge can pass them upstream unchanged.
 *
 * <p>{@link #toString()} never shows the password.
 */
public record Credentials(byte[] user, byte[] password) {

    public Credentials {
        user = user.clone();
        password = password.clone();
    }

    /** The user name for logs and routing, decoded as UTF-8 with replacement of invalid bytes. */
    public String userName() {
        return new String(user, StandardCharsets.UTF_8);
    }

    /** Overwrites the password octets; call once they have been sent upstream. */
    public void wipe() {
        Arrays.fill(password, (byte) 0);
    }

    @Override
    public String toString() {
        return "Credentials[user=" + userName() + ", password=<hidden>]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Credentials c && Arrays.equals(user, c.user) && Arrays.equals(password, c.password);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(user);
    }
}
