package io.touchpoint.ingest.service;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.touchpoint.ingest.service.SegmentFields.Field;

/**
 * Reads request bodies with Jackson's streaming parser, in one pass: a Segment call or batch into
 * {@link SegmentFields} (scalars as text, objects as their byte range, sizes and depths measured by
 * offsets), a webhook into a tree. Jackson alone decides what is JSON: strict syntax, UTF-8, a key
 * given twice (refused: which userId would it be?), the nesting limit. It only reads; every rule
 * about what the fields mean is {@link TouchpointNormaliser}'s.
 */
public final class SegmentReader {

    private static final String EMPTY_BODY = "the request body is empty; send one JSON object";
    private static final JsonFactory SCANNER = new JsonFactory();

    private final JsonFactory calls;
    // a batch is read with room for items deeper than allowed, so each one is refused by its index
    private final JsonFactory batches;
    private final ObjectMapper trees;
    private final int batchNestingLimit;

    public SegmentReader(int maxNestingDepth) {
        this.batchNestingLimit = 2 * maxNestingDepth + 2;
        this.calls = factory(maxNestingDepth);
        this.batches = factory(batchNestingLimit);
        this.trees = JsonMapper.builder(factory(maxNestingDepth).rebuild()
                        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build())
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
    }

    private static JsonFactory factory(int maxNestingDepth) {
        return JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(maxNestingDepth).build())
                .build();
    }

    /** A batch body: its own fields (the defaults of {@code context}, {@code integrations}, {@code sentAt}) and its items. */
    public record Batch(SegmentFields defaults, JsonToken batchKind, List<SegmentFields> items) {
    }

    /** The body of a single call, which must be one JSON object. */
    public SegmentFields readCall(byte[] body) {
        if (body.length == 0) {
            throw new EventRejectedException(RejectionReason.INVALID_JSON, EMPTY_BODY);
        }
        try (JsonParser p = calls.createParser(body)) {
            Keys k = new Keys(p);
            JsonToken first = k.next();
            if (first != JsonToken.START_OBJECT) {
                throw notAnObject(p, first);
            }
            SegmentFields call = new SegmentFields(body);
            readObject(k, call);
            requireEnd(p);
            return call;
        } catch (IOException e) {
            throw unreadable(e);
        }
    }

    /** The body of {@code /v1/batch} or {@code /v1/import}: one JSON object with a {@code batch} array. */
    public Batch readBatch(byte[] body) {
        if (body.length == 0) {
            throw new EventRejectedException(RejectionReason.INVALID_JSON, EMPTY_BODY);
        }
        try (JsonParser p = batches.createParser(body)) {
            Keys k = new Keys(p);
            JsonToken first = k.next();
            if (first != JsonToken.START_OBJECT) {
                throw first == null ? new EventRejectedException(RejectionReason.INVALID_JSON, EMPTY_BODY)
                        : new EventRejectedException(RejectionReason.INVALID_JSON,
                                "the body must be a JSON object; send one JSON object");
            }
            SegmentFields defaults = new SegmentFields(body);
            JsonToken batchKind = null;
            List<SegmentFields> items = List.of();
            while (k.next() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = k.next();
                if ("batch".equals(name)) {
                    batchKind = value;
                    if (value == JsonToken.START_ARRAY) {
                        items = new ArrayList<>();
                        JsonToken t;
                        while ((t = k.next()) != JsonToken.END_ARRAY) {
                            SegmentFields item = new SegmentFields(body);
                            if (t == JsonToken.START_OBJECT) {
                                readObject(k, item);
                            } else {
                                readOther(k, item, t);
                            }
                            items.add(item);
                        }
                    } else {
                        skip(k, value);
                    }
                } else {
                    member(k, defaults, name, value);
                }
            }
            requireEnd(p);
            return new Batch(defaults, batchKind, items);
        } catch (IOException e) {
            throw unreadable(e);
        }
    }

    /** A webhook body (one JSON object) as a tree, for its mapping. */
    public ObjectNode readTree(byte[] body) {
        if (body.length == 0) {
            throw new EventRejectedException(RejectionReason.INVALID_JSON, EMPTY_BODY);
        }
        JsonNode tree;
        try {
            tree = trees.readTree(body);
        } catch (IOException e) {
            throw unreadable(e);
        }
        if (tree == null || tree.isMissingNode()) {
            throw new EventRejectedException(RejectionReason.INVALID_JSON, EMPTY_BODY);
        }
        if (!(tree instanceof ObjectNode object)) {
            throw new EventRejectedException(RejectionReason.INVALID_JSON, "the body must be a JSON object, not "
                    + tree.getNodeType().name().toLowerCase() + "; send one JSON object");
        }
        return object;
    }

    /** Reads the object at the parser's START_OBJECT into {@code into}, up to and including its END_OBJECT. */
    private static void readObject(Keys k, SegmentFields into) throws IOException {
        JsonParser p = k.parser;
        into.kind = JsonToken.START_OBJECT;
        into.start = offset(p.currentTokenLocation());
        while (k.next() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            member(k, into, name, k.next());
        }
        into.end = offset(p.currentLocation());
        into.depth = into.currentDepth();
    }

    /** A batch item that is not an object: only its kind and extent matter (it is refused). */
    private static void readOther(Keys k, SegmentFields into, JsonToken t) throws IOException {
        JsonParser p = k.parser;
        into.kind = t;
        into.start = offset(p.currentTokenLocation());
        if (t.isStructStart()) {
            into.depth = skip(k, t);
        } else {
            p.finishToken();
        }
        into.end = offset(p.currentLocation());
    }

    /** One member of an object, its value at the current token. */
    private static void member(Keys k, SegmentFields into, String name, JsonToken value) throws IOException {
        JsonParser p = k.parser;
        Field field = Field.of(name);
        if (field == null) {
            into.otherDepth = Math.max(into.otherDepth, skip(k, value));
        } else if (value == JsonToken.START_OBJECT) {
            int start = offset(p.currentTokenLocation());
            ObjectScan scan = scanObject(k, field == Field.CONTEXT);
            into.container(field, value, new JsonPart.Sent(into.body, start, offset(p.currentLocation()),
                    scan.members == 0, scan.hasIp, scan.ip), scan.depth);
        } else if (value == JsonToken.START_ARRAY) {
            into.container(field, value, null, skip(k, value));
        } else {
            into.scalar(field, value, text(p, value));
        }
    }

    /**
     * The parser's tokens, refusing a key given twice in one object: which userId would it be? What
     * Jackson's {@code STRICT_DUPLICATE_DETECTION} refuses, without a hash set for every object of
     * every event (names are compared as decoded, so {@code "a"} and {@code "\\u0061"} are one key).
     */
    private static final class Keys {
        private static final int SMALL = 16;
        final JsonParser parser;
        private String[][] names = new String[8][];
        private int[] counts = new int[8];
        private java.util.Set<String>[] large = newSets(8);

        Keys(JsonParser parser) {
            this.parser = parser;
        }

        JsonToken next() throws IOException {
            JsonToken t = parser.nextToken();
            if (t == JsonToken.START_OBJECT) {
                int depth = parser.getParsingContext().getNestingDepth();
                if (depth >= counts.length) {
                    grow(depth);
                }
                counts[depth] = 0;
                large[depth] = null;
            } else if (t == JsonToken.FIELD_NAME) {
                add(parser.getParsingContext().getNestingDepth(), parser.currentName());
            }
            return t;
        }

        private void add(int depth, String name) throws IOException {
            int n = counts[depth];
            if (n < SMALL) {
                String[] seen = names[depth];
                if (seen == null) {
                    seen = names[depth] = new String[SMALL];
                }
                int hash = name.hashCode();
                for (int i = 0; i < n; i++) {
                    // Jackson hands out one String per distinct name, so == settles most; the hash, cached, the rest
                    if (seen[i] == name || seen[i].hashCode() == hash && seen[i].equals(name)) {
                        throw duplicate(name);
                    }
                }
                seen[n] = name;
            } else {
                if (large[depth] == null) {
                    large[depth] = new java.util.HashSet<>(java.util.Arrays.asList(names[depth]));
                }
                if (!large[depth].add(name)) {
                    throw duplicate(name);
                }
            }
            counts[depth] = n + 1;
        }

        private JsonProcessingException duplicate(String name) {
            return new com.fasterxml.jackson.core.JsonParseException(parser, "Duplicate field '" + name + "'");
        }

        private void grow(int depth) {
            int size = Math.max(depth + 1, counts.length * 2);
            names = java.util.Arrays.copyOf(names, size);
            counts = java.util.Arrays.copyOf(counts, size);
            large = java.util.Arrays.copyOf(large, size);
        }

        @SuppressWarnings("unchecked")
        private static java.util.Set<String>[] newSets(int n) {
            return new java.util.Set[n];
        }
    }

    /** What the rules need of an object besides its bytes: its depth, whether it is empty, its {@code ip}. */
    private static final class ObjectScan {
        int depth;
        int members;
        boolean hasIp;
        String ip;
    }

    /** Reads through the object at START_OBJECT; with {@code ip}, notes its top-level member {@code ip}. */
    private static ObjectScan scanObject(Keys k, boolean ip) throws IOException {
        JsonParser p = k.parser;
        ObjectScan scan = new ObjectScan();
        int open = 1;
        int deepest = 1;
        while (open > 0) {
            JsonToken t = k.next();
            if (t == JsonToken.FIELD_NAME) {
                if (open == 1) {
                    scan.members++;
                    if (ip && "ip".equals(p.currentName())) {
                        JsonToken v = k.next();
                        scan.hasIp = true;
                        if (v.isStructStart()) {
                            scan.ip = ""; // as JsonNode.asText() gives a container
                            deepest = Math.max(deepest, 1 + skip(k, v));
                        } else {
                            scan.ip = v == JsonToken.VALUE_NULL ? null : text(p, v);
                        }
                    }
                }
            } else if (t.isStructStart()) {
                deepest = Math.max(deepest, ++open);
            } else if (t.isStructEnd()) {
                open--;
            }
        }
        scan.depth = deepest;
        return scan;
    }

    /** Skips the value at the current token; returns its depth (0 for a scalar). */
    private static int skip(Keys k, JsonToken value) throws IOException {
        if (!value.isStructStart()) {
            return 0;
        }
        int open = 1;
        int deepest = 1;
        while (open > 0) {
            JsonToken t = k.next();
            if (t.isStructStart()) {
                deepest = Math.max(deepest, ++open);
            } else if (t.isStructEnd()) {
                open--;
            }
        }
        return deepest;
    }

    /**
     * A scalar's text as Jackson's tree would give it ({@link JsonNode#asText()}): a string as is, a
     * number as its node prints it ({@code 1e2} is {@code 100.0}), a boolean as {@code true}/{@code false};
     * null for JSON null.
     */
    private static String text(JsonParser p, JsonToken value) throws IOException {
        return switch (value) {
            case VALUE_STRING -> p.getText();
            case VALUE_NULL -> null;
            case VALUE_NUMBER_INT -> p.getNumberValue().toString();
            case VALUE_NUMBER_FLOAT -> String.valueOf(p.getDoubleValue());
            default -> p.getText();
        };
    }

    private static int offset(JsonLocation at) {
        return (int) at.getByteOffset();
    }

    private static void requireEnd(JsonParser p) throws IOException {
        if (p.nextToken() != null) {
            throw new EventRejectedException(RejectionReason.INVALID_JSON,
                    "trailing content after the JSON object; send exactly one JSON object");
        }
    }

    private static EventRejectedException notAnObject(JsonParser p, JsonToken first) {
        if (first == null) {
            return new EventRejectedException(RejectionReason.INVALID_JSON, EMPTY_BODY);
        }
        String kind = switch (first) {
            case START_ARRAY -> "array";
            case VALUE_STRING -> "string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number";
            case VALUE_TRUE, VALUE_FALSE -> "boolean";
            case VALUE_NULL -> "null";
            default -> "object";
        };
        return new EventRejectedException(RejectionReason.INVALID_JSON,
                "the body must be a JSON object, not " + kind + "; send one JSON object");
    }

    /** Why a body could not be read: too deep, malformed (with where), or unreadable. */
    private static EventRejectedException unreadable(IOException e) {
        if (e instanceof StreamConstraintsException deep) {
            return new EventRejectedException(RejectionReason.TOO_DEEP, "the event is nested too deeply: "
                    + deep.getOriginalMessage());
        }
        if (e instanceof JsonProcessingException malformed) {
            String message = malformed.getOriginalMessage() != null ? malformed.getOriginalMessage() : "malformed JSON";
            JsonLocation at = malformed.getLocation();
            if (at != null && at.getLineNr() > 0) {
                message += " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            }
            return new EventRejectedException(RejectionReason.INVALID_JSON, message);
        }
        return new EventRejectedException(RejectionReason.INVALID_JSON,
                "the body could not be read as JSON; send one JSON object in UTF-8");
    }

    /**
     * The top-level {@code writeKey} of a body, found by a streaming scan that stops as soon as it is
     * seen, so it works on bodies that are too large or broken further on.
     */
    public static Optional<String> writeKeyIn(byte[] body) {
        try (JsonParser p = SCANNER.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return Optional.empty();
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if ("writeKey".equals(name) && value == JsonToken.VALUE_STRING) {
                    return Optional.of(p.getText());
                }
                p.skipChildren();
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
