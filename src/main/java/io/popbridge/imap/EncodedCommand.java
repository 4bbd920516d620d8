package io.popbridge.imap;

import java.util.List;

/**
 * The octets of one command, cut where a synchronizing literal must wait for the server's
 * continuation request: fragment 0 is sent at once, each later one after a {@code +}.
 */
record EncodedCommand(String tag, String name, List<byte[]> fragments) {
    EncodedCommand {
        fragments = List.copyOf(fragments);
    }
}
