/**
 * An IMAP client on Netty for the bridge's upstream connections: response decoder (FETCH bodies
 * streamed in chunks), command encoder (arguments quoted or sent as literals so that none can
 * start a second command), and {@link io.popbridge.imap.ImapClient}, which pipelines commands,
 * matches them by tag and handles STARTTLS and implicit TLS.
 *
 * <p>Implements the client side of IMAP4rev1
 * (<a href="https://www.rfc-editor.org/rfc/rfc3501">RFC 3501</a>) and IMAP4rev2
 * (<a href="https://www.rfc-editor.org/rfc/rfc9051">RFC 9051</a>), with LITERAL+/LITERAL-
 * (RFC 7888), UIDPLUS (RFC 4315), MOVE (RFC 6851), and, through
 * {@link io.popbridge.imap.ImapResync}, ENABLE (<a href="https://www.rfc-editor.org/rfc/rfc5161">RFC 5161</a>),
 * CONDSTORE/QRESYNC (<a href="https://www.rfc-editor.org/rfc/rfc7162">RFC 7162</a>: SELECT
 * parameters, HIGHESTMODSEQ/NOMODSEQ, CHANGEDSINCE, MODSEQ, VANISHED) and UID SEARCH with
 * ESEARCH results (<a href="https://www.rfc-editor.org/rfc/rfc4731">RFC 4731</a>). Login: SASL PLAIN (<a href="https://www.rfc-editor.org/rfc/rfc4616">RFC 4616</a>)
 * with SASL-IR (<a href="https://www.rfc-editor.org/rfc/rfc4959">RFC 4959</a>), token
 * pass-through (XOAUTH2, OAUTHBEARER <a href="https://www.rfc-editor.org/rfc/rfc7628">RFC 7628</a>).
 * TLS: verified certificates with host name checks (RFC 9525) and optional public-key pins;
 * STARTTLS that cannot be stripped or injected into (RFC 3501 section 6.2.1, RFC 2595).
 */
package io.popbridge.imap;
