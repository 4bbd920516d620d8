package io.popbridge.pop3;

/**
 * Why a mailbox operation failed, as far as a POP3 client needs to know. Each kind maps to exactly
 * one reply with its RFC 3206 response code (see {@code Pop3Replies}).
 */
public enum FailureKind {
    /** Bad credentials: {@code -ERR [AUTH]}. */
    AUTH,
    /** The mailbox is locked or the user has too many sessions: {@code -ERR [IN-USE]}. */
    IN_USE,
    /** The upstream is down, slow or answered nonsense; retrying later may work: {@code -ERR [SYS/TEMP]}. */
    SYS_TEMP,
    /** Will not get better by retrying (policy impossible on this server, ...): {@code -ERR [SYS/PERM]}. */
    SYS_PERM,
    /** The message was removed upstream (by another device) during this session: plain {@code -ERR}. */
    MESSAGE_GONE
}
