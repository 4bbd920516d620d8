package io.popbridge.bridge;

import io.popbridge.imap.ImapClient;
import io.popbridge.pop3.SessionContext;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the upstream who the POP3 client is, where a route has {@code forward-client-address}:
 * {@code ID ("x-originating-ip" "<addr>" "x-originating-port" "<port>")} (RFC 2971), the fields
 * Dovecot takes from a proxy in its {@code login_trusted_networks}, so that its logs, penalties
 * and auth policy see the real client. Sent just before the login command, pipelined with it; an
 * ID the server refuses does not stop the login. Only if the server advertises ID.
 */
final class ClientAddressForwarding {

    private static final Logger LOG = LoggerFactory.getLogger(ClientAddressForwarding.class);

    private ClientAddressForwarding() {
    }

    /** Sends the ID command on {@code client} if {@code route} asks for it; call on the client's loop. */
    static void beforeLogin(ImapClient client, Route route, SessionContext context) {
        if (!route.forwardClientAddress()
                || !(context.clientAddress() instanceof InetSocketAddress inet) || inet.getAddress() == null) {
            return;
        }
        if (!client.hasCapability("ID")) {
            LOG.debug("upstream {} does not advertise ID; client address not forwarded", route.label());
            return;
        }
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("x-originating-ip", inet.getAddress().getHostAddress());
        fields.put("x-originating-port", Integer.toString(inet.getPort()));
        client.id(fields).addListener(f -> {
            if (!f.isSuccess()) {
                LOG.debug("upstream {} refused ID: {}", route.label(), f.cause().toString());
            }
        });
    }
}
