/**
 * An IMAP client on Netty for the bridge's upstream connections: response decoder (FETCH bodies
 * streamed in chunks), command encoder (arguments quoted or sent as literals so that none can
 * start a second command), and {@link io.popbridge.imap.ImapClient}, which pipelines commands,
 * matches them by tag and handles STARTTLS and implicit TLS.
 *
 * <p>Implements the client side of IMAP4rev1
 * (<a href="https://www.rfc-editor.org/rfc/rfc3501">RFC 3501</a>) and IMAP4rev2
 * (<a href="https://www.rfc-editor.org/rfc/rfc9051">RFC 9051</a>), with LITERAL+/LITERAL-
 * (RFC 7888), UIDPLUS (RFC 4315), MOVE (RFC 6851) and the CONDSTORE/QRESYNC response codes
 * (RFC 7162).
 */
package io.popbridge.imap;
