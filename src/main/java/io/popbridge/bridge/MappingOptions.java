package io.popbridge.bridge;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * How the bridge uses the mapping store beyond UIDLs.
 *
 * @param deviceSeparator splits a login {@code user#device} into the upstream user and a device
 *     with its own hidden set; empty disables per-device views
 * @param window which messages a POP3 session lists, for users without an override
 * @param users per-user windows, by the user name as the client sends it (without a device
 *     suffix), lower case
 * @param listingCacheMaxMessages bound of the listing cache in memory, in messages over all
 *     cached listings ({@code mapping.listing-cache.max-messages}); 0 disables the cache (every
 *     login lists the whole mailbox)
 */
public record MappingOptions(String deviceSeparator, Window window, Map<String, Window> users,
        long listingCacheMaxMessages) {

    public static final String DEFAULT_DEVICE_SEPARATOR = "#";
    /** Longest device name accepted. */
    public static final int MAX_DEVICE_LENGTH = 32;
    /** Default bound of the listing cache: about 90 MB at most (docs/mapping.md). */
    public static final long DEFAULT_LISTING_CACHE_MESSAGES = 1_000_000;

    public static final MappingOptions DEFAULTS = new MappingOptions(DEFAULT_DEVICE_SEPARATOR);

    /**
     * Which messages the POP3 view holds (all when every part is off). Applied after hidden and
     * deleted messages are left out.
     *
     * @param newest only the newest (highest UID) this many; 0 = no limit
     * @param youngerThanDays only messages whose INTERNALDATE is less than this many days old; 0 = no limit
     * @param fromNowOn only messages whose INTERNALDATE is not before the mailbox's first POP3
     *     login with this window (recorded in the store)
     */
    public record Window(int newest, int youngerThanDays, boolean fromNowOn) {
        public static final Window ALL = new Window(0, 0, false);

        public Window {
            if (newest < 0) {
                throw new IllegalArgumentException("newest must be 0 (no limit) or more, got " + newest);
            }
            if (youngerThanDays < 0) {
                throw new IllegalArgumentException("younger-than-days must be 0 (no limit) or more, got " + youngerThanDays);
            }
        }

        boolean all() {
            return newest == 0 && youngerThanDays == 0 && !fromNowOn;
        }
    }

    public MappingOptions {
        Objects.requireNonNull(deviceSeparator, "deviceSeparator");
        Objects.requireNonNull(window, "window");
        users = Map.copyOf(users);
        if (listingCacheMaxMessages < 0) {
            throw new IllegalArgumentException("listing-cache max-messages must be 0 (off) or more, got "
                    + listingCacheMaxMessages);
        }
        if (deviceSeparator.length() > 4 || !deviceSeparator.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException("the device separator must be 0 to 4 printable ASCII characters, no space");
        }
    }

    public MappingOptions(String deviceSeparator) {
        this(deviceSeparator, Window.ALL, Map.of());
    }

    public MappingOptions(String deviceSeparator, Window window, Map<String, Window> users) {
        this(deviceSeparator, window, users, DEFAULT_LISTING_CACHE_MESSAGES);
    }

    /** These options with the listing cache bound set to {@code maxMessages} (0: off). */
    public MappingOptions withListingCache(long maxMessages) {
        return new MappingOptions(deviceSeparator, window, users, maxMessages);
    }

    /** The window of {@code user} (without a device suffix). */
    Window windowOf(String user) {
        return users.getOrDefault(user.toLowerCase(Locale.ROOT), window);
    }

    /** Whether {@code device} is a valid device name: 1 to 32 of A-Z a-z 0-9 . _ -. */
    static boolean validDevice(String device) {
        return !device.isEmpty() && device.length() <= MAX_DEVICE_LENGTH
                && device.chars().allMatch(c -> c < 0x80 && (Character.isLetterOrDigit(c) || c == '.' || c == '_' || c == '-'));
    }
}
