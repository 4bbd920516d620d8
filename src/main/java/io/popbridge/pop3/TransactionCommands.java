package io.popbridge.pop3;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;

/**
 * The commands of the TRANSACTION state (RFC 1939 sections 5 and 7). Message numbers are those of
 * the login snapshot; messages marked deleted are left out of STAT and the listings.
 */
final class TransactionCommands {

    static final Map<String, Pop3Command> TABLE = Map.of(
            "CAPA", CommonCommands::capa,
            "STAT", TransactionCommands::stat,
            "LIST", TransactionCommands::list,
            "UIDL", TransactionCommands::uidl,
            "RETR", TransactionCommands::retr,
            "TOP", TransactionCommands::top,
            "DELE", TransactionCommands::dele,
            "NOOP", TransactionCommands::noop,
            "RSET", TransactionCommands::rset,
            "QUIT", TransactionCommands::quit);

    private TransactionCommands() {
    }

    static void stat(Pop3Session session, String args) throws CommandException {
        noArguments(args);
        MessageList messages = session.messages();
        BitSet deleted = session.deleted();
        int count = 0;
        long size = 0;
        for (int i = 0; i < messages.count(); i++) {
            if (!deleted.get(i)) {
                count++;
                size += messages.size(i + 1);
            }
        }
        session.writeLine("+OK " + count + " " + size);
    }

    static void list(Pop3Session session, String args) throws CommandException {
        listing(session, args, false);
    }

    static void uidl(Pop3Session session, String args) throws CommandException {
        listing(session, args, true);
    }

    private static void listing(Pop3Session session, String args, boolean uidl) throws CommandException {
        MessageList messages = session.messages();
        BitSet deleted = session.deleted();
        if (!MessageNumbers.skipSpaces(args).isEmpty()) {
            int n = MessageNumbers.parse(args, messages.count(), deleted, false).number();
            session.writeLine("+OK " + n + " " + value(messages, n, uidl));
            return;
        }
        List<String> lines = new ArrayList<>(messages.count());
        for (int n = 1; n <= messages.count(); n++) {
            if (!deleted.get(n - 1)) {
                lines.add(n + " " + value(messages, n, uidl));
            }
        }
        session.writeMultiLine(uidl ? "+OK" : "+OK " + lines.size() + " messages:", lines);
    }

    /** The UIDL (produced here, not kept by the snapshot) or the size of message {@code n}. */
    private static String value(MessageList messages, int n, boolean uidl) {
        return uidl ? messages.uidl(n) : Long.toString(messages.size(n));
    }

    static void retr(Pop3Session session, String args) throws CommandException {
        int n = MessageNumbers.parse(args, session.messages().count(), session.deleted(), false).number();
        long size = session.messages().size(n);
        int ahead = session.readAhead().afterRetr(n, session.messages().count(), session.deleted());
        session.streamBody("+OK " + size + " octets", false, sink -> {
            session.mailbox().retrieve(n, sink);
            if (ahead > 0) {
                session.mailbox().prefetch(ahead);
            }
        });
    }

    static void top(Pop3Session session, String args) throws CommandException {
        MessageNumbers.Parsed parsed = MessageNumbers.parse(args, session.messages().count(), session.deleted(), true);
        long lines = MessageNumbers.parseLineCount(parsed.rest());
        int n = parsed.number();
        int ahead = session.readAhead().afterTop(n, session.messages().count(), session.deleted());
        session.streamBody("+OK", true, sink -> {
            session.mailbox().top(n, lines, sink);
            if (ahead > 0) {
                session.mailbox().prefetchHeader(ahead);
            }
        });
    }

    static void dele(Pop3Session session, String args) throws CommandException {
        int n = MessageNumbers.parse(args, session.messages().count(), session.deleted(), false).number();
        session.deleted().set(n - 1);
        session.mailbox().discardPrefetch(n);
        session.writeLine("+OK Marked to be deleted.");
    }

    static void noop(Pop3Session session, String args) throws CommandException {
        noArguments(args);
        session.writeLine("+OK");
    }

    static void rset(Pop3Session session, String args) throws CommandException {
        noArguments(args);
        session.deleted().clear();
        session.writeLine("+OK");
    }

    static void quit(Pop3Session session, String args) {
        session.quitAndCommit();
    }

    private static void noArguments(String args) throws CommandException {
        String rest = MessageNumbers.skipSpaces(args);
        if (!rest.isEmpty()) {
            throw CommandException.syntax("-ERR Noise after command: " + Pop3Replies.echo(rest));
        }
    }
}
