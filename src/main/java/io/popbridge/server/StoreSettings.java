package io.popbridge.server;

import io.popbridge.bridge.MappingOptions;
import io.popbridge.mapping.StoreConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code store:} section (where the mapping store lives, docs/mapping.md) and the
 * {@code mapping:} section (how the bridge uses it).
 */
final class StoreSettings {

    static final List<String> STORE = List.of("type", "path", "url", "user", "password", "password-file",
            "pool-size", "connect-timeout", "queue-limit");
    static final List<String> MAPPING = List.of("device-separator", "window", "users", "listing-cache");
    private static final List<String> LISTING_CACHE = List.of("max-messages");
    private static final List<String> WINDOW = List.of("newest", "younger-than-days", "from-now-on");
    private static final List<String> USER_WINDOW = List.of("user", "newest", "younger-than-days", "from-now-on");

    private static final List<String> SQLITE_ONLY = List.of("path");
    private static final List<String> POSTGRES_ONLY = List.of("url", "user", "password", "password-file",
            "pool-size", "connect-timeout");

    private StoreSettings() {
    }

    /** The store described by {@code section}; SQLite in {@code dataDir}/popbridge.db by default. */
    static StoreConfig store(Section section, Path dataDir) throws ConfigException {
        String type = section.string("type", "sqlite").toLowerCase(Locale.ROOT);
        int queueLimit = section.integer("queue-limit", StoreConfig.DEFAULT_QUEUE_LIMIT, 1, 10_000_000);
        switch (type) {
            case "sqlite" -> {
                rejectOthers(section, POSTGRES_ONLY, "sqlite");
                String path = section.string("path", null);
                Path file = path == null ? dataDir.resolve("popbridge.db") : Path.of(path).normalize();
                if (Files.isDirectory(file)) {
                    throw new ConfigException(section.name("path"), file + " is a directory; name the database file");
                }
                return new StoreConfig.Sqlite(file, Duration.ofSeconds(10), queueLimit);
            }
            case "postgresql" -> {
                rejectOthers(section, SQLITE_ONLY, "postgresql");
                String url = section.string("url", null);
                if (url == null) {
                    throw new ConfigException(section.name("url"),
                            "missing: store.type postgresql needs a URL such as jdbc:postgresql://db:5432/popbridge");
                }
                if (!url.startsWith("jdbc:postgresql:")) {
                    throw new ConfigException(section.name("url"), "must start with jdbc:postgresql:");
                }
                if (url.toLowerCase(Locale.ROOT).contains("password=")) {
                    throw new ConfigException(section.name("url"),
                            "contains a password; put it in store.password-file (or store.password)");
                }
                String user = section.string("user", null);
                if (user == null) {
                    throw new ConfigException(section.name("user"), "missing: the database user");
                }
                String password = password(section);
                int pool = section.integer("pool-size", 8, 1, 200);
                Duration timeout = section.duration("connect-timeout", Duration.ofSeconds(10));
                if (timeout.toMillis() < 250) {
                    throw new ConfigException(section.name("connect-timeout"), "must be at least 250ms");
                }
                try {
                    return new StoreConfig.Postgres(url, user, password, pool, timeout, queueLimit);
                } catch (IllegalArgumentException | NullPointerException e) {
                    throw new ConfigException(section.name("url"), e.getMessage());
                }
            }
            default -> throw new ConfigException(section.name("type"),
                    "'" + type + "' is not a store type (expected sqlite or postgresql)");
        }
    }

    static MappingOptions mapping(Section section) throws ConfigException {
        String separator = MappingOptions.DEFAULT_DEVICE_SEPARATOR;
        if (section.has("device-separator")) {
            separator = section.isNull("device-separator") ? "" : section.secret("device-separator");
        }
        try {
            new MappingOptions(separator);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(section.name("device-separator"), e.getMessage());
        }
        MappingOptions.Window window = window(section.section("window", WINDOW), MappingOptions.Window.ALL);
        Map<String, MappingOptions.Window> users = new LinkedHashMap<>();
        for (Section entry : section.sections("users", USER_WINDOW)) {
            String user = entry.string("user", null);
            if (user == null) {
                throw new ConfigException(entry.name("user"), "missing: the POP3 user name this window is for");
            }
            if (users.put(user.toLowerCase(Locale.ROOT), window(entry, window)) != null) {
                throw new ConfigException(entry.name("user"), "duplicate user " + user);
            }
        }
        int cacheMessages = section.section("listing-cache", LISTING_CACHE).integer("max-messages",
                (int) MappingOptions.DEFAULT_LISTING_CACHE_MESSAGES, 0, 1_000_000_000);
        return new MappingOptions(separator, window, users, cacheMessages);
    }

    /** A window; keys not set come from {@code inherited}. */
    private static MappingOptions.Window window(Section section, MappingOptions.Window inherited) throws ConfigException {
        return new MappingOptions.Window(
                section.integer("newest", inherited.newest(), 0, 10_000_000),
                section.integer("younger-than-days", inherited.youngerThanDays(), 0, 100_000),
                section.bool("from-now-on", inherited.fromNowOn()));
    }

    private static String password(Section section) throws ConfigException {
        if (section.has("password") && section.has("password-file")) {
            throw new ConfigException(section.name("password-file"), "use either password or password-file, not both");
        }
        if (section.has("password")) {
            return section.secret("password");
        }
        String file = section.string("password-file", null);
        if (file == null) {
            return null;
        }
        try {
            return Files.readString(Path.of(file)).strip();
        } catch (IOException e) {
            throw new ConfigException(section.name("password-file"), "cannot read " + file + ": "
                    + e.getClass().getSimpleName());
        }
    }

    private static void rejectOthers(Section section, List<String> keys, String type) throws ConfigException {
        for (String key : keys) {
            if (section.has(key)) {
                throw new ConfigException(section.name(key), "does not apply to store.type " + type);
            }
        }
    }
}
