package io.popbridge.bridge;

import io.popbridge.imap.FetchedMessage;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.function.Predicate;

/** The date parts of a {@link MappingOptions.Window} as a filter over a listing. */
final class Windows {

    private Windows() {
    }

    /**
     * Messages the window's date limits accept. A message without an INTERNALDATE passes no date
     * limit (it cannot be shown to be recent enough). INTERNALDATE has whole seconds, so "from now
     * on" compares at that precision: mail arriving in the second of the first login counts as new.
     *
     * @param firstLogin the mailbox's first login with this window, or null when not asked for
     */
    static Predicate<FetchedMessage> filter(MappingOptions.Window window, Instant firstLogin, Instant now) {
        Predicate<FetchedMessage> filter = m -> true;
        if (window.youngerThanDays() > 0) {
            Instant oldest = now.minus(Duration.ofDays(window.youngerThanDays()));
            filter = filter.and(m -> m.internalDate() != null && m.internalDate().isAfter(oldest));
        }
        if (window.fromNowOn() && firstLogin != null) {
            Instant since = firstLogin.truncatedTo(ChronoUnit.SECONDS);
            filter = filter.and(m -> m.internalDate() != null && !m.internalDate().isBefore(since));
        }
        return filter;
    }
}
