package io.popbridge.bridge;

/**
 * Told what the bridge does upstream, for metrics. Every method has a no-op default.
 *
 * <p>Threading: called on session event loops, many at once: implementations must be
 * thread-safe and must not block.
 */
public interface UpstreamObserver {

    /** Observes nothing. */
    UpstreamObserver NONE = new UpstreamObserver() {
    };

    /**
     * A connection to {@code upstream} ({@code host:port}) was set up (TCP, TLS and greeting), or
     * failed ({@code ok} false) after {@code nanos}.
     */
    default void connected(String upstream, boolean ok, long nanos) {
    }

    /**
     * An upstream operation failed.
     *
     * @param kind {@code connect}, {@code login}, {@code select}, {@code listing}, {@code fetch} or
     *     {@code policy}, or {@code store} (the mapping store failed)
     */
    default void error(String upstream, String kind) {
    }

    /** The delete policy was applied at QUIT to {@code messages} messages. */
    default void deletesApplied(DeletePolicy policy, int messages) {
    }

    /** A message's true size differed from its {@code RFC822.SIZE} and was learnt. */
    default void sizeCorrected(String upstream) {
    }

    /**
     * After a UIDVALIDITY change (or a move), {@code messages} messages were matched by fingerprint
     * to the UIDLs they had before, which they keep.
     */
    default void uidlsRematched(String upstream, int messages) {
    }

    /**
     * A POP3 login got an upstream session: {@code reused} an idle one kept from an earlier POP3
     * session of the same user and password, or a fresh connection and login.
     */
    default void upstreamSession(String upstream, boolean reused) {
    }
}
