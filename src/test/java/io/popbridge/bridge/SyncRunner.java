package io.popbridge.bridge;

import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.popbridge.imap.ImapClient;
import io.popbridge.imap.ImapClientOptions;
import io.popbridge.imap.UpstreamEndpoint;
import io.popbridge.mapping.Listing;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** One login per call: connect, LOGIN, {@link ListingSync#sync}, LOGOUT; as a session would. */
final class SyncRunner implements AutoCloseable {

    private final MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final EventLoop loop = group.next();

    ListingSync.Result sync(int port, String user, String password, String hideKeyword, Listing cached)
            throws Exception {
        return sync(port, user, password, hideKeyword, cached, ImapClientOptions.defaults());
    }

    ListingSync.Result sync(int port, String user, String password, String hideKeyword, Listing cached,
            ImapClientOptions options) throws Exception {
        UpstreamEndpoint endpoint = new UpstreamEndpoint("127.0.0.1", port, UpstreamEndpoint.Security.PLAIN);
        ImapClient client = loop.submit(() -> ImapClient.connect(loop, endpoint, options))
                .get().get(10, TimeUnit.SECONDS);
        try {
            loop.submit(() -> client.login(user.getBytes(StandardCharsets.UTF_8),
                    password.getBytes(StandardCharsets.UTF_8))).get().get(10, TimeUnit.SECONDS);
            return loop.submit(() -> ListingSync.sync(client, loop, "INBOX", false, hideKeyword, cached))
                    .get().get(60, TimeUnit.SECONDS);
        } finally {
            loop.submit(client::logout).get().get(10, TimeUnit.SECONDS);
        }
    }

    /** The commands of one login after LOGIN (and any CAPABILITY refresh) and before LOGOUT. */
    static List<String> syncCommands(List<String> all) {
        int from = 0;
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).startsWith("ENABLE") || all.get(i).startsWith("SELECT")) {
                from = i;
                break;
            }
        }
        int to = all.size();
        while (to > from && (all.get(to - 1).equals("LOGOUT") || all.get(to - 1).isEmpty())) {
            to--;
        }
        return all.subList(from, to);
    }

    @Override
    public void close() throws Exception {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
}
