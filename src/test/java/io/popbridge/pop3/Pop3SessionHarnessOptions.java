package io.popbridge.pop3;

import java.time.Duration;

/** Options for harness sessions. */
final class Pop3SessionHarnessOptions {

    private Pop3SessionHarnessOptions() {
    }

    /** Loopback-trusting defaults with failed logins answered at once. */
    static Pop3Options quick() {
        return new Pop3Options(255, Duration.ofMinutes(10), Duration.ofMinutes(1), 3, "popbridge",
                Pop3SessionHarness.QUICK_AUTH);
    }
}
