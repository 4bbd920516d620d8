/**
 * Interop tests: real POP3 clients (fetchmail, mpop, getmail6, Python's poplib, curl) run as
 * external processes against popbridge in front of a real Dovecot and of GreenMail, checked
 * byte for byte against {@code BODY.PEEK[]} read directly over IMAP. Clients that are not
 * installed ({@code .ci/install-clients.sh}) are skipped with the reason. See docs/interop.md.
 */
package io.popbridge.interop;
