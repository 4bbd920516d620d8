package io.popbridge.server;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code popbridge uidl}: the UIDL tools of the mapping store; on its own it prints its usage. */
@Command(name = "uidl", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class, subcommands = UidlImportCommand.class,
        description = "UIDL tools for the mapping store.")
final class UidlCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getErr().println("popbridge uidl: a subcommand is needed: import");
        spec.commandLine().usage(spec.commandLine().getErr());
        return Cli.EXIT_USAGE;
    }
}
