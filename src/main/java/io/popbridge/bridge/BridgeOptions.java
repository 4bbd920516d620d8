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
 */
public record BridgeOptions(UpstreamEndpoint upstream, ImapClientOptions imap, String mailbox,
        DeletePolicy deletePolicy, RetrievePolicy retrievePolicy, String hideKeyword) {

    public BridgeOptions {
        Objects.requireNonNull(upstream, "upstream");
        Objects.requireNonNull(imap, "imap");
        Objects.requireNonNull(mailbox, "mailbox");
        Objects.requireNonNull(deletePolicy, "deletePolicy");
        Objects.requireNonNull(retrievePolicy, "retrievePolicy");
        if (hideKeyword == null || !hideKeyword.matches("[!#$%&'+\\-.0-9A-Z^_`a-z|~]{1,64}")) {
            throw new IllegalArgumentException("hide keyword must be an IMAP atom without \\, e.g. $POP3Deleted");
        }
    }

    public static final String DEFAULT_HIDE_KEYWORD = "$POP3Deleted";
}
