package io.popbridge.pop3;

import java.util.Arrays;

/**
 * A SASL login the bridge cannot check itself and passes through to the upstream unchanged
 * (XOAUTH2, OAUTHBEARER: the client already holds a token).
 *
 * @param mechanism the SASL mechanism name, upper case
 * @param initialResponse the client's decoded initial response (contains the token: never log it)
 * @param user the user the response names, for routing and logs (may be empty if unknown)
 */
public record TokenLogin(String mechanism, byte[] initialResponse, String user) {

    public TokenLogin {
        initialResponse = initialResponse.clone();
    }

    /** Overwrites the response octets once they have been sent upstream. */
    public void wipe() {
        Arrays.fill(initialResponse, (byte) 0);
    }

    @Override
    public String toString() {
        return "TokenLogin[mechanism=" + mechanism + ", user=" + user + ", response=<hidden>]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TokenLogin t && mechanism.equals(t.mechanism) && user.equals(t.user)
                && Arrays.equals(initialResponse, t.initialResponse);
    }

    @Override
    public int hashCode() {
        return mechanism.hashCode() * 31 + user.hashCode();
    }
}
