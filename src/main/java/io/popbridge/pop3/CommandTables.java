package io.popbridge.pop3;

import java.util.Map;

/** Finds a command by state and verb; each state has its own table. */
final class CommandTables {

    private CommandTables() {
    }

    static Map<String, Pop3Command> of(Pop3Session.State state) {
        return switch (state) {
            case AUTHORIZATION -> AuthorizationCommands.TABLE;
            case TRANSACTION -> TransactionCommands.TABLE;
            // after QUIT nothing more is read, let alone executed
            case UPDATE -> Map.of();
        };
    }

    /** The command, or null. {@code verb} is upper case. */
    static Pop3Command lookup(Pop3Session.State state, String verb) {
        return of(state).get(verb);
    }

    /** The reply for a verb that is not in the state's table. */
    static String notFound(Pop3Session.State state, String verb) {
        if (state == Pop3Session.State.AUTHORIZATION && TransactionCommands.TABLE.containsKey(verb)) {
            return "-ERR Not logged in.";
        }
        if (state == Pop3Session.State.TRANSACTION && AuthorizationCommands.TABLE.containsKey(verb)) {
            return "-ERR Already logged in.";
        }
        return "-ERR Unknown command: " + Pop3Replies.echo(verb);
    }
}
