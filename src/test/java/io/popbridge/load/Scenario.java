package io.popbridge.load;

import java.io.IOException;
import java.util.List;
import java.util.Locale;

/** What one session of the load tool does, from connect to QUIT (or LOGOUT). */
enum Scenario {

    /** Connect, login, STAT, UIDL, QUIT: a polling client that finds nothing new. */
    POLL {
        @Override
        void session(Target target, Account account, int maxMessages, Stats stats) throws IOException {
            try (PopConnection pop = PopConnection.open(target)) {
                pop.login(account.user(), account.password());
                long[] stat = pop.stat();
                long listed = pop.uidlCount();
                stats.commands.add(4);
                if (listed != stat[0]) {
                    stats.error("uidl_count_mismatch");
                }
                pop.quit();
            }
        }
    },

    /** LIST, then RETR of every message (up to max-messages), each checked against its LIST size. */
    DOWNLOAD {
        @Override
        void session(Target target, Account account, int maxMessages, Stats stats) throws IOException {
            try (PopConnection pop = PopConnection.open(target)) {
                pop.login(account.user(), account.password());
                List<long[]> list = pop.list();
                int count = Math.min(list.size(), maxMessages);
                for (int i = 0; i < count; i++) {
                    long start = System.nanoTime();
                    long octets = pop.retr(list.get(i)[0]);
                    stats.record("retr", System.nanoTime() - start);
                    countMessage(stats, octets, list.get(i)[1]);
                }
                stats.commands.add(count + 3);
                pop.quit();
            }
        }
    },

    /** TOP n 0 of every message (up to max-messages): headers only. */
    TOP {
        @Override
        void session(Target target, Account account, int maxMessages, Stats stats) throws IOException {
            try (PopConnection pop = PopConnection.open(target)) {
                pop.login(account.user(), account.password());
                long count = Math.min(pop.stat()[0], maxMessages);
                for (long n = 1; n <= count; n++) {
                    long start = System.nanoTime();
                    stats.octets.add(pop.top(n, 0));
                    stats.record("top", System.nanoTime() - start);
                    stats.messages.increment();
                }
                stats.commands.add(count + 3);
                pop.quit();
            }
        }
    },

    /**
     * The RETR reference: the same messages straight from the IMAP server with UID FETCH
     * BODY.PEEK[] (target is the IMAP port), each literal checked against RFC822.SIZE.
     */
    IMAP_DOWNLOAD {
        @Override
        void session(Target target, Account account, int maxMessages, Stats stats) throws IOException {
            try (ImapDirect imap = new ImapDirect(target)) {
                imap.login(account.user(), account.password());
                List<long[]> listing = imap.listing();
                int count = Math.min(listing.size(), maxMessages);
                for (int i = 0; i < count; i++) {
                    long start = System.nanoTime();
                    long octets = imap.fetchBody(listing.get(i)[0]);
                    stats.record("fetch", System.nanoTime() - start);
                    countMessage(stats, octets, listing.get(i)[1]);
                }
                stats.commands.add(count + 4);
                imap.logout();
            }
        }
    },

    /**
     * What popbridge must do upstream for one poll without a cache or session reuse: IMAP connect,
     * LOGIN, SELECT INBOX, UID FETCH 1:* (UID RFC822.SIZE FLAGS), LOGOUT (target is the IMAP port).
     */
    IMAP_POLL {
        @Override
        void session(Target target, Account account, int maxMessages, Stats stats) throws IOException {
            try (ImapDirect imap = new ImapDirect(target)) {
                imap.login(account.user(), account.password());
                imap.listing();
                stats.commands.add(4);
                imap.logout();
            }
        }
    },

    /** Held sessions: run by {@link IdleRun}, not session by session. */
    IDLE {
        @Override
        void session(Target target, Account account, int maxMessages, Stats stats) {
            throw new UnsupportedOperationException("idle is not a per-session scenario");
        }
    };

    abstract void session(Target target, Account account, int maxMessages, Stats stats) throws IOException;

    /** Counts a downloaded message; a size other than the listed one is a {@code size_mismatch} error. */
    static void countMessage(Stats stats, long octets, long listed) {
        stats.messages.increment();
        stats.octets.add(octets);
        if (octets != listed) {
            stats.error("size_mismatch");
        }
    }

    static Scenario parse(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT).replace('-', '_'));
    }

    /** A POP3 (or IMAP) user and password. */
    record Account(String user, String password) {

        /** {@code user:password}, split at the first colon. */
        static Account parse(String spec) {
            int colon = spec.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("an account is user:password, got one without a colon");
            }
            return new Account(spec.substring(0, colon), spec.substring(colon + 1));
        }

        @Override
        public String toString() {
            return user; // never the password
        }
    }
}
