package io.popbridge.pop3;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

/**
 * AUTH (RFC 5034) with PLAIN (RFC 4616), LOGIN, and the token mechanisms XOAUTH2 and OAUTHBEARER
 * (RFC 7628), which are passed through to the upstream as a {@link TokenLogin}.
 *
 * <p>Decisions: {@code AUTH} without a mechanism is not defined by RFC 5034; like Dovecot it lists
 * the mechanisms usable on this connection (older clients probe with it). An authorization
 * identity different from the user name is refused: the bridge logs in upstream as one user.
 * A client response of {@code *} cancels; undecodable base64 is a bad command.
 */
final class SaslCommands {

    static final String PLAINTEXT_DISALLOWED =
            "-ERR [AUTH] Plaintext authentication disallowed on non-secure connections.";
    static final String USERNAME_PROMPT = "+ VXNlcm5hbWU6";
    static final String PASSWORD_PROMPT = "+ UGFzc3dvcmQ6";

    /** What to do with the client's next line, a SASL response. */
    @FunctionalInterface
    interface Continuation {
        void respond(Pop3Session session, byte[] decoded) throws CommandException;
    }

    private SaslCommands() {
    }

    static boolean isAuthCommand(String line) {
        return line.regionMatches(true, 0, "AUTH ", 0, 5);
    }

    /** USER, PASS and AUTH all refuse credentials on a connection where cleartext is not allowed. */
    static void requireCredentialsAllowed(Pop3Session session) throws CommandException {
        if (!session.credentialsAllowed()) {
            throw CommandException.syntax(PLAINTEXT_DISALLOWED);
        }
    }

    static void auth(Pop3Session session, String args) throws CommandException {
        String rest = MessageNumbers.skipSpaces(args);
        if (rest.isEmpty()) {
            session.writeMultiLine("+OK", session.saslMechanisms());
            return;
        }
        int space = rest.indexOf(' ');
        String mechanism = (space < 0 ? rest : rest.substring(0, space)).toUpperCase(Locale.ROOT);
        String initial = space < 0 ? null : rest.substring(space + 1);
        if (initial != null && (initial.isEmpty() || initial.indexOf(' ') >= 0)) {
            throw CommandException.syntax("-ERR Invalid AUTH arguments.");
        }
        requireCredentialsAllowed(session);
        Continuation step = switch (mechanism) {
            case "PLAIN" -> SaslCommands::plain;
            case "LOGIN" -> null;
            case "XOAUTH2", "OAUTHBEARER" -> {
                if (!session.options().auth().tokenMechanism(mechanism)) {
                    throw CommandException.rejected("-ERR Unsupported authentication mechanism.");
                }
                yield (s, decoded) -> token(s, mechanism, decoded);
            }
            default -> throw CommandException.rejected("-ERR Unsupported authentication mechanism.");
        };
        if (step == null) {
            // LOGIN: an initial response, where a client sends one, is the user name
            if (initial != null) {
                loginUser(session, decode(initial));
            } else {
                session.challenge(USERNAME_PROMPT, SaslCommands::loginUser);
            }
        } else if (initial != null) {
            step.respond(session, decode(initial));
        } else {
            session.challenge("+ ", step);
        }
    }

    /** The client's line after a challenge: {@code *} cancels, anything else is base64. */
    static void respond(Pop3Session session, Continuation next, String line) throws CommandException {
        if (line.equals("*")) {
            throw CommandException.rejected("-ERR Authentication cancelled.");
        }
        next.respond(session, decode(line));
    }

    /** Base64 (RFC 4648, padding optional); a lone {@code =} is an empty response (RFC 5034 section 4). */
    static byte[] decode(String text) throws CommandException {
        if (text.equals("=")) {
            return new byte[0];
        }
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw CommandException.syntax("-ERR Invalid base64 data.");
        }
    }

    /** RFC 4616: [authzid] NUL authcid NUL passwd. */
    static void plain(Pop3Session session, byte[] response) throws CommandException {
        int first = indexOf(response, 0);
        int second = first < 0 ? -1 : indexOf(response, first + 1);
        if (second < 0 || indexOf(response, second + 1) >= 0 || second == first + 1 || second == response.length - 1) {
            throw CommandException.syntax("-ERR Invalid PLAIN response.");
        }
        byte[] authzid = java.util.Arrays.copyOfRange(response, 0, first);
        byte[] authcid = java.util.Arrays.copyOfRange(response, first + 1, second);
        byte[] password = java.util.Arrays.copyOfRange(response, second + 1, response.length);
        java.util.Arrays.fill(response, (byte) 0);
        if (authzid.length > 0 && !java.util.Arrays.equals(authzid, authcid)) {
            java.util.Arrays.fill(password, (byte) 0);
            throw CommandException.syntax("-ERR [AUTH] Authorization identity must be the user name.");
        }
        Credentials credentials = new Credentials(authcid, password);
        java.util.Arrays.fill(password, (byte) 0);
        session.login(credentials);
    }

    private static void loginUser(Pop3Session session, byte[] user) throws CommandException {
        if (user.length == 0) {
            throw CommandException.syntax("-ERR No username given.");
        }
        session.challenge(PASSWORD_PROMPT, (s, password) -> {
            if (password.length == 0) {
                throw CommandException.syntax("-ERR No password given.");
            }
            Credentials credentials = new Credentials(user, password);
            java.util.Arrays.fill(password, (byte) 0);
            s.login(credentials);
        });
    }

    private static void token(Pop3Session session, String mechanism, byte[] response) throws CommandException {
        if (response.length == 0) {
            throw CommandException.syntax("-ERR Invalid " + mechanism + " response.");
        }
        TokenLogin login = new TokenLogin(mechanism, response, tokenUser(mechanism, response));
        java.util.Arrays.fill(response, (byte) 0);
        session.login(login);
    }

    /**
     * The user a token response names: XOAUTH2 {@code user=U^Aauth=...}, OAUTHBEARER's GS2 header
     * {@code n,a=U,^A...} (RFC 7628 section 3.1, with =2C and =3D escapes). Empty if none.
     */
    static String tokenUser(String mechanism, byte[] response) {
        String text = new String(response, StandardCharsets.UTF_8);
        if (mechanism.equals("XOAUTH2")) {
            for (String field : text.split("\u0001")) {
                if (field.startsWith("user=")) {
                    return field.substring(5);
                }
            }
            return "";
        }
        int end = text.indexOf('\u0001');
        String header = end < 0 ? text : text.substring(0, end);
        for (String part : header.split(",")) {
            if (part.startsWith("a=")) {
                return part.substring(2).replace("=2C", ",").replace("=3D", "=");
            }
        }
        return "";
    }

    private static int indexOf(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                return i;
            }
        }
        return -1;
    }
}
