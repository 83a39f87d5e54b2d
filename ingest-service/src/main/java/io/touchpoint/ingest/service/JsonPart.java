package io.touchpoint.ingest.service;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A JSON object of a touchpoint ({@code properties}, {@code traits}, {@code context},
 * {@code integrations}): either the bytes the client sent, which Jackson has already read and
 * checked, or a tree (what a merge or a rule changed, and webhook mappings). Bytes are copied into
 * the record as they were sent, so an object is neither built as a tree nor written again unless a
 * rule changes it.
 */
public abstract sealed class JsonPart permits JsonPart.Sent, JsonPart.WithIp, JsonPart.Tree {

    private static final ObjectMapper TREES = new ObjectMapper();

    /** A tree, as built by a mapping or a merge. */
    public static JsonPart of(ObjectNode tree) {
        return new Tree(tree);
    }

    /** The object as a tree: for a merge or a change. Parsing sent bytes yields a new, private tree. */
    public abstract ObjectNode tree();

    /**
     * The member {@code ip} as Jackson's {@link JsonNode#asText()} gives it (a container's is "");
     * null when there is no such member or it is null.
     */
    abstract String ipText();

    /** This object with its member {@code ip} set to {@code ip}. */
    abstract JsonPart withIp(Ip ip);

    /**
     * A value for {@code context.ip} (null: JSON null) with its JSON text, encoded once per request
     * and address rather than once per event of a batch.
     */
    static final class Ip {
        final String text;
        private final SerializableString json;

        Ip(String text) {
            this.text = text;
            this.json = new SerializedString(text == null ? "null"
                    : '"' + new String(JsonStringEncoder.getInstance().quoteAsString(text)) + '"');
        }
    }

    /**
     * Writes the object where the generator stands (its caller wrote the field name); bytes as sent
     * go straight to {@code out}, the stream the generator writes to, after flushing it.
     */
    public abstract void write(JsonGenerator g, OutputStream out) throws IOException;

    /** Parses bytes Jackson has already read once. */
    static ObjectNode parse(byte[] bytes, int from, int length) {
        try {
            return (ObjectNode) TREES.readTree(bytes, from, length);
        } catch (IOException e) {
            throw new UncheckedIOException("bytes Jackson has read once could not be read again", e);
        }
    }

    /** The object's bytes as the client sent them (already read by Jackson: valid, no duplicate keys). */
    static final class Sent extends JsonPart {
        private final byte[] body;
        private final int start;
        private final int end;
        private final boolean empty;
        private final String ip;
        private final boolean hasIp;

        /**
         * @param hasIp the object has a member {@code ip}; {@code ip} its text as {@link JsonPart#ipText} says
         */
        Sent(byte[] body, int start, int end, boolean empty, boolean hasIp, String ip) {
            this.body = body;
            this.start = start;
            this.end = end;
            this.empty = empty;
            this.hasIp = hasIp;
            this.ip = ip;
        }

        @Override
        public ObjectNode tree() {
            return parse(body, start, end - start);
        }

        @Override
        String ipText() {
            return ip;
        }

        @Override
        JsonPart withIp(Ip newIp) {
            if (hasIp) {
                ObjectNode changed = tree();
                changed.put("ip", newIp.text);
                return new Tree(changed);
            }
            // no ip member yet: the bytes as sent, the member appended before the closing brace
            return new WithIp(empty ? new Sent(body, start, start + 1, true, false, null)
                    : new Sent(body, start, end - 1, false, false, null), empty, newIp);
        }

        @Override
        public void write(JsonGenerator g, OutputStream out) throws IOException {
            g.flush();
            out.write(body, start, end - start);
        }

        /** The bytes up to {@code end} and a closing brace: what {@link WithIp} parses. */
        ObjectNode treeClosed() {
            byte[] closed = Arrays.copyOfRange(body, start, end + 1);
            closed[closed.length - 1] = '}';
            return parse(closed, 0, closed.length);
        }
    }

    /** An object as sent, without its closing brace, then an {@code ip} member it did not have. */
    static final class WithIp extends JsonPart {
        private static final SerializableString IP_MEMBER = new SerializedString(",\"ip\":");
        private static final SerializableString FIRST_IP_MEMBER = new SerializedString("\"ip\":");
        private final Sent head;
        private final boolean first;
        private final Ip ip;

        WithIp(Sent head, boolean first, Ip ip) {
            this.head = head;
            this.first = first;
            this.ip = ip;
        }

        @Override
        public ObjectNode tree() {
            ObjectNode tree = head.treeClosed();
            tree.put("ip", ip.text);
            return tree;
        }

        @Override
        String ipText() {
            return ip.text;
        }

        @Override
        JsonPart withIp(Ip newIp) {
            return new WithIp(head, first, newIp);
        }

        @Override
        public void write(JsonGenerator g, OutputStream out) throws IOException {
            head.write(g, out);
            g.writeRaw(first ? FIRST_IP_MEMBER : IP_MEMBER);
            g.writeRaw(ip.json);
            g.writeRaw('}');
        }
    }

    /** A tree. */
    static final class Tree extends JsonPart {
        private final ObjectNode tree;

        Tree(ObjectNode tree) {
            this.tree = tree;
        }

        @Override
        public ObjectNode tree() {
            return tree;
        }

        @Override
        String ipText() {
            JsonNode ip = tree.get("ip");
            return ip == null || ip.isNull() ? null : ip.asText();
        }

        @Override
        JsonPart withIp(Ip ip) {
            ObjectNode changed = tree.deepCopy();
            changed.put("ip", ip.text);
            return new Tree(changed);
        }

        @Override
        public void write(JsonGenerator g, OutputStream out) throws IOException {
            g.writeTree(tree);
        }
    }
}
