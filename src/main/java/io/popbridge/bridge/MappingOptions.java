package io.popbridge.bridge;

import java.util.Objects;

/**
 * How the bridge uses the mapping store beyond UIDLs.
 *
 * @param deviceSeparator splits a login {@code user#device} into the upstream user and a device
 *     with its own hidden set; empty disables per-device views
 */
public record MappingOptions(String deviceSeparator) {

    public static final String DEFAULT_DEVICE_SEPARATOR = "#";
    /** Longest device name accepted. */
    public static final int MAX_DEVICE_LENGTH = 32;

    public static final MappingOptions DEFAULTS = new MappingOptions(DEFAULT_DEVICE_SEPARATOR);

    public MappingOptions {
        Objects.requireNonNull(deviceSeparator, "deviceSeparator");
        if (deviceSeparator.length() > 4 || !deviceSeparator.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException("the device separator must be 0 to 4 printable ASCII characters, no space");
        }
    }

    /** Whether {@code device} is a valid device name: 1 to 32 of A-Z a-z 0-9 . _ -. */
    static boolean validDevice(String device) {
        return !device.isEmpty() && device.length() <= MAX_DEVICE_LENGTH
                && device.chars().allMatch(c -> c < 0x80 && (Character.isLetterOrDigit(c) || c == '.' || c == '_' || c == '-'));
    }
}
