package io.popbridge.mapping;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Where the mapping store lives: an embedded SQLite file (the default, for one instance) or a
 * PostgreSQL database shared by several instances. Settings are checked when the value is
 * built; the message names the configuration key ({@code store.*}, see docs/mapping.md).
 */
public sealed interface StoreConfig {

    /** Most calls waiting for the store at once before new ones fail fast. */
    int DEFAULT_QUEUE_LIMIT = 10_000;

    /**
     * An SQLite file, e.g. {@code data/popbridge.db}; created with its directory if missing.
     *
     * @param file the database file ({@code store.path})
     * @param busyTimeout how long to wait for a lock held by another process on the same file
     * @param queueLimit calls waiting at most ({@code store.queue-limit})
     */
    record Sqlite(Path file, Duration busyTimeout, int queueLimit) implements StoreConfig {
        public Sqlite {
            Objects.requireNonNull(file, "store.path");
            Objects.requireNonNull(busyTimeout, "busyTimeout");
            if (queueLimit < 1) {
                throw new IllegalArgumentException("store.queue-limit must be at least 1, got " + queueLimit);
            }
        }

        public Sqlite(Path file) {
            this(file, Duration.ofSeconds(10), DEFAULT_QUEUE_LIMIT);
        }
    }

    /**
     * A PostgreSQL database reached through a connection pool.
     *
     * @param url {@code store.url}, a {@code jdbc:postgresql:} URL
     * @param user {@code store.user}
     * @param password {@code store.password}; never logged, not part of {@link #toString()}
     * @param poolSize {@code store.pool-size}: connections, and threads running store calls
     * @param connectTimeout {@code store.connect-timeout}: how long to wait for a connection
     * @param queueLimit calls waiting at most ({@code store.queue-limit})
     */
    record Postgres(String url, String user, String password, int poolSize, Duration connectTimeout,
            int queueLimit) implements StoreConfig {
        public Postgres {
            Objects.requireNonNull(url, "store.url");
            if (!url.startsWith("jdbc:postgresql:")) {
                throw new IllegalArgumentException("store.url must start with jdbc:postgresql:, got " + redact(url));
            }
            Objects.requireNonNull(user, "store.user");
            Objects.requireNonNull(connectTimeout, "store.connect-timeout");
            if (poolSize < 1 || poolSize > 200) {
                throw new IllegalArgumentException("store.pool-size must be 1..200, got " + poolSize);
            }
            if (connectTimeout.toMillis() < 250) {
                throw new IllegalArgumentException(
                        "store.connect-timeout must be at least 250ms, got " + connectTimeout.toMillis() + "ms");
            }
            if (queueLimit < 1) {
                throw new IllegalArgumentException("store.queue-limit must be at least 1, got " + queueLimit);
            }
        }

        public Postgres(String url, String user, String password) {
            this(url, user, password, 8, Duration.ofSeconds(10), DEFAULT_QUEUE_LIMIT);
        }

        /** The URL without query parameters, which may carry a password. */
        public String redactedUrl() {
            return redact(url);
        }

        @Override
        public String toString() {
            return "Postgres[url=" + redactedUrl() + ", user=" + user + ", poolSize=" + poolSize
                    + ", connectTimeout=" + connectTimeout + ", queueLimit=" + queueLimit + "]";
        }

        private static String redact(String url) {
            int q = url.indexOf('?');
            return q < 0 ? url : url.substring(0, q) + "?…";
        }
    }
}
