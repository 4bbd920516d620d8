package io.popbridge.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One mapping of the configuration tree with typed, key-naming accessors.
 *
 * <p>Every error names the full dotted key. A section whose keys are all commented out is YAML
 * null, which reads as empty.
 */
final class Section {

    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h)");

    static final Duration MAX_DURATION = Duration.ofHours(24);

    private final String prefix;
    private final JsonNode node;
    private final List<String> known;

    private Section(String prefix, JsonNode node, List<String> known) {
        this.prefix = prefix;
        this.node = node;
        this.known = known;
    }

    /** The top level of a document; {@code root} may be null or missing for an empty file. */
    static Section root(JsonNode root, List<String> known) throws ConfigException {
        if (root == null || root.isMissingNode() || root.isNull()) {
            return new Section("", null, known);
        }
        if (!root.isObject()) {
            throw new ConfigException(null, "expected a mapping of settings at the top level, found "
                    + describe(root));
        }
        Section section = new Section("", root, known);
        section.rejectUnknown();
        return section;
    }

    Section section(String key, List<String> children) throws ConfigException {
        JsonNode child = get(key);
        if (child == null || child.isNull()) {
            return new Section(name(key) + ".", null, children);
        }
        if (!child.isObject()) {
            throw new ConfigException(name(key), "expected a mapping with the keys " + String.join(", ", children)
                    + ", found " + describe(child));
        }
        Section section = new Section(name(key) + ".", child, children);
        section.rejectUnknown();
        return section;
    }

    /**
     * A list of mappings, each with the keys {@code children}; absent is an empty list. Elements are
     * named {@code key[i]} in errors, as in {@code listeners[1].address}.
     */
    List<Section> sections(String key, List<String> children) throws ConfigException {
        JsonNode list = get(key);
        if (list == null) {
            return List.of();
        }
        if (!list.isArray()) {
            throw new ConfigException(name(key), "expected a list of mappings with the keys "
                    + String.join(", ", children) + ", found " + describe(list));
        }
        List<Section> sections = new java.util.ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode element = list.get(i);
            String elementName = name(key) + "[" + i + "]";
            if (!element.isObject()) {
                throw new ConfigException(elementName, "expected a mapping with the keys "
                        + String.join(", ", children) + ", found " + describe(element));
            }
            Section section = new Section(elementName + ".", element, children);
            section.rejectUnknown();
            sections.add(section);
        }
        return sections;
    }

    /** A list of non-empty single-line strings; absent is an empty list. */
    List<String> strings(String key) throws ConfigException {
        JsonNode list = get(key);
        if (list == null) {
            return List.of();
        }
        if (!list.isArray()) {
            throw new ConfigException(name(key), "expected a list such as [a, b], found " + describe(list));
        }
        List<String> values = new java.util.ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode value = list.get(i);
            String elementName = name(key) + "[" + i + "]";
            if (!value.isTextual() || value.textValue().isBlank()) {
                throw new ConfigException(elementName, "expected text, found " + describe(value));
            }
            if (value.textValue().chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                throw new ConfigException(elementName, "contains a control character");
            }
            values.add(value.textValue().strip());
        }
        return values;
    }

    String name(String key) {
        return prefix + key;
    }

    boolean has(String key) {
        return get(key) != null;
    }

    boolean isNull(String key) {
        JsonNode value = get(key);
        return value != null && value.isNull();
    }

    /** A non-empty single-line string, or {@code fallback} when absent. */
    String string(String key, String fallback) throws ConfigException {
        JsonNode value = get(key);
        if (value == null) {
            return fallback;
        }
        if (value.isNull()) {
            throw new ConfigException(name(key), "has no value (remove the line to use the default"
                    + (fallback == null ? ")" : ", " + fallback + ")"));
        }
        if (!value.isTextual()) {
            throw new ConfigException(name(key), "expected text, found " + describe(value));
        }
        String text = value.textValue();
        if (text.isBlank()) {
            throw new ConfigException(name(key), "is empty");
        }
        if (text.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new ConfigException(name(key), "contains a control character");
        }
        return text;
    }

    /** Text that may be empty and is never echoed in an error (a password). */
    String secret(String key) throws ConfigException {
        JsonNode value = get(key);
        if (value == null || !value.isTextual()) {
            throw new ConfigException(name(key), "expected text in quotes");
        }
        return value.textValue();
    }

    /** As {@link #duration}, but {@code 0} (with or without a unit) is zero. */
    Duration zeroOrDuration(String key) throws ConfigException {
        JsonNode value = get(key);
        if (value != null && (value.isIntegralNumber() && value.asLong() == 0
                || value.isTextual() && value.textValue().trim().matches("0+(ms|s|m|h)?"))) {
            return Duration.ZERO;
        }
        return duration(key, null);
    }

    boolean bool(String key, boolean fallback) throws ConfigException {
        JsonNode value = get(key);
        if (value == null) {
            return fallback;
        }
        if (!value.isBoolean()) {
            throw new ConfigException(name(key), "expected true or false, found " + describe(value));
        }
        return value.booleanValue();
    }

    int integer(String key, int fallback, int min, int max) throws ConfigException {
        JsonNode value = get(key);
        if (value == null) {
            return fallback;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()
                || value.intValue() < min || value.intValue() > max) {
            throw new ConfigException(name(key), "expected a whole number from " + min + " to " + max
                    + ", found " + describe(value));
        }
        return value.intValue();
    }

    /** A positive duration written {@code 250ms}, {@code 30s}, {@code 10m} or {@code 1h}. */
    Duration duration(String key, Duration fallback) throws ConfigException {
        JsonNode value = get(key);
        if (value == null) {
            return fallback;
        }
        String hint = "expected a duration such as 250ms, 30s, 10m or 1h";
        if (!value.isTextual()) {
            throw new ConfigException(name(key), hint + ", found " + describe(value));
        }
        Matcher m = DURATION.matcher(value.textValue().trim());
        if (!m.matches()) {
            throw new ConfigException(name(key), hint + ", found '" + value.textValue() + "'");
        }
        long amount = Long.parseLong(m.group(1));
        if (amount == 0) {
            throw new ConfigException(name(key), "must be longer than zero");
        }
        Duration duration = switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofHours(amount);
        };
        // Timers take nanoseconds; a day is far past any useful timeout and far from overflow.
        if (duration.compareTo(MAX_DURATION) > 0) {
            throw new ConfigException(name(key), "must be at most 24h, found '" + value.textValue() + "'");
        }
        return duration;
    }

    private JsonNode get(String key) {
        return node == null ? null : node.get(key);
    }

    private void rejectUnknown() throws ConfigException {
        for (Iterator<String> names = node.fieldNames(); names.hasNext();) {
            String key = names.next();
            if (!known.contains(key)) {
                String close = closest(key);
                throw new ConfigException(name(key), "unknown setting"
                        + (close != null ? " (did you mean " + name(close) + "?)"
                                : " (known here: " + String.join(", ", known) + ")"));
            }
        }
    }

    private String closest(String key) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        String lower = key.toLowerCase(Locale.ROOT).replace('_', '-');
        for (String candidate : known) {
            int d = distance(lower, candidate);
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return bestDistance <= Math.max(2, key.length() / 3) ? best : null;
    }

    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    static String describe(JsonNode value) {
        JsonNodeType type = value.getNodeType();
        return switch (type) {
            case STRING -> "'" + value.textValue() + "'";
            case NUMBER, BOOLEAN -> value.asText();
            case NULL -> "nothing";
            case ARRAY -> "a list";
            case OBJECT -> "a mapping";
            default -> type.name().toLowerCase(Locale.ROOT);
        };
    }
}
