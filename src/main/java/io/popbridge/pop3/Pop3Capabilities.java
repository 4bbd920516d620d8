package io.popbridge.pop3;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The CAPA list (RFC 2449), computed from the command tables and the options, so that it never
 * claims what is not wired, then adjusted per connection by {@link #forConnection}.
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

    /**
     * The list for one connection now: STLS while it can be used, USER and SASL only where the
     * client may send credentials (RFC 2595 section 6: not advertised before TLS otherwise).
     */
    static List<String> forConnection(List<String> wired, boolean stls, boolean credentials, List<String> sasl) {
        List<String> caps = new ArrayList<>(wired.size() + 2);
        boolean extras = false;
        for (String cap : wired) {
            if (!extras && cap.equals("RESP-CODES")) {
                if (credentials && !sasl.isEmpty()) {
                    caps.add("SASL " + String.join(" ", sasl));
                }
                if (stls) {
                    caps.add("STLS");
                }
                extras = true;
            }
            if (cap.equals("USER") && !credentials) {
                continue;
            }
            caps.add(cap);
        }
        return caps;
    }
}
