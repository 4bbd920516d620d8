package io.popbridge.pop3;

/** One POP3 command, found by its verb in the table of the session's state. */
@FunctionalInterface
interface Pop3Command {

    /**
     * Runs the command. {@code args} is everything after the verb and the one space that ends it
     * (further spaces included, so that PASS gets its argument verbatim). Replies through the
     * session; a rejected command throws instead.
     */
    void execute(Pop3Session session, String args) throws CommandException;
}
