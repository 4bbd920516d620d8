package io.popbridge.pop3;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The commands of the AUTHORIZATION state (RFC 1939 section 7, RFC 2449 CAPA, RFC 2595 STLS,
 * RFC 5034 AUTH).
 */
final class AuthorizationCommands {

    static final Map<String, Pop3Command> TABLE = Map.of(
            "CAPA", CommonCommands::capa,
            "USER", AuthorizationCommands::user,
            "PASS", AuthorizationCommands::pass,
            "APOP", AuthorizationCommands::apop,
            "STLS", AuthorizationCommands::stls,
            "AUTH", SaslCommands::auth,
            "QUIT", AuthorizationCommands::quit);

    private AuthorizationCommands() {
    }

    static void user(Pop3Session session, String args) throws CommandException {
        String name = MessageNumbers.skipSpaces(args);
        if (name.isEmpty()) {
            throw CommandException.syntax("-ERR No username given.");
        }
        SaslCommands.requireCredentialsAllowed(session);
        session.user(name.getBytes(StandardCharsets.ISO_8859_1));
        session.writeLine("+OK");
    }

    /** The password is the rest of the line after the one separating space: spaces belong to it. */
    static void pass(Pop3Session session, String args) throws CommandException {
        byte[] user = session.user();
        if (user == null) {
            throw CommandException.syntax("-ERR No username given.");
        }
        if (args.isEmpty()) {
            throw CommandException.syntax("-ERR No password given.");
        }
        SaslCommands.requireCredentialsAllowed(session);
        session.user(null);
        session.login(new Credentials(user, args.getBytes(StandardCharsets.ISO_8859_1)));
    }

    static void apop(Pop3Session session, String args) throws CommandException {
        // not offered: a greeting without a timestamp announces that APOP is not available
        throw CommandException.rejected("-ERR APOP is not supported.");
    }

    /** RFC 2595 section 4; a user name given before STLS is forgotten. */
    static void stls(Pop3Session session, String args) throws CommandException {
        if (!args.isEmpty()) {
            throw CommandException.syntax("-ERR Noise after STLS.");
        }
        session.startTls();
    }

    static void quit(Pop3Session session, String args) {
        session.quitWithoutMailbox();
    }
}
