/**
 * Start-up: the command line ({@link io.popbridge.server.Cli}), the YAML configuration
 * ({@link io.popbridge.server.ConfigLoader}) and the validated {@link io.popbridge.server.ServerConfig}
 * handed to the {@link io.popbridge.server.Launcher}.
 */
package io.popbridge.server;
