package io.popbridge.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.util.concurrent.Future;
import io.popbridge.pop3.Credentials;
import io.popbridge.pop3.LimitOptions;
import io.popbridge.pop3.Mailbox;
import io.popbridge.pop3.MailboxProvider;
import io.popbridge.pop3.Pop3Options;
import io.popbridge.pop3.SessionContext;
import io.popbridge.pop3.TlsMode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The connection limits are shared by all listeners of one server, over real sockets. */
class ConnectionLimitsServerTest {

    private static final MailboxProvider NO_MAILBOX = new MailboxProvider() {
        @Override
        public Future<Mailbox> open(Credentials credentials, SessionContext context) {
            return context.eventLoop().newFailedFuture(new IllegalStateException("not used"));
        }
    };

    @Test
    void perAddressLimitCountsAcrossListeners() throws Exception {
        Pop3Options pop3 = Pop3Options.defaults().withLimits(new LimitOptions(100, 2, 10, Duration.ZERO, false));
        InetSocketAddress any = new InetSocketAddress("127.0.0.1", 0);
        List<ListenerConfig> listeners = List.of(new ListenerConfig(any, TlsMode.PLAIN, ListenerConfig.DEFAULT_MIN_VERSION),
                new ListenerConfig(new InetSocketAddress("127.0.0.1", 0), TlsMode.PLAIN, ListenerConfig.DEFAULT_MIN_VERSION));
        try (BridgeServer server = BridgeServer.start(listeners, null, pop3, NO_MAILBOX, 1);
                Socket a = new Socket();
                Socket b = new Socket();
                Socket c = new Socket()) {
            List<InetSocketAddress> bound = server.localAddresses();
            a.connect(bound.get(0), 5000);
            a.setSoTimeout(5000);
            assertEquals("+OK popbridge ready.", reader(a).readLine());
            b.connect(bound.get(1), 5000);
            b.setSoTimeout(5000);
            assertEquals("+OK popbridge ready.", reader(b).readLine());
            c.connect(bound.get(0), 5000);
            c.setSoTimeout(5000);
            BufferedReader in = reader(c);
            assertEquals("-ERR [SYS/TEMP] Too many connections.", in.readLine());
            assertNull(in.readLine(), "closed at once");
        }
    }

    private static BufferedReader reader(Socket s) throws Exception {
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
    }
}
