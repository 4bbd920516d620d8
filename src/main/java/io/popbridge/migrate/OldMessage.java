package io.popbridge.migrate;

/**
 * A message as the old POP3 server listed it.
 *
 * @param number the POP3 message number
 * @param uidl its UIDL there
 * @param size its size in LIST
 * @param headers its Message-ID and Date (from {@code TOP n 0})
 */
record OldMessage(int number, String uidl, long size, HeaderFields headers) {
}
