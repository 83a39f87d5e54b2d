package io.touchpoint.ingest.service;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One pass over the bytes of a Segment body that checks it is strict JSON (RFC 8259, UTF-8) and
 * records where each field of each event is, without building a tree or decoding strings. What it
 * finds lets {@link CanonicalRecordWriter} write the canonical record by copying the client's own
 * bytes for {@code properties}, {@code traits}, {@code context} and {@code integrations}.
 *
 * <p>It is deliberately stricter than the tree reader: whenever it is not sure it reads the body
 * exactly as Jackson would (a duplicate or escaped key, a very long number, nesting near the limit,
 * a byte-order mark, anything malformed), it returns nothing and the tree reader decides, with its
 * own error messages. So it can only make accepted bodies cheaper, never change what is refused.
 */
final class SegmentScanner {

    /** The fields of a Segment call that ingest reads, in the order {@link TouchpointNormaliser#bind} checks them. */
    static final String[] FIELD_NAMES = { "type", "writeKey", "userId", "anonymousId", "event", "name", "groupId",
        "previousId", "properties", "context", "traits", "timestamp", "originalTimestamp", "sentAt", "messageId",
        "integrations" };
    static final int TYPE = 0;
    static final int WRITE_KEY = 1;
    static final int USER_ID = 2;
    static final int ANONYMOUS_ID = 3;
    static final int EVENT = 4;
    static final int NAME = 5;
    static final int GROUP_ID = 6;
    static final int PREVIOUS_ID = 7;
    static final int PROPERTIES = 8;
    static final int CONTEXT = 9;
    static final int TRAITS = 10;
    static final int TIMESTAMP = 11;
    static final int ORIGINAL_TIMESTAMP = 12;
    static final int SENT_AT = 13;
    static final int MESSAGE_ID = 14;
    static final int INTEGRATIONS = 15;
    static final int FIELDS = 16;

