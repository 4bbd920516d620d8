package io.popbridge.imap;

import io.netty.util.concurrent.Promise;
import io.popbridge.imap.ImapResponse.FetchAttribute;
import io.popbridge.imap.ImapResponse.Tagged;
import io.popbridge.imap.ImapResponse.Untagged;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The {@link PendingCommand}s of CONDSTORE/QRESYNC (RFC 7162), ENABLE (RFC 5161) and UID SEARCH
 * (RFC 3501, with ESEARCH results of RFC 4731).
 */
final class ModSeqCommands {

    private ModSeqCommands() {
    }

    /** ENABLE: the extensions the server reported in {@code * ENABLED}, upper case. */
    static final class Enable extends PendingCommand<Set<String>> {
        private final Set<String> enabled = new HashSet<>();

        Enable(Promise<Set<String>> promise) {
            super(promise);
        }

        @Override
        void untagged(Untagged u) {
            if (u.keyword().equals("ENABLED")) {
                u.values().forEach(v -> {
                    String text = ImapValue.textOf(v);
                    if (text != null) {
                        enabled.add(text.toUpperCase(Locale.ROOT));
                    }
                });
            }
        }

        @Override
        Set<String> completed(Tagged ok) {
            return Set.copyOf(enabled);
        }
    }

    /** Collects VANISHED responses. */
    private static final class Vanished {
        private UidSet uids = UidSet.EMPTY;

        void untagged(Untagged u) {
            if (!u.keyword().equals("VANISHED")) {
                return;
            }
            List<ImapValue> values = u.values();
            int at = 0;
            if (!values.isEmpty() && values.get(0) instanceof ImapValue.ListValue tag) {
                if (tag.items().size() != 1 || !"EARLIER".equalsIgnoreCase(ImapValue.textOf(tag.items().get(0)))) {
                    throw new ProtocolViolation("VANISHED with an unknown tag");
                }
                at = 1;
            }
            if (values.size() != at + 1 || !(values.get(at) instanceof ImapValue.Atom set)) {
                throw new ProtocolViolation("VANISHED without a UID set");
            }
            uids = uids.union(UidSet.parse(set.text()));
        }
    }

    /** A command answered with FETCHes and VANISHED: collects both for {@link #completed}. */
    abstract static class FetchesAndVanished<T> extends PendingCommand<T> {
        final Commands.Fetch fetch = new Commands.Fetch(null);
        final Vanished vanished = new Vanished();

        FetchesAndVanished(Promise<T> promise) {
            super(promise);
        }

        @Override
        void untagged(Untagged u) {
            vanished.untagged(u);
        }

        @Override
        void fetchStart(long sequence) {
            fetch.fetchStart(sequence);
        }

        @Override
        void fetchAttribute(FetchAttribute attribute) {
            fetch.fetchAttribute(attribute);
        }

        @Override
        void fetchEnd() {
            fetch.fetchEnd();
        }

        /** The FETCHes with a UID and the VANISHED UIDs, once the command completed with {@code ok}. */
        Changes changes(Tagged ok) {
            return new Changes(fetch.completed(ok), vanished.uids);
        }
    }

    /** SELECT / EXAMINE with QRESYNC parameters: the selected state, changed FETCHes and VANISHED. */
    static final class ResyncSelect extends FetchesAndVanished<Resync> {
        private final Commands.Select select = new Commands.Select(null);

        ResyncSelect(Promise<Resync> promise) {
            super(promise);
        }

        @Override
        void untagged(Untagged u) {
            select.untagged(u);
            super.untagged(u);
        }

        @Override
        Resync completed(Tagged ok) {
            return new Resync(select.completed(ok), changes(ok));
        }
    }

    /** UID FETCH with CHANGEDSINCE (and VANISHED): the FETCHes with a UID and the VANISHED UIDs. */
    static final class ChangedFetch extends FetchesAndVanished<Changes> {
        ChangedFetch(Promise<Changes> promise) {
            super(promise);
        }

        @Override
        Changes completed(Tagged ok) {
            return changes(ok);
        }
    }

    /**
     * UID SEARCH: the UIDs of {@code * SEARCH n...} or, for {@code RETURN (ALL)}, of the ESEARCH
     * response carrying this command's tag. A plain SEARCH response names no command, so plain
     * searches must not be pipelined with each other.
     */
    static final class Search extends PendingCommand<UidSet> {
        private UidSet result = UidSet.EMPTY;

        Search(Promise<UidSet> promise) {
            super(promise);
        }

        @Override
        void untagged(Untagged u) {
            if (u.keyword().equals("SEARCH")) {
                long[] uids = new long[u.values().size()];
                int n = 0;
                for (ImapValue v : u.values()) {
                    if (v instanceof ImapValue.ListValue) {
                        break; // (MODSEQ n) at the end, RFC 7162 3.1.5
                    }
                    uids[n++] = Commands.number(v);
                }
                result = result.union(UidSet.of(java.util.Arrays.copyOf(uids, n)));
            } else if (u.keyword().equals("ESEARCH")) {
                esearch(u.values());
            }
        }

        private void esearch(List<ImapValue> values) {
            int at = 0;
            if (values.isEmpty() || !(values.get(0) instanceof ImapValue.ListValue corr)
                    || corr.items().size() != 2 || !"TAG".equalsIgnoreCase(ImapValue.textOf(corr.items().get(0)))
                    || encoded == null || !encoded.tag().equals(ImapValue.textOf(corr.items().get(1)))) {
                return; // another command's
            }
            at++;
            if (at < values.size() && "UID".equalsIgnoreCase(ImapValue.textOf(values.get(at)))) {
                at++;
            }
            for (; at + 1 < values.size(); at += 2) {
                if ("ALL".equalsIgnoreCase(ImapValue.textOf(values.get(at)))) {
                    String set = ImapValue.textOf(values.get(at + 1));
                    if (set == null) {
                        throw new ProtocolViolation("ESEARCH ALL without a set");
                    }
                    result = result.union(UidSet.parse(set));
                }
            }
        }

        @Override
        UidSet completed(Tagged ok) {
            return result;
        }
    }
}
