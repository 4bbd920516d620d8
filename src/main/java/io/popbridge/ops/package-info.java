/**
 * Operations: metrics (Micrometer, scraped in the Prometheus text format), health and readiness
 * on a separate admin HTTP listener. The protocol packages know nothing of Micrometer: they call
 * observer interfaces ({@link io.popbridge.pop3.SessionObserver},
 * {@link io.popbridge.bridge.UpstreamObserver}) that {@link io.popbridge.ops.Metrics} implements.
 * The meters are listed in {@code docs/metrics.md}.
 */
package io.popbridge.ops;
