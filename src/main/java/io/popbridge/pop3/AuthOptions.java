package io.popbridge.pop3;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * How the front end lets clients log in.
 *
 * @param allowCleartext accept USER/PASS and AUTH on unencrypted connections from anywhere
 *     (Dovecot's {@code disable_plaintext_auth = no}); false by default
 * @param trustLoopback treat loopback peers (and non-IP local transports) as trusted for cleartext
 * @param trustedNetworks further networks from which cleartext logins are accepted
 * @param failureDelay wait before answering a failed login (zero: none)
 * @param maxFailures failed logins per connection; the connection closes after the last one
 * @param tokenMechanisms SASL token mechanisms passed through to the upstream
 *     ({@code XOAUTH2}, {@code OAUTHBEARER}), upper case; empty by default
 */
public record AuthOptions(boolean allowCleartext, boolean trustLoopback, List<CidrRange> trustedNetworks,
        Duration failureDelay, int maxFailures, Set<String> tokenMechanisms) {

    /** The token mechanisms this front end knows how to pass through. */
    public static final Set<String> TOKEN_MECHANISMS = Set.of("XOAUTH2", "OAUTHBEARER");

    public static final Duration DEFAULT_FAILURE_DELAY = Duration.ofSeconds(2);
    public static final int DEFAULT_MAX_FAILURES = 3;

    /**
     * @throws IllegalArgumentException naming the setting that is out of range
     */
    public AuthOptions {
        trustedNetworks = List.copyOf(trustedNetworks);
        Objects.requireNonNull(failureDelay, "failureDelay");
        if (failureDelay.isNegative()) {
            throw new IllegalArgumentException("failureDelay must not be negative: " + failureDelay);
        }
        if (maxFailures < 1) {
            throw new IllegalArgumentException("maxFailures must be at least 1: " + maxFailures);
        }
        tokenMechanisms = Set.copyOf(tokenMechanisms);
        for (String m : tokenMechanisms) {
            if (!TOKEN_MECHANISMS.contains(m)) {
                throw new IllegalArgumentException("tokenMechanisms: '" + m + "' is not one of XOAUTH2, OAUTHBEARER");
            }
        }
    }

    /** Cleartext refused except from loopback, 2 s failure delay, 3 failures, no token mechanisms. */
    public static AuthOptions defaults() {
        return new AuthOptions(false, true, List.of(), DEFAULT_FAILURE_DELAY, DEFAULT_MAX_FAILURES, Set.of());
    }

    /** Whether a client at {@code peer} (the socket peer) may send credentials without TLS. */
    boolean cleartextAllowedFrom(SocketAddress peer) {
        return cleartextAllowedFrom(peer, false);
    }

    /**
     * Whether a client at {@code peer} may send credentials without TLS. A {@code proxied} address
     * came from a PROXY header: only {@link #trustedNetworks} count for it, never
     * {@link #trustLoopback} (the proxy says 127.0.0.1 about connections it received on loopback,
     * which may themselves have come from anywhere).
     */
    boolean cleartextAllowedFrom(SocketAddress peer, boolean proxied) {
        if (allowCleartext) {
            return true;
        }
        if (proxied) {
            return peer instanceof InetSocketAddress inet && inet.getAddress() != null && inTrustedNetwork(inet.getAddress());
        }
        if (!(peer instanceof InetSocketAddress inet) || inet.getAddress() == null) {
            // a Unix domain socket or an in-process channel never leaves the machine
            return trustLoopback;
        }
        InetAddress address = inet.getAddress();
        if (trustLoopback && (address.isLoopbackAddress())) {
            return true;
        }
        return inTrustedNetwork(address);
    }

    private boolean inTrustedNetwork(InetAddress address) {
        for (CidrRange network : trustedNetworks) {
            if (network.contains(address)) {
                return true;
            }
        }
        return false;
    }

    boolean tokenMechanism(String mechanism) {
        return tokenMechanisms.contains(mechanism.toUpperCase(Locale.ROOT));
    }
}
