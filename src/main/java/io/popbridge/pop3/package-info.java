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
 * <p>The only public entry point is {@link io.popbridge.pop3.Pop3ServerInitializer}; everything
 * else that implements the server is package-private.
 */
package io.popbridge.pop3;
