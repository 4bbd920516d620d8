package io.popbridge.migrate;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Pairs the old server's messages with the IMAP mailbox's, one to one, conservatively: a wrong
 * pair would make a client skip a message, a missing pair only makes it download one again.
 *
 * <ol>
 *   <li>Messages with a Message-ID: equal Message-ID and equal size. Among several candidates
 *   (copies of one message), equal Date pairs first, then the rest in order (POP3 number order
 *   against UID order), one to one.</li>
 *   <li>Messages without a Message-ID: equal Date and size, only where exactly one old and
 *   exactly one IMAP message without a Message-ID have that Date and size.</li>
 * </ol>
 *
 * <p>With {@code ignoreSize} (an old server whose LIST sizes are not the message's octets, e.g.
 * counted with bare LF line ends), step 1 compares Message-IDs alone and step 2 is skipped:
 * Date alone is too weak a key.
 */
final class MessageMatcher {

    record Pair(OldMessage old, NewMessage message) {
    }

    /**
     * @param matched the pairs, in POP3 number order
     * @param unmatched old messages with no IMAP counterpart, in POP3 number order
     * @param imapOnly IMAP messages no old message was paired with
     */
    record Result(List<Pair> matched, List<OldMessage> unmatched, int imapOnly) {
    }

    private record Key(String text, long size) {
    }

    private MessageMatcher() {
    }

    static Result match(List<OldMessage> old, List<NewMessage> fresh) {
        return match(old, fresh, false);
    }

    static Result match(List<OldMessage> old, List<NewMessage> fresh, boolean ignoreSize) {
        List<OldMessage> olds = new ArrayList<>(old);
        olds.sort(Comparator.comparingInt(OldMessage::number));
        List<NewMessage> news = new ArrayList<>(fresh);
        news.sort(Comparator.comparingLong(NewMessage::uid));

        Map<Key, List<OldMessage>> oldById = new LinkedHashMap<>();
        Map<Key, List<NewMessage>> newById = new HashMap<>();
        Map<Key, List<OldMessage>> oldByDate = new LinkedHashMap<>();
        Map<Key, List<NewMessage>> newByDate = new HashMap<>();
        for (OldMessage o : olds) {
            HeaderFields h = o.headers();
            if (h.messageId() != null) {
                oldById.computeIfAbsent(new Key(h.messageId(), ignoreSize ? -1 : o.size()), k -> new ArrayList<>()).add(o);
            } else if (h.date() != null && !ignoreSize) {
                oldByDate.computeIfAbsent(new Key(h.date(), o.size()), k -> new ArrayList<>()).add(o);
            }
        }
        for (NewMessage n : news) {
            HeaderFields h = n.headers();
            if (h.messageId() != null) {
                newById.computeIfAbsent(new Key(h.messageId(), ignoreSize ? -1 : n.size()), k -> new ArrayList<>()).add(n);
            } else if (h.date() != null && !ignoreSize) {
                newByDate.computeIfAbsent(new Key(h.date(), n.size()), k -> new ArrayList<>()).add(n);
            }
        }

        Map<Integer, Pair> pairs = new HashMap<>();
        oldById.forEach((key, group) -> {
            List<NewMessage> candidates = newById.get(key);
            if (candidates != null) {
                pairGroup(group, new ArrayDeque<>(candidates), pairs);
            }
        });
        oldByDate.forEach((key, group) -> {
            List<NewMessage> candidates = newByDate.get(key);
            if (group.size() == 1 && candidates != null && candidates.size() == 1) {
                pairs.put(group.get(0).number(), new Pair(group.get(0), candidates.get(0)));
            }
        });

        List<Pair> matched = new ArrayList<>();
        List<OldMessage> unmatched = new ArrayList<>();
        Set<Long> taken = new HashSet<>();
        for (OldMessage o : olds) {
            Pair p = pairs.get(o.number());
            if (p == null) {
                unmatched.add(o);
            } else {
                matched.add(p);
                taken.add(p.message().uid());
            }
        }
        return new Result(matched, unmatched, (int) news.stream().filter(n -> !taken.contains(n.uid())).count());
    }

    /** Equal Date first, then the rest in order; each IMAP message at most once. */
    private static void pairGroup(List<OldMessage> group, Deque<NewMessage> candidates, Map<Integer, Pair> pairs) {
        List<OldMessage> rest = new ArrayList<>();
        for (OldMessage o : group) {
            NewMessage sameDate = null;
            if (o.headers().date() != null) {
                for (Iterator<NewMessage> it = candidates.iterator(); it.hasNext(); ) {
                    NewMessage n = it.next();
                    if (Objects.equals(o.headers().date(), n.headers().date())) {
                        sameDate = n;
                        it.remove();
                        break;
                    }
                }
            }
            if (sameDate != null) {
                pairs.put(o.number(), new Pair(o, sameDate));
            } else {
                rest.add(o);
            }
        }
        for (OldMessage o : rest) {
            NewMessage n = candidates.poll();
            if (n == null) {
                return;
            }
            pairs.put(o.number(), new Pair(o, n));
        }
    }
}
