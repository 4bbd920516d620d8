package io.popbridge.server;

/**
 * A setting that cannot be used, reported as one line: {@code <source>: <key>: <problem>}.
 *
 * <p>The source is the configuration file as given on the command line, or absent for a value
 * that came from a command-line option (whose key is then the option, e.g. {@code --upstream}).
 * The key is the full dotted setting name ({@code upstream.url}), or absent for a problem with the
 * file as a whole (unreadable, not YAML). Messages never contain secrets.
 */
public final class ConfigException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String source;
    private final String key;
    private final String problem;

    /** A problem with the setting {@code key}, source not yet known. */
    public ConfigException(String key, String problem) {
        this(null, key, problem);
    }

    ConfigException(String source, String key, String problem) {
        super(format(source, key, problem), null, false, false);
        this.source = source;
        this.key = key;
        this.problem = problem;
    }

    /** The same problem, attributed to {@code source} (the config file). */
    ConfigException in(String newSource) {
        return new ConfigException(newSource, key, problem);
    }

    /** The file the problem is in, or null for a command-line option. */
    public String source() {
        return source;
    }

    /** The full dotted key ({@code pop3.idle-timeout}), the option ({@code --listen}), or null. */
    public String key() {
        return key;
    }

    /** What is wrong, without source or key. */
    public String problem() {
        return problem;
    }

    private static String format(String source, String key, String problem) {
        StringBuilder line = new StringBuilder();
        if (source != null) {
            line.append(source).append(": ");
        }
        if (key != null) {
            line.append(key).append(": ");
        }
        // One line whatever the cause said.
        return line.append(problem.replaceAll("[\\r\\n]+", " ")).toString();
    }
}
