package io.popbridge.imap;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Builds one command's octets. Every argument goes through a method that validates or quotes it,
 * so that no argument can contain a line end outside a literal and none can become a second
 * command. Strings of printable 7-bit octets are quoted; anything else is sent as a literal:
 * non-synchronizing ({@code {n+}}) when the server offers LITERAL+ (or LITERAL- and n <= 4096),
 * else synchronizing ({@code {n}}), which starts a new fragment.
 */
final class CommandEncoder {

    static final int LITERAL_MINUS_MAX = 4096;

    private static final Pattern SEQUENCE_SET = Pattern.compile(
            "(?:[1-9][0-9]{0,9}|\\*)(?::(?:[1-9][0-9]{0,9}|\\*))?(?:,(?:[1-9][0-9]{0,9}|\\*)(?::(?:[1-9][0-9]{0,9}|\\*))?)*");
    private static final Pattern FETCH_ITEM = Pattern.compile(
            "[A-Za-z0-9.]+(?:\\[[A-Za-z0-9.\\- ()]*\\](?:<[0-9]{1,10}(?:\\.[1-9][0-9]{0,9})?>)?)?");
    private static final Pattern STORE_OP = Pattern.compile("[+-]?FLAGS(?:\\.SILENT)?", Pattern.CASE_INSENSITIVE);

    private final String tag;
    private final String name;
    private final boolean literalPlus;
    private final boolean literalMinus;
    private final List<byte[]> fragments = new ArrayList<>();
    private ByteArrayOutputStream current = new ByteArrayOutputStream();

    /**
     * @param name the command name and any fixed keywords, e.g. "UID FETCH" (validated as atoms)
     */
    CommandEncoder(String tag, String name, boolean literalPlus, boolean literalMinus) {
        this.tag = tag;
        this.name = name;
        this.literalPlus = literalPlus;
        this.literalMinus = literalMinus;
        raw(atomText(tag));
        for (String word : name.split(" ", -1)) {
            raw(" ").raw(atomText(word));
        }
    }

    CommandEncoder atom(String atom) {
        return raw(" ").raw(atomText(atom));
    }

    /** A string argument: quoted when safe 7-bit text, otherwise a literal. */
    CommandEncoder string(byte[] value) {
        raw(" ");
        if (isQuotable(value)) {
            current.write('"');
            for (byte b : value) {
                if (b == '"' || b == '\\') {
                    current.write('\\');
                }
                current.write(b);
            }
            current.write('"');
            return this;
        }
        for (byte b : value) {
            if (b == 0) {
                throw new IllegalArgumentException("NUL cannot be sent in a literal");
            }
        }
        boolean nonSync = literalPlus || (literalMinus && value.length <= LITERAL_MINUS_MAX);
        raw("{" + value.length + (nonSync ? "+}" : "}") + "\r\n");
        if (!nonSync) {
            fragments.add(current.toByteArray());
            current = new ByteArrayOutputStream();
        }
        current.writeBytes(value);
        return this;
    }

    /**
     * A parenthesised list of quoted strings, as the parameter list of ID (RFC 2971). Each value
     * must be printable 7-bit text (quoted, never a literal).
     */
    CommandEncoder quotedList(java.util.List<String> values) {
        raw(" (");
        for (int i = 0; i < values.size(); i++) {
            byte[] value = values.get(i).getBytes(StandardCharsets.US_ASCII);
            if (!isQuotable(value) || !values.get(i).chars().allMatch(c -> c < 0x80)) {
                throw new IllegalArgumentException("not printable 7-bit text");
            }
            if (i > 0) {
                raw(" ");
            }
            current.write('"');
            for (byte b : value) {
                if (b == '"' || b == '\\') {
                    current.write('\\');
                }
                current.write(b);
            }
            current.write('"');
        }
        return raw(")");
    }

    /** A mailbox name, encoded as modified UTF-7. */
    CommandEncoder mailbox(String mailbox) {
        if (mailbox.isEmpty()) {
            throw new IllegalArgumentException("empty mailbox name");
        }
        return string(ModifiedUtf7.encode(mailbox).getBytes(StandardCharsets.US_ASCII));
    }

    CommandEncoder sequenceSet(String set) {
        if (!SEQUENCE_SET.matcher(set).matches()) {
            throw new IllegalArgumentException("invalid sequence set");
        }
        for (String n : set.split("[,:]")) {
            if (!n.equals("*") && Long.parseLong(n) > 0xFFFF_FFFFL) {
                throw new IllegalArgumentException("sequence number out of range");
            }
        }
        return raw(" ").raw(set);
    }

