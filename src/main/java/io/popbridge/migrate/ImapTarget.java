package io.popbridge.migrate;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.popbridge.bridge.Route;
import io.popbridge.imap.FetchedHeaders;
import io.popbridge.imap.ImapClient;
import io.popbridge.imap.ImapException;
import io.popbridge.imap.SelectedMailbox;
import io.popbridge.migrate.MigrationException.Kind;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Reads the user's IMAP mailbox behind popbridge, read-only (EXAMINE, BODY.PEEK): per message
 * UID, RFC822.SIZE, INTERNALDATE and the Message-ID and Date header fields, in one UID FETCH.
 */
final class ImapTarget {
    private static final int MAX_HEADER = 16 * 1024;

    /** What the IMAP side holds: its UIDVALIDITY and messages. */
    record Listing(long uidValidity, List<NewMessage> messages) {
    }

    private ImapTarget() {
    }

    static Listing read(EventLoop loop, Route route, String user, byte[] password, String mailbox)
            throws MigrationException {
        String where = route.label();
        ImapClient client;
        try {
            client = await(ImapClient.connect(loop, route.endpoint(), route.imap()), route);
        } catch (MigrationException e) {
            throw new MigrationException(e.getCause() instanceof ImapException.Insecure ? Kind.TLS : Kind.CONNECT,
                    "cannot reach the IMAP server " + where + ": " + e.getMessage(), e.getCause());
        }
        try {
            try {
                await(client.login(route.login().apply(user.getBytes(StandardCharsets.UTF_8)), password), route);
            } catch (MigrationException e) {
                if (e.getCause() instanceof ImapException.Rejected || e.getCause() instanceof IllegalArgumentException) {
                    throw new MigrationException(Kind.AUTH, "the IMAP server " + where + " refused the login of " + user);
                }
                throw e;
            }
            SelectedMailbox selected = await(client.select(mailbox, true), route);
            List<NewMessage> messages = new ArrayList<>();
            if (selected.exists() > 0) {
                List<FetchedHeaders> fetched = await(client.uidFetchHeaderFields("1:*",
                        List.of("MESSAGE-ID", "DATE"), MAX_HEADER), route);
                for (FetchedHeaders f : fetched) {
                    if (f.rfc822Size() < 0) {
                        throw new MigrationException(Kind.PROTOCOL, "the IMAP server sent no RFC822.SIZE for UID " + f.uid());
                    }
                    messages.add(new NewMessage(f.uid(), f.rfc822Size(), f.internalDate(), HeaderFields.parse(f.headers())));
                }
            }
            return new Listing(selected.uidValidity(), messages);
        } finally {
            try {
                client.logout().await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            client.close();
        }
    }

    private static <T> T await(Future<T> future, Route route) throws MigrationException {
        long limit = route.imap().connectTimeout().plus(route.imap().commandTimeout()).toMillis() + 5_000;
        try {
            return future.get(limit, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new MigrationException(Kind.CONNECT, "IMAP server " + route.label() + ": " + oneLine(cause), cause);
        } catch (TimeoutException e) {
            future.cancel(false);
            throw new MigrationException(Kind.CONNECT, "IMAP server " + route.label() + " did not answer in time", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MigrationException(Kind.CONNECT, "interrupted", e);
        }
    }

    private static String oneLine(Throwable e) {
        String m = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        return m.replaceAll("[\\r\\n]+", " ");
    }
}
