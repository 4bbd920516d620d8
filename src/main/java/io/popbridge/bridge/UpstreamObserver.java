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
     *     {@code policy}
     */
    default void error(String upstream, String kind) {
    }

    /** The delete policy was applied at QUIT to {@code messages} messages. */
    default void deletesApplied(DeletePolicy policy, int messages) {
    }

    /** A message's true size differed from its {@code RFC822.SIZE} and was learnt. */
    default void sizeCorrected(String upstream) {
    }
}