    /** A parenthesised list of fetch items such as UID, FLAGS or BODY.PEEK[HEADER]<0.4096>. */
    CommandEncoder fetchItems(List<String> items) {
        if (items.isEmpty()) {
            throw new IllegalArgumentException("no fetch items");
        }
        raw(" (");
        for (int i = 0; i < items.size(); i++) {
            String item = items.get(i);
            if (!FETCH_ITEM.matcher(item).matches()) {
                throw new IllegalArgumentException("invalid fetch item: " + item);
            }
            raw(i == 0 ? "" : " ").raw(item);
        }
        return raw(")");
    }

    /**
     * A search key: a sequence set or an atom (ALL, DELETED, KEYWORD, UID, a keyword's name).
     */
    CommandEncoder searchKey(String key) {
        if (SEQUENCE_SET.matcher(key).matches()) {
            return sequenceSet(key);
        }
        return atom(key);
    }

    /**
     * A parenthesised parameter list made only of atoms, numbers and sequence sets, e.g.
     * {@code (QRESYNC (67890007 20050715194045000 41,43:211))} or {@code (CHANGEDSINCE 12345)}.
     * Only {@code A-Z a-z 0-9 : , * . - ( )} and single spaces are allowed and the parentheses must
     * balance, so nothing can end the line or open a literal.
     */
    CommandEncoder parenthesized(String params) {
        int depth = 0;
        for (int i = 0; i < params.length(); i++) {
            char c = params.charAt(i);
            boolean ok = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || ":,*.-".indexOf(c) >= 0
                    || c == ' ' && i > 0 && params.charAt(i - 1) != ' ' && params.charAt(i - 1) != '(';
            if (c == '(') {
                depth++;
                ok = true;
            } else if (c == ')') {
                ok = --depth >= 0;
            }
            if (!ok || depth == 0 && i < params.length() - 1) {
                throw new IllegalArgumentException("invalid parameter list");
            }
        }
        if (params.length() < 2 || params.charAt(0) != '(' || depth != 0) {
            throw new IllegalArgumentException("invalid parameter list");
        }
        return raw(" ").raw(params);
    }

    CommandEncoder storeOp(String op) {
        if (!STORE_OP.matcher(op).matches()) {
            throw new IllegalArgumentException("invalid store operation: " + op);
        }
        return raw(" ").raw(op);
    }

    /** A parenthesised flag list: system flags ({@code \Seen}) and keywords (atoms). */
    CommandEncoder flagList(List<String> flags) {
        raw(" (");
        for (int i = 0; i < flags.size(); i++) {
            String flag = flags.get(i);
            String checked = flag.startsWith("\\") ? "\\" + atomText(flag.substring(1)) : atomText(flag);
            raw(i == 0 ? "" : " ").raw(checked);
        }
        return raw(")");
    }

    /**
     * A SASL response in base64 ({@code =} for an empty one): on the command line when
     * {@code initial} (SASL-IR), else as its own line sent after the server's continuation request.
     */
    CommandEncoder saslResponse(byte[] base64, boolean initial) {
        for (byte c : base64) {
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/'
                    || c == '=')) {
                throw new IllegalArgumentException("SASL response is not base64");
            }
        }
        if (initial) {
            raw(" ");
        } else {
            raw("\r\n");
            fragments.add(current.toByteArray());
            current = new ByteArrayOutputStream();
        }
        if (base64.length == 0) {
            return raw("=");
        }
        current.writeBytes(base64);
        return this;
    }

    EncodedCommand build() {
        raw("\r\n");
        fragments.add(current.toByteArray());
        return new EncodedCommand(tag, name, fragments);
    }

    private CommandEncoder raw(String ascii) {
        current.writeBytes(ascii.getBytes(StandardCharsets.US_ASCII));
        return this;
    }

    static boolean isQuotable(byte[] value) {
        for (byte b : value) {
            if (b < 0x20 || b > 0x7e) {
                return false;
            }
        }
        return true;
    }

    /** RFC 3501 ATOM-CHAR: printable 7-bit except {@code ( ) { SP % * " \ ]}. */
    static String atomText(String atom) {
        if (atom.isEmpty()) {
            throw new IllegalArgumentException("empty atom");
        }
        for (int i = 0; i < atom.length(); i++) {
            char c = atom.charAt(i);
            if (c <= 0x20 || c >= 0x7f || "(){%*\"\\]".indexOf(c) >= 0) {
                throw new IllegalArgumentException("invalid character in atom: 0x" + Integer.toHexString(c));
            }
        }
        return atom;
    }
}
