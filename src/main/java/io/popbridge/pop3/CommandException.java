package io.popbridge.pop3;

/**
 * A command was rejected before anything happened: carries the complete {@code -ERR} reply and
 * whether it was a syntax error (which counts towards the bad-command limit). Control flow only:
 * no stack trace.
 */
final class CommandException extends Exception {
    private static final long serialVersionUID = 1L;

    private final boolean syntax;

    private CommandException(String reply, boolean syntax) {
        super(reply, null, false, false);
        this.syntax = syntax;
    }

    static CommandException syntax(String reply) {
        return new CommandException(reply, true);
    }

    static CommandException rejected(String reply) {
        return new CommandException(reply, false);
    }

    String reply() {
        return getMessage();
    }

    boolean isSyntax() {
        return syntax;
    }
}
