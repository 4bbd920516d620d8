/**
 * The POP3 server front end: framing, the AUTHORIZATION / TRANSACTION / UPDATE state machine,
 * multi-line replies with dot-stuffing, and the contract ({@link io.popbridge.pop3.MailboxProvider},
 * {@link io.popbridge.pop3.Mailbox}, {@link io.popbridge.pop3.BodySink}) through which it asks the
 * bridge for mailboxes. It knows nothing about IMAP.
 *
 * <p>Implements:
 * <ul>
 *   <li><a href="https://www.rfc-editor.org/rfc/rfc1939">RFC 1939</a> Post Office Protocol - Version 3</li>
 *   <li><a href="https://www.rfc-editor.org/rfc/rfc2449">RFC 2449</a> POP3 Extension Mechanism (CAPA,
 *       PIPELINING, RESP-CODES, 255-octet command lines)</li>
 *   <li><a href="https://www.rfc-editor.org/rfc/rfc3206">RFC 3206</a> The SYS and AUTH POP Response Codes</li>
 * </ul>
 *
 * <p>Decisions where the RFCs leave room (Dovecot is the model for reply texts):
 * <ul>
 *   <li>Line ends in message bodies: a bare LF and a bare CR both become CRLF ({@code DotStuffer}).</li>
 *   <li>Bad commands (unknown verbs, verbs of the other state, malformed arguments, over-long
 *       lines) and failed logins are counted per state; past {@code maxBadCommands} the session
 *       closes. "There's no message" and "Message is deleted" are not bad commands.</li>
 *   <li>Idle means neither a line read nor a write completed, so a client that stops reading a
 *       RETR is idle too.</li>
 *   <li>Once QUIT has asked the mailbox to commit, the session never abandons it, even if the
 *       client leaves: the upstream finishes what it was asked to do.</li>
 *   <li>Pipelined lines are queued while a command waits for the mailbox; reading stops until it
 *       finishes, so the queue never holds more than one read.</li>
 * </ul>
 *
 * <p>The only public entry point is {@link io.popbridge.pop3.Pop3ServerInitializer}; everything
 * else that implements the server is package-private.
 */
package io.popbridge.pop3;
