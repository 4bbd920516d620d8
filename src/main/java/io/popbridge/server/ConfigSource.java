package io.popbridge.server;

import java.nio.file.Path;

/**
 * Where the configuration comes from, so that it can be read again on a reload: the file given
 * with {@code --config} (or none) and the command-line overrides applied to it.
 */
public interface ConfigSource {

    /** Reads and validates the configuration again. */
    ServerConfig load() throws ConfigException;

    /** The configuration file, or null when there is none (only defaults and options). */
    Path file();

    /** {@code file} loaded with {@code overrides}. */
    static ConfigSource of(Path file, ConfigLoader.Overrides overrides) {
        return new ConfigSource() {
            @Override
            public ServerConfig load() throws ConfigException {
                return ConfigLoader.load(file, overrides);
            }

            @Override
            public Path file() {
                return file;
            }
        };
    }
}