    private static final byte[][] FIELD_BYTES = new byte[FIELDS][];
    private static final byte[] BATCH = "batch".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] IP = "ip".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TRUE = "true".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FALSE = "false".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL_LITERAL = "null".getBytes(StandardCharsets.US_ASCII);

    static {
        for (int i = 0; i < FIELDS; i++) {
            FIELD_BYTES[i] = FIELD_NAMES[i].getBytes(StandardCharsets.US_ASCII);
        }
    }

    /** What a value is. */
    static final byte ABSENT = 0;
    static final byte STRING = 1;
    static final byte NULL = 2;
    static final byte OBJECT = 3;
    /** A number, a boolean or an array. */
    static final byte OTHER = 4;

    /** A string value that holds escapes or non-ASCII characters: decode it before reading it. */
    static final int ENCODED = 1;
    /** An object value with whitespace between its tokens: copy it compacted. */
    static final int SPACED = 2;

    /** Longest number the scanner vouches for; Jackson's own limit is far above. */
    private static final int MAX_NUMBER_LENGTH = 100;
    /** Most keys of one object checked for duplicates here; more is left to Jackson's hash set. */
    private static final int MAX_KEYS_PER_OBJECT = 256;
    private static final int MAX_KEY_LENGTH = 1000;

    /** Where one value is: its kind, its bytes {@code [start, end)}, its flags and its nesting depth. */
    static final class Value {
        byte kind = ABSENT;
        int start;
        int end;
        int flags;
        int depth;
        /** Holds a number the fast path does not copy exactly as the tree path writes it. */
        boolean irregular;
        /** For a context object: its top-level {@code ip} member, and how many members it has. */
        Value ip;
        int members;

        boolean is(byte k) {
            return kind == k;
        }

        boolean absentOrNull() {
            return kind == ABSENT || kind == NULL;
        }
    }

    /** One event (a single call's body, or one item of a batch) as found in the bytes. */
    static final class Event {
        final int start;
        int end;
        /** False for a batch item that is not a JSON object. */
        boolean object;
        /** Something the fast path does not handle exactly like the tree path (e.g. a huge exponent). */
        boolean irregular;
        /** Deepest value among the members that are not context or integrations. */
        int otherDepth;
        final Value[] fields = new Value[FIELDS];

        Event(int start) {
            this.start = start;
        }

        Value field(int id) {
            Value v = fields[id];
            return v != null ? v : ABSENT_VALUE;
        }

        int size() {
            return end - start;
        }
    }

    private static final Value ABSENT_VALUE = new Value();

    /** A batch body: the batch-level context, integrations and sentAt, and the items. */
    static final class Batch {
        final Value context = new Value();
        final Value integrations = new Value();
        final Value sentAt = new Value();
        final List<Event> items = new ArrayList<>();
    }

    /** Not plain strict JSON as far as the scanner can tell: let the tree reader decide. */
    private static final class NotScannable extends Exception {
        private static final long serialVersionUID = 1L;

        NotScannable() {
            super(null, null, false, false);
        }
    }

    private static final NotScannable NOT_SCANNABLE = new NotScannable();

    private final byte[] b;
    private final int end;
    private final int maxNesting;
    private int pos;
    /** Incremented whenever whitespace is skipped, so a value knows whether it had any. */
    private int spaces;
    /** Incremented for every number the fast path would not copy exactly as the tree path writes it. */
    private int irregularNumbers;
    private int stringFlags;
    /** Start and length of every key of the objects being read, for duplicate detection. */
    private int[] keys = new int[64];
    private int keyCount;

    private SegmentScanner(byte[] body, int maxNesting) {
        this.b = body;
        this.end = body.length;
        this.maxNesting = maxNesting;
    }

    /**
     * A single call's body; null when it is not a plain JSON object nested at most {@code maxNesting}
     * levels (the tree reader's own limit for single calls).
     */
    static Event scanEvent(byte[] body, int maxNesting) {
        SegmentScanner s = new SegmentScanner(body, maxNesting);
        try {
            s.skipSpace();
            if (s.peek() != '{') {
                return null;
            }
            Event e = s.event(1);
            s.skipSpace();
            return s.pos == s.end ? e : null;
        } catch (NotScannable | RuntimeException e) {
            return null;
        }
    }

    /**
     * A batch body; null unless it is a plain JSON object with a non-empty {@code batch} array,
     * nested at most {@code maxNesting} levels (the tree reader's limit for batch bodies).
     */
    static Batch scanBatch(byte[] body, int maxNesting) {
        SegmentScanner s = new SegmentScanner(body, maxNesting);
        try {
            return s.batch();
        } catch (NotScannable | RuntimeException e) {
            return null;
        }
    }

    private Batch batch() throws NotScannable {
        skipSpace();
        if (peek() != '{') {
            return null;
        }
        pos++;
        Batch batch = new Batch();
        boolean items = false;
        int frame = keyCount;
        skipSpace();
        if (peek() == '}') {
            return null;
        }
        while (true) {
            int keyStart = key(frame);
            int keyLength = pos - 1 - keyStart;
            colon();
            if (equals(keyStart, keyLength, BATCH)) {
                if (peek() != '[') {
                    return null;
                }
                items(batch);
                items = true;
            } else if (equals(keyStart, keyLength, FIELD_BYTES[CONTEXT])) {
                read(batch.context, 1, true);
            } else if (equals(keyStart, keyLength, FIELD_BYTES[INTEGRATIONS])) {
                read(batch.integrations, 1, false);
            } else if (equals(keyStart, keyLength, FIELD_BYTES[SENT_AT])) {
                read(batch.sentAt, 1, false);
            } else {
                value(1);
            }
            skipSpace();
            byte c = peek();
            pos++;
            if (c == '}') {
                break;
            }
            if (c != ',') {
                throw NOT_SCANNABLE;
            }
            skipSpace();
        }
        keyCount = frame;
        skipSpace();
        if (pos != end || !items) {
            return null;
        }
        return batch;
    }

    private void items(Batch batch) throws NotScannable {
        pos++; // [
        checkNesting(2);
        skipSpace();
        if (peek() == ']') {
            throw NOT_SCANNABLE; // an empty batch is the tree reader's 400
        }
        while (true) {
            int start = pos;
            if (peek() == '{') {
                batch.items.add(event(3));
            } else {
                value(2);
                Event notAnObject = new Event(start);
                notAnObject.end = pos;
                batch.items.add(notAnObject);
            }
            skipSpace();
            byte c = peek();
            pos++;
            if (c == ']') {
                return;
            }
            if (c != ',') {
                throw NOT_SCANNABLE;
            }
            skipSpace();
        }
    }

    /** An event object at {@code nesting} (1 for a single call's body, 3 for a batch item). */
    private Event event(int nesting) throws NotScannable {
        Event e = new Event(pos);
        e.object = true;
        int numbersBefore = irregularNumbers;
        checkNesting(nesting);
        pos++; // {
        int frame = keyCount;
        skipSpace();
        if (peek() == '}') {
            pos++;
        } else {
            while (true) {
                int keyStart = key(frame);
                int field = field(keyStart, pos - 1 - keyStart);
                colon();
                if (field >= 0) {
                    Value v = new Value();
                    read(v, nesting, field == CONTEXT);
                    e.fields[field] = v;
                    if (field != CONTEXT && field != INTEGRATIONS) {
                        e.otherDepth = Math.max(e.otherDepth, v.depth);
                    }
                } else {
                    e.otherDepth = Math.max(e.otherDepth, value(nesting));
                }
                skipSpace();
                byte c = peek();
                pos++;
                if (c == '}') {
                    break;
                }
                if (c != ',') {
                    throw NOT_SCANNABLE;
                }
                skipSpace();
            }
        }
        keyCount = frame;
        e.end = pos;
        e.irregular = irregularNumbers != numbersBefore;
        return e;
    }

    /** Reads the value at {@code pos} (a member of an object at {@code nesting}) into {@code v}. */
    private void read(Value v, int nesting, boolean findIp) throws NotScannable {
        v.start = pos;
        int spacesBefore = spaces;
        int numbersBefore = irregularNumbers;
        byte c = peek();
        if (c == '"') {
            v.kind = STRING;
            string();
            v.flags = stringFlags;
        } else if (c == '{') {
            v.kind = OBJECT;
            v.depth = findIp ? contextObject(nesting + 1, v) : object(nesting + 1);
            v.flags = spaces != spacesBefore ? SPACED : 0;
        } else if (c == 'n') {
            v.kind = NULL;
            literal(NULL_LITERAL);
        } else {
            v.kind = OTHER;
            v.depth = value(nesting);
        }
        v.end = pos;
        v.irregular = irregularNumbers != numbersBefore;
    }

    /** The text of a string value, escapes and UTF-8 decoded as Jackson decodes them. */
    static String text(byte[] b, Value v) {
        int from = v.start + 1;
        int to = v.end - 1;
        if ((v.flags & ENCODED) == 0) {
            return new String(b, from, to - from, StandardCharsets.ISO_8859_1);
        }
        StringBuilder out = new StringBuilder(to - from);
        int i = from;
        while (i < to) {
            int c = b[i];
            if (c == '\\') {
                char e = (char) b[i + 1];
                switch (e) {
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'u' -> {
                        out.append((char) Integer.parseInt(new String(b, i + 2, 4, StandardCharsets.US_ASCII), 16));
                        i += 4;
                    }
                    default -> out.append(e); // " \ /
                }
                i += 2;
            } else if (c < 0) {
                int run = i;
                while (run < to && b[run] < 0) {
                    run++;
                }
                out.append(new String(b, i, run - i, StandardCharsets.UTF_8));
                i = run;
            } else {
                out.append((char) c);
                i++;
            }
        }
        return out.toString();
    }

    /** Any value; returns its depth (0 for scalars, 1 + the deepest member for containers). */
    private int value(int nesting) throws NotScannable {
        switch (peek()) {
            case '{':
                return object(nesting + 1);
            case '[':
                return array(nesting + 1);
            case '"':
                string();
                return 0;
            case 't':
                literal(TRUE);
                return 0;
            case 'f':
                literal(FALSE);
                return 0;
            case 'n':
                literal(NULL_LITERAL);
                return 0;
            default:
                number();
                return 0;
        }
    }

    private int object(int nesting) throws NotScannable {
        checkNesting(nesting);
        pos++; // {
        int frame = keyCount;
        int deepest = 0;
        skipSpace();
        if (peek() == '}') {
            pos++;
            return 1;
        }
        while (true) {
            key(frame);
            colon();
            deepest = Math.max(deepest, value(nesting));
            skipSpace();
            byte c = peek();
            pos++;
            if (c == '}') {
                break;
            }
            if (c != ',') {
                throw NOT_SCANNABLE;
            }
            skipSpace();
        }
        keyCount = frame;
        return deepest + 1;
    }

    /** A context object: like {@link #object}, and notes its top-level {@code ip} member. */
    private int contextObject(int nesting, Value context) throws NotScannable {
        checkNesting(nesting);
        pos++; // {
        int frame = keyCount;
        int deepest = 0;
        skipSpace();
        if (peek() == '}') {
            pos++;
            return 1;
        }
        while (true) {
            int keyStart = key(frame);
            int keyLength = pos - 1 - keyStart;
            colon();
            context.members++;
            if (equals(keyStart, keyLength, IP)) {
                Value ip = new Value();
                read(ip, nesting, false);
                context.ip = ip;
                deepest = Math.max(deepest, ip.depth);
            } else {
                deepest = Math.max(deepest, value(nesting));
            }
            skipSpace();
            byte c = peek();
            pos++;
            if (c == '}') {
                break;
            }
            if (c != ',') {
                throw NOT_SCANNABLE;
            }
            skipSpace();
        }
        keyCount = frame;
        return deepest + 1;
    }

    private int array(int nesting) throws NotScannable {
        checkNesting(nesting);
        pos++; // [
        int deepest = 0;
        skipSpace();
        if (peek() == ']') {
            pos++;
            return 1;
        }
        while (true) {
            deepest = Math.max(deepest, value(nesting));
            skipSpace();
            byte c = peek();
            pos++;
            if (c == ']') {
                return deepest + 1;
            }
            if (c != ',') {
                throw NOT_SCANNABLE;
            }
            skipSpace();
        }
    }

    private void checkNesting(int nesting) throws NotScannable {
        if (nesting > maxNesting) {
            throw NOT_SCANNABLE;
        }
    }

    /**
     * A key of the object whose keys start at {@code frame}; returns where its characters start (its
     * closing quote is at {@code pos - 1}). Escaped keys and duplicates are left to the tree reader.
     */
    private int key(int frame) throws NotScannable {
        if (peek() != '"') {
            throw NOT_SCANNABLE;
        }
        int start = pos + 1;
        string();
        int length = pos - 1 - start;
        if (stringFlags != 0 && (stringFlags & ENCODED) != 0 && hasEscape(start, length)) {
            throw NOT_SCANNABLE;
        }
        if (length > MAX_KEY_LENGTH || (keyCount - frame) / 2 >= MAX_KEYS_PER_OBJECT) {
            throw NOT_SCANNABLE;
        }
        for (int i = frame; i < keyCount; i += 2) {
            if (keys[i + 1] == length && equalBytes(keys[i], start, length)) {
                throw NOT_SCANNABLE; // a duplicate: the tree reader reports it
            }
        }
        if (keyCount + 2 > keys.length) {
            keys = java.util.Arrays.copyOf(keys, keys.length * 2);
        }
        keys[keyCount++] = start;
        keys[keyCount++] = length;
        return start;
    }

    private boolean hasEscape(int start, int length) {
        for (int i = start; i < start + length; i++) {
            if (b[i] == '\\') {
                return true;
            }
        }
        return false;
    }

    private void colon() throws NotScannable {
        skipSpace();
        if (peek() != ':') {
            throw NOT_SCANNABLE;
        }
        pos++;
        skipSpace();
    }

    /** Bytes that stand for themselves inside a string: not a quote, a backslash, a control or non-ASCII byte. */
    private static final boolean[] PLAIN = new boolean[256];

    static {
        for (int c = 0x20; c < 0x80; c++) {
            PLAIN[c] = c != '"' && c != '\\';
        }
    }

    /** A string at {@code pos} (its opening quote); leaves {@code pos} after the closing quote. */
    private void string() throws NotScannable {
        int p = pos + 1;
        int flags = 0;
        byte[] bytes = b;
        while (true) {
            // plain characters: one table lookup each
            while (p < end && PLAIN[bytes[p] & 0xFF]) {
                p++;
            }
            if (p >= end) {
                throw NOT_SCANNABLE;
            }
            int c = bytes[p];
            if (c == '"') {
                break;
            }
            if (c == '\\') {
                flags |= ENCODED;
                p = escape(p + 1);
            } else if (c < 0) {
                flags |= ENCODED;
                p = utf8(p);
            } else {
                throw NOT_SCANNABLE; // a raw control character
            }
        }
        stringFlags = flags;
        pos = p + 1;
    }

    private int escape(int p) throws NotScannable {
        if (p >= end) {
            throw NOT_SCANNABLE;
        }
        switch (b[p]) {
            case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
                return p + 1;
            case 'u':
                if (p + 4 >= end) {
                    throw NOT_SCANNABLE;
                }
                for (int i = p + 1; i <= p + 4; i++) {
                    if (Character.digit(b[i], 16) < 0) {
                        throw NOT_SCANNABLE;
                    }
                }
                return p + 5;
            default:
                throw NOT_SCANNABLE;
        }
    }

    /** One UTF-8 sequence starting at {@code p}, checked strictly (no overlongs, no surrogates). */
    private int utf8(int p) throws NotScannable {
        int c = b[p] & 0xFF;
        int need;
        int min = 0x80;
        int max = 0xBF;
        if (c >= 0xC2 && c <= 0xDF) {
            need = 1;
        } else if (c >= 0xE0 && c <= 0xEF) {
            need = 2;
            if (c == 0xE0) {
                min = 0xA0;
            } else if (c == 0xED) {
                max = 0x9F;
            }
        } else if (c >= 0xF0 && c <= 0xF4) {
            need = 3;
            if (c == 0xF0) {
                min = 0x90;
            } else if (c == 0xF4) {
                max = 0x8F;
            }
        } else {
            throw NOT_SCANNABLE;
        }
        if (p + need >= end) {
            throw NOT_SCANNABLE;
        }
        int second = b[p + 1] & 0xFF;
        if (second < min || second > max) {
            throw NOT_SCANNABLE;
        }
        for (int i = p + 2; i <= p + need; i++) {
            if ((b[i] & 0xC0) != 0x80) {
                throw NOT_SCANNABLE;
            }
        }
        return p + need + 1;
    }

    private void number() throws NotScannable {
        int p = pos;
        if (p < end && b[p] == '-') {
            p++;
        }
        if (p >= end) {
            throw NOT_SCANNABLE;
        }
        if (b[p] == '0') {
            p++;
        } else if (b[p] >= '1' && b[p] <= '9') {
            p = digits(p);
        } else {
            throw NOT_SCANNABLE;
        }
        if (p < end && b[p] == '.') {
            int q = digits(p + 1);
            if (q == p + 1) {
                throw NOT_SCANNABLE;
            }
            p = q;
        }
        if (p < end && (b[p] == 'e' || b[p] == 'E')) {
            p++;
            if (p < end && (b[p] == '+' || b[p] == '-')) {
                p++;
            }
            int q = digits(p);
            if (q == p) {
                throw NOT_SCANNABLE;
            }
            if (q - p > 2) {
                // beyond double's range the tree path writes "Infinity" or 0.0: let it decide
                irregularNumbers++;
            }
            p = q;
        }
        if (p - pos > MAX_NUMBER_LENGTH) {
            throw NOT_SCANNABLE;
        }
        pos = p;
    }

    private int digits(int p) {
        while (p < end && b[p] >= '0' && b[p] <= '9') {
            p++;
        }
        return p;
    }

    private void literal(byte[] word) throws NotScannable {
        if (pos + word.length > end) {
            throw NOT_SCANNABLE;
        }
        for (int i = 0; i < word.length; i++) {
            if (b[pos + i] != word[i]) {
                throw NOT_SCANNABLE;
            }
        }
        pos += word.length;
    }

    private void skipSpace() {
        int p = pos;
        while (p < end) {
            byte c = b[p];
            if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
                p++;
            } else {
                break;
            }
        }
        if (p != pos) {
            spaces++;
            pos = p;
        }
    }

    private byte peek() throws NotScannable {
        if (pos >= end) {
            throw NOT_SCANNABLE;
        }
        return b[pos];
    }

    /** Which known field a key is: by length and first letter, then compared. */
    private int field(int start, int length) {
        if (length < 4 || length > 17) {
            return -1;
        }
        int[] candidates = BY_LENGTH_AND_LETTER[length][b[start] & 0x7F];
        if (candidates == null) {
            return -1;
        }
        for (int id : candidates) {
            if (equals(start, length, FIELD_BYTES[id])) {
                return id;
            }
        }
        return -1;
    }

    private static final int[][][] BY_LENGTH_AND_LETTER = new int[18][128][];

    static {
        for (int i = 0; i < FIELDS; i++) {
            byte[] name = FIELD_BYTES[i];
            int[] existing = BY_LENGTH_AND_LETTER[name.length][name[0]];
            int[] list = existing == null ? new int[1] : java.util.Arrays.copyOf(existing, existing.length + 1);
            list[list.length - 1] = i;
            BY_LENGTH_AND_LETTER[name.length][name[0]] = list;
        }
    }

    private boolean equals(int start, int length, byte[] word) {
        if (length != word.length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (b[start + i] != word[i]) {
                return false;
            }
        }
        return true;
    }

    private boolean equalBytes(int a, int c, int length) {
        for (int i = 0; i < length; i++) {
            if (b[a + i] != b[c + i]) {
                return false;
            }
        }
        return true;
    }
}
