package io.popbridge.server;

import io.popbridge.demo.DemoUpstream;
import io.popbridge.imap.UpstreamEndpoint;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code popbridge} command line: options, configuration loading and hand-off to a
 * {@link Launcher}.
 *
 * <p>Exit status: 0 after {@code --help}, {@code --version} or a clean shutdown; 2 for a bad option
 * or configuration (one line on standard error); 1 when the launcher fails. The subcommand
 * {@code uidl import} ({@link UidlImportCommand}) is a one-shot migration tool and never starts
 * the server.
 */
@Command(name = "popbridge", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
        sortOptions = false, usageHelpAutoWidth = true, subcommands = UidlCommand.class,
        description = "POP3 server that answers from the user's IMAP mailbox.")
public final class Cli implements Callable<Integer> {

    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILURE = 1;
    public static final int EXIT_USAGE = 2;

    @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration file (see config/popbridge.yaml).")
    Path config;

    @Option(names = "--listen", paramLabel = "HOST:PORT",
            description = "Address to listen on for POP3 with STLS, e.g. 127.0.0.1:1110 or [::1]:110 (replaces listen/listeners).")
    String listen;

    @Option(names = "--upstream", paramLabel = "URL",
            description = "IMAP server: imaps://host[:993], imap+starttls://host[:143] or imap://host[:143] (overrides upstream.url).")
    String upstream;

    @Option(names = "--allow-plaintext-upstream",
            description = "Allow imap:// to a non-loopback host; passwords then cross the network in clear.")
    boolean allowPlaintextUpstream;

    @Option(names = "--demo",
            description = "Serve from a built-in demo IMAP server on 127.0.0.1 (log in as demo / demo).")
    boolean demo;

    private final Launcher launcher;
    private PrintWriter err;

    private Cli(Launcher launcher) {
        this.launcher = launcher;
    }

    /** Parses {@code args}, loads the configuration and runs {@code launcher}; returns the exit status. */
    public static int run(String[] args, Launcher launcher) {
        return run(args, launcher, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
    }

    /** As {@link #run(String[], Launcher)}, writing help and version to {@code out}, errors to {@code err}. */
    public static int run(String[] args, Launcher launcher, PrintWriter out, PrintWriter err) {
        Cli cli = new Cli(launcher);
        cli.err = err;
        CommandLine commandLine = new CommandLine(cli);
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setExecutionExceptionHandler((e, line, parsed) -> {
            err.println("popbridge: " + oneLine(e));
            err.flush();
            return EXIT_FAILURE;
        });
        int status = commandLine.execute(args);
        out.flush();
        err.flush();
        return status;
    }

    @Override
    public Integer call() throws Exception {
        if (demo && upstream != null) {
            return usage("--demo and --upstream cannot be used together");
        }
        if (config == null && upstream == null && !demo) {
            return usage("an upstream IMAP server is needed: pass --upstream URL, --config FILE with upstream.url, or --demo");
        }
        ConfigLoader.Overrides overrides = new ConfigLoader.Overrides(listen, upstream, allowPlaintextUpstream);
        if (!demo) {
            ServerConfig loaded;
            try {
                loaded = ConfigLoader.load(config, overrides);
            } catch (ConfigException e) {
                return usage(e.getMessage());
            }
            Logging.apply(loaded.logFormat());
            try {
                launcher.start(loaded, false, ConfigSource.of(config, overrides));
            } catch (ConfigException e) {
                return usage(e.getMessage()); // found at start-up, e.g. an unusable store
            }
            return EXIT_OK;
        }
        try {
            // Validated before the demo starts, so a bad file fails with nothing to stop. Any
            // upstream.url in the file is replaced by the demo's; the rest of the file applies.
            ConfigLoader.load(config, new ConfigLoader.Overrides(listen, "imap://127.0.0.1", false));
        } catch (ConfigException e) {
            return usage(e.getMessage());
        }
        try (DemoUpstream demoUpstream = DemoUpstream.start()) {
            UpstreamEndpoint endpoint = demoUpstream.endpoint();
            ServerConfig loaded;
            ConfigSource source = ConfigSource.of(config,
                    new ConfigLoader.Overrides(listen, UpstreamUrl.format(endpoint), false));
            try {
                loaded = source.load();
            } catch (ConfigException e) {
                return usage(e.getMessage());
            }
            Logging.apply(loaded.logFormat());
            try {
                launcher.start(loaded, true, source);
            } catch (ConfigException e) {
                return usage(e.getMessage()); // found at start-up, e.g. an unusable store
            }
            return EXIT_OK;
        }
    }

    private int usage(String line) {
        err.println("popbridge: " + line);
        err.flush();
        return EXIT_USAGE;
    }

    private static String oneLine(Throwable e) {
        String message = e.getMessage() != null ? e.getMessage() : e.getClass().getName();
        return message.replaceAll("[\\r\\n]+", " ");
    }

    /** The version from the jar manifest's Implementation-Version, or {@code dev} outside a jar. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"popbridge " + version()};
        }
    }

    /** The running version, {@code dev} when not started from the packaged jar. */
    public static String version() {
        String version = Cli.class.getPackage().getImplementationVersion();
        return version != null ? version : "dev";
    }
}
