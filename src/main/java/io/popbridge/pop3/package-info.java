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
 *   <li><a href="https://www.rfc-editor.org/rfc/rfc2595">RFC 2595</a> Using TLS with IMAP, POP3 and ACAP (STLS)</li>
 *   <li><a href="https://www.rfc-editor.org/rfc/rfc8314">RFC 8314</a> Implicit TLS (POP3S on 995)</li>
 *   <li><a href="https://www.rfc-editor.org/rfc/rfc5034">RFC 5034</a> POP3 SASL Authentication (AUTH), with
 *       <a href="https://www.rfc-editor.org/rfc/rfc4616">RFC 4616</a> PLAIN, LOGIN, and
 *       <a href="https://www.rfc-editor.org/rfc/rfc7628">RFC 7628</a> OAUTHBEARER / XOAUTH2 passed through</li>
 *   <li>The <a href="https://www.haproxy.org/download/2.9/doc/proxy-protocol.txt">PROXY protocol</a>
 *       v1 and v2 (Netty's HAProxy codec) on listeners that enable it, from trusted proxies only</li>
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
 *   <li>STLS is accepted in AUTHORIZATION only, also after USER (the name is then forgotten); lines
 *       the client sent after STLS in plaintext are discarded, never executed inside TLS.</li>
 *   <li>Credentials (USER/PASS, AUTH) are refused without TLS unless the peer is trusted; CAPA then
 *       shows STLS and neither USER nor SASL. See docs/security.md.</li>
 *   <li>Failed logins are answered after a delay and counted per connection (not as bad commands).</li>
 *   <li>A proxied client address (from a PROXY header) is trusted for cleartext only through the
 *       trusted networks, never as loopback.</li>
 *   <li>Metrics hook in through {@link io.popbridge.pop3.SessionObserver}, called where a command
 *       ends (its reply, or the end of its body) and where a session starts and ends.</li>
 * </ul>
 *
 * <p>The only public entry point is {@link io.popbridge.pop3.Pop3ServerInitializer}; everything
 * else that implements the server is package-private.
 */
package io.popbridge.pop3;
