package io.popbridge.server;

/**
 * Runs a popbridge server from a validated configuration; implemented by the start-up code that
 * builds the Netty server.
 *
 * <p>{@link #start} runs the server and returns only when it has shut down (the caller exits the
 * JVM with the code {@link Cli#run} returns). When {@code demo} is true, the caller has already
 * started the demo upstream, {@code config.bridge().upstream()} points at it, and the caller stops
 * it after {@code start} returns or throws; the launcher need only say how to log in (demo/demo).
 */
@FunctionalInterface
public interface Launcher {

    /**
     * Serves until shut down.
     *
     * @throws Exception when the server cannot start or fails; the CLI reports it in one line and
     *     exits with status 1
     */
    void start(ServerConfig config, boolean demo) throws Exception;

    /**
     * As {@link #start(ServerConfig, boolean)}, with where a reload (SIGHUP, a changed file) reads
     * the configuration again, with the same command-line overrides. The default ignores it.
     */
    default void start(ServerConfig config, boolean demo, ConfigSource source) throws Exception {
        start(config, demo);
    }
}
