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
        List<MessageEntry> messages = session.messages();
        BitSet deleted = session.deleted();
        int count = 0;
        long size = 0;
        for (int i = 0; i < messages.size(); i++) {
            if (!deleted.get(i)) {
                count++;
                size += messages.get(i).size();
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
        List<MessageEntry> messages = session.messages();
        BitSet deleted = session.deleted();
        if (!MessageNumbers.skipSpaces(args).isEmpty()) {
            int n = MessageNumbers.parse(args, messages.size(), deleted, false).number();
            session.writeLine("+OK " + n + " " + value(messages.get(n - 1), uidl));
            return;
        }
        List<String> lines = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            if (!deleted.get(i)) {
                lines.add((i + 1) + " " + value(messages.get(i), uidl));
            }
        }
        session.writeMultiLine(uidl ? "+OK" : "+OK " + lines.size() + " messages:", lines);
    }

    private static String value(MessageEntry entry, boolean uidl) {
        return uidl ? entry.uidl() : Long.toString(entry.size());
    }

    static void retr(Pop3Session session, String args) throws CommandException {
        int n = MessageNumbers.parse(args, session.messages().size(), session.deleted(), false).number();
        long size = session.messages().get(n - 1).size();
        int ahead = session.readAhead().afterRetr(n, session.messages().size(), session.deleted());
        session.streamBody("+OK " + size + " octets", false, sink -> {
            session.mailbox().retrieve(n, sink);
            if (ahead > 0) {
                session.mailbox().prefetch(ahead);
            }
        });
    }

    static void top(Pop3Session session, String args) throws CommandException {
        MessageNumbers.Parsed parsed = MessageNumbers.parse(args, session.messages().size(), session.deleted(), true);
        long lines = MessageNumbers.parseLineCount(parsed.rest());
        int n = parsed.number();
        int ahead = session.readAhead().afterTop(n, session.messages().size(), session.deleted());
        session.streamBody("+OK", true, sink -> {
            session.mailbox().top(n, lines, sink);
            if (ahead > 0) {
                session.mailbox().prefetchHeader(ahead);
            }
        });
    }

    static void dele(Pop3Session session, String args) throws CommandException {
        int n = MessageNumbers.parse(args, session.messages().size(), session.deleted(), false).number();
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
