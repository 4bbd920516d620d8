/**
 * Start-up: the command line ({@link io.popbridge.server.Cli}), the YAML configuration
 * ({@link io.popbridge.server.ConfigLoader}) and the validated {@link io.popbridge.server.ServerConfig}
 * handed to the {@link io.popbridge.server.Launcher}; the POP3 listeners
 * ({@link io.popbridge.server.BridgeServer}, with graceful shutdown).
 */
package io.popbridge.server;
