package io.popbridge.pop3;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The CAPA list (RFC 2449), computed from the command tables and the options, so that it never
 * claims what is not wired. STLS and SASL join here once they are.
 */
final class Pop3Capabilities {

    private Pop3Capabilities() {
    }

    static List<String> of(Pop3Options options, Map<String, Pop3Command> authorization,
            Map<String, Pop3Command> transaction) {
        List<String> caps = new ArrayList<>();
        if (transaction.containsKey("TOP")) {
            caps.add("TOP");
        }
        if (transaction.containsKey("UIDL")) {
            caps.add("UIDL");
        }
        if (authorization.containsKey("USER") && authorization.containsKey("PASS")) {
            caps.add("USER");
        }
        // the session replies by Pop3Replies.failure, which always carries RFC 3206 codes
        caps.add("RESP-CODES");
        caps.add("AUTH-RESP-CODE");
        // the session queues pipelined lines and answers them in order
        caps.add("PIPELINING");
        if (options.implementation() != null && !options.implementation().isBlank()) {
            caps.add("IMPLEMENTATION " + Pop3Replies.echo(options.implementation().strip()));
        }
        return List.copyOf(caps);
    }
}
