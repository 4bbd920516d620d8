package io.popbridge.bridge;

import io.popbridge.imap.ImapClientOptions;
import io.popbridge.imap.UpstreamEndpoint;
import java.util.Objects;

/**
 * How the bridge serves POP3 from an upstream mailbox.
 *
 * @param upstream the default IMAP server (a {@link Router} given to {@link ImapMailboxProvider} may
 *     send users elsewhere)
 * @param imap connection settings for the default upstream
 * @param mailbox the mailbox POP3 serves, normally INBOX
 * @param deletePolicy what DELE + QUIT does
 * @param retrievePolicy whether RETR marks \Seen
 * @param hideKeyword the IMAP keyword that hides a message from POP3 ({@code $POP3Deleted})
 * @param prefetchLimit largest message (listed octets) fetched ahead of its RETR while the client
 *     walks the mailbox in order; 0 turns prefetching off
 */
public record BridgeOptions(UpstreamEndpoint upstream, ImapClientOptions imap, String mailbox,
        DeletePolicy deletePolicy, RetrievePolicy retrievePolicy, String hideKeyword, int prefetchLimit) {

    /** Options with the default {@link #DEFAULT_PREFETCH_LIMIT}. */
    public BridgeOptions(UpstreamEndpoint upstream, ImapClientOptions imap, String mailbox,
            DeletePolicy deletePolicy, RetrievePolicy retrievePolicy, String hideKeyword) {
        this(upstream, imap, mailbox, deletePolicy, retrievePolicy, hideKeyword, DEFAULT_PREFETCH_LIMIT);
    }

    public BridgeOptions {
        Objects.requireNonNull(upstream, "upstream");
        Objects.requireNonNull(imap, "imap");
        Objects.requireNonNull(mailbox, "mailbox");
        Objects.requireNonNull(deletePolicy, "deletePolicy");
        Objects.requireNonNull(retrievePolicy, "retrievePolicy");
        if (hideKeyword == null || !hideKeyword.matches("[!#$%&'+\\-.0-9A-Z^_`a-z|~]{1,64}")) {
            throw new IllegalArgumentException("hide keyword must be an IMAP atom without \\, e.g. $POP3Deleted");
        }
        if (prefetchLimit < 0 || prefetchLimit > MAX_PREFETCH_LIMIT) {
            throw new IllegalArgumentException("prefetch limit must be between 0 and " + MAX_PREFETCH_LIMIT + " octets");
        }
    }

    public static final int DEFAULT_PREFETCH_LIMIT = 256 * 1024;
    public static final int MAX_PREFETCH_LIMIT = 16 * 1024 * 1024;

    public static final String DEFAULT_HIDE_KEYWORD = "$POP3Deleted";
}
