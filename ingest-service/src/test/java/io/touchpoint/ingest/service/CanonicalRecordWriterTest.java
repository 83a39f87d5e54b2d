package io.touchpoint.ingest.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.touchpoint.ingest.config.Channel;
import io.touchpoint.ingest.config.SourceRegistry.AuthenticatedSource;
import io.touchpoint.ingest.messaging.TouchpointJson;

/**
 * The byte path ({@link SegmentScanner} + {@link CanonicalRecordWriter}) against the tree path
 * ({@link TouchpointNormaliser}) on the same bodies: whenever the byte path writes a record, the tree
 * path accepts the event too and writes the same JSON value; whatever the byte path leaves to the
 * tree path is read as the same tree (batch defaults merged in). Hand-picked edge cases, then
 * thousands of generated bodies.
 */
class CanonicalRecordWriterTest {

    private static final AuthenticatedSource WEB = new AuthenticatedSource("dev-web", Channel.WEB, "Web");
    private static final AuthenticatedSource PRIVATE = new AuthenticatedSource("private", Channel.EMAIL, "P", true);
    private static final Instant NOW = Instant.parse("2026-11-23T10:00:01.500Z");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_EVENT_BYTES = 2048;
    private static final int DEPTH = 8;

    private final TouchpointNormaliser normaliser = new TouchpointNormaliser(DEPTH);
    private int written;
    private int leftToTree;

    @Test
    void handPickedSingleCallsAgreeWithTheTreePath() throws Exception {
        List<String> bodies = List.of(
                "{\"anonymousId\":\"a\",\"event\":\"e\"}",
                "{\"userId\":\"u\",\"event\":\"Order Completed\",\"messageId\":\"m-1\",\"properties\":{\"revenue\":12.50,"
                        + "\"n\":1e2,\"big\":123456789012345678901234567890,\"neg\":-0,\"list\":[1, 2 ,{\"a\" : null}]}}",
                " {\n  \"userId\" : \"u\" ,\n  \"event\" : \"spaced\",\n  \"context\" : { \"page\" : { \"url\" : \"/a b\" } } }\n",
                "{\"anonymousId\":\"caf\\u00e9 \\\"q\\\" \\/ \\n\",\"event\":\"\u00e9v\u00e9nement \ud83d\ude00\",\"properties\":{\"k\":\"\\ud83d\\ude00\"}}",
                "{\"anonymousId\":\"a\",\"event\":\"e\",\"context\":{\"ip\":\"198.51.100.1\"}}",
                "{\"anonymousId\":\"a\",\"event\":\"e\",\"context\":{\"ip\":\"\"}}",
                "{\"anonymousId\":\"a\",\"event\":\"e\",\"context\":{\"ip\":null}}",
                "{\"anonymousId\":\"a\",\"event\":\"e\",\"context\":{\"ip\":5}}",
                "{\"anonymousId\":\"a\",\"event\":\"e\",\"context\":{}}",
                "{\"anonymousId\":\"a\",\"event\":\"e\",\"context\":{ }}",
                "{\"anonymousId\":\"a\",\"event\":\"e\",\"context\":null,\"traits\":null}",
                "{\"anonymousId\":\"a\",\"event\":\"e\",\"timestamp\":\"2026-11-23T09:00:00Z\",\"sentAt\":\"2026-11-23T09:00:02.5+01:00\"}",
                "{\"anonymousId\":\"a\",\"event\":\"e\",\"originalTimestamp\":\"2026-11-23T09:00:00.123456Z\"}",
                "{\"anonymousId\":\"a\",\"event\":\"e\",\"timestamp\":null,\"originalTimestamp\":\"2026-11-23T09:00:00Z\"}",
                "{\"anonymousId\":\"a\",\"event\":\"e\",\"timestamp\":\"yesterday\"}",
                "{\"anonymousId\":\"a\",\"event\":\"e\",\"timestamp\":\"\"}",
                "{\"anonymousId\":\"a\",\"event\":\"e\",\"timestamp\":\"0001-01-01T00:00:00Z\",\"sentAt\":\"9999-12-31T23:59:59Z\"}",
                "{\"anonymousId\":\"  \",\"userId\":\"\",\"event\":\"e\"}",
                "{\"anonymousId\":\"a\",\"event\":\"   \"}",
                "{\"anonymousId\":\"a\",\"event\":\"\\t\"}",
                "{\"anonymousId\":\"a\",\"event\":\"\\u2003\"}",
                "{\"anonymousId\":\"a\",\"event\":\"e\",\"messageId\":\"   \"}",
                "{\"anonymousId\":\"a\",\"event\":\"e\",\"messageId\":\"" + "m".repeat(257) + "\"}",
                "{\"anonymousId\":\"a\",\"event\":\"e\",\"messageId\":\"" + "m".repeat(256) + "\"}",
                "{\"userId\":42,\"event\":\"e\"}",
                "{\"userId\":\"u\",\"event\":true}",
                "{\"userId\":\"u\",\"event\":\"e\",\"properties\":[]}",
                "{\"userId\":\"u\",\"event\":\"e\",\"properties\":\"p\"}",
                "{\"userId\":\"u\",\"event\":\"e\",\"type\":\"bogus\",\"writeKey\":\"k\"}",
                "{\"userId\":\"u\",\"event\":\"e\",\"type\":{}}",
                "{\"userId\":\"u\",\"event\":\"e\",\"userId\":\"v\"}",
                "{\"userId\":\"u\",\"event\":\"e\",\"properties\":{\"a\":1,\"a\":2}}",
                "{\"userId\":\"u\",\"event\":\"e\",\"properties\":{\"a\":1,\"\\u0061\":2}}",
                "{\"userId\":\"u\",\"event\":\"e\",\"properties\":{\"x\":1e400,\"y\":1e-400}}",
                "{\"userId\":\"u\",\"event\":\"e\",\"properties\":{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":{\"g\":1}}}}}}}}",
                "{\"userId\":\"u\",\"event\":\"e\",\"properties\":{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":{}}}}}}}}",
                "{\"userId\":\"u\",\"name\":\"Pricing\",\"groupId\":\"g\",\"previousId\":\"p\"}",
                "{\"userId\":\"u\",\"name\":\" \",\"groupId\":\" \",\"previousId\":\" \"}",
                "{\"anonymousId\":\"a\",\"previousId\":\"p\"}",
                "{\"userId\":\"u\",\"event\":\"e\"} x",
                "{\"userId\":\"u\",\"event\":\"e\",}",
                "\ufeff{\"userId\":\"u\",\"event\":\"e\"}",
                "[]", "", "{", "{\"userId\":\"u\",\"event\":\"\u0001\"}",
                "{\"userId\":\"u\",\"event\":\"e\",\"properties\":{\"v\":01}}",
                "{\"userId\":\"u\",\"event\":\"e\",\"properties\":{\"v\":NaN}}",
                "{\"userId\":\"u\",\"event\":\"e\",\"properties\":{\"v\":tru}}",
                "{\"userId\":\"u\",\"event\":\"e\",\"p\":\"" + "x".repeat(3000) + "\"}");
        for (String body : bodies) {
            for (CallType type : CallType.values()) {
                compareSingle(body.getBytes(StandardCharsets.UTF_8), type, WEB, "203.0.113.5");
                compareSingle(body.getBytes(StandardCharsets.UTF_8), type, WEB, null);
                compareSingle(body.getBytes(StandardCharsets.UTF_8), type, PRIVATE, "203.0.113.5");
            }
        }
        // invalid UTF-8 is never copied into a record
        compareSingle(new byte[] { '{', '"', 'u', 's', 'e', 'r', 'I', 'd', '"', ':', '"', (byte) 0xC3, '"', ',', '"', 'e',
            'v', 'e', 'n', 't', '"', ':', '"', 'e', '"', '}' }, CallType.TRACK, WEB, null);
        assertTrue(written > 30, "the byte path wrote records: " + written);
        assertTrue(leftToTree > 30, "and left others to the tree path: " + leftToTree);
    }

    @Test
    void aTypicalSdkEventIsWrittenByTheBytePathWithTheClientAddress() throws Exception {
        byte[] body = "{\"anonymousId\":\"a\",\"event\":\"Viewed\",\"context\":{\"page\":{\"url\":\"/p\"}}}"
                .getBytes(StandardCharsets.UTF_8);
        SegmentScanner.Event e = SegmentScanner.scanEvent(body, DEPTH);
        PreparedTouchpoint p = writer(body, null, WEB, "203.0.113.5").write(e, CallType.TRACK);
        assertNotNull(p);
        JsonNode record = JSON.readTree(p.value());
        assertEquals("/p", record.at("/context/page/url").asText());
        assertEquals("203.0.113.5", record.at("/context/ip").asText());
        assertEquals("a", p.key());
        // an IP to anonymise is the tree path's
        assertNull(writer(body, null, PRIVATE, "203.0.113.5").write(e, CallType.TRACK));
    }

    @Test
    void handPickedBatchesAgreeWithTheTreePath() throws Exception {
        String items = "{\"type\":\"track\",\"anonymousId\":\"a\",\"event\":\"e\"},"
                + "{\"type\":\"identify\",\"userId\":\"u\",\"context\":{\"library\":{\"version\":\"own\"}},\"integrations\":{\"X\":false}},"
                + "{\"type\":\"track\",\"userId\":\"u\",\"event\":\"e\",\"context\":null,\"sentAt\":null},"
                + "{\"type\":\"page\",\"userId\":\"u\",\"sentAt\":\"2026-11-23T09:59:00Z\",\"timestamp\":\"2026-11-23T09:58:00Z\"},"
                + "{\"type\":\"bogus\",\"userId\":\"u\"},{\"userId\":\"u\"},{\"type\":7,\"userId\":\"u\"},\"text\",[1],null,"
                + "{\"type\":\"track\",\"anonymousId\":\"a\",\"event\":\"e\",\"properties\":{\"p\":\"" + "x".repeat(2100) + "\"}},"
                + "{\"type\":\"track\",\"anonymousId\":\"a\",\"event\":\"e\",\"properties\":{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":{\"g\":{}}}}}}}}}";
        List<String> bodies = List.of(
                "{\"batch\":[" + items + "]}",
                "{\"batch\":[" + items + "],\"sentAt\":\"2026-11-23T10:00:00Z\"}",
                "{\"sentAt\":\"2026-11-23T10:00:00Z\",\"context\":{\"library\":{\"name\":\"analytics-java\"},\"ip\":\"198.51.100.9\"},"
                        + "\"integrations\":{\"All\":true},\"batch\":[" + items + "]}",
                "{\"context\":{\"library\":{\"name\":\"x\"}},\"batch\":[" + items + "]}",
                "{\"context\":null,\"integrations\":7,\"sentAt\":null,\"batch\":[" + items + "]}",
                "{\"sentAt\":12,\"batch\":[" + items + "]}",
                "{\"sentAt\":{},\"batch\":[" + items + "]}",
                "{\"context\":{\"n\":1e999},\"batch\":[" + items + "]}",
                "{\"context\":{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":{\"g\":1}}}}}}},\"batch\":[" + items + "]}",
                "{\"batch\":[]}", "{\"batch\":{}}", "{}", "{\"batch\":[{\"type\":\"track\"}],\"batch\":[]}",
                "{\"batch\":[" + items + "]} trailing",
                " {\n \"batch\" : [ " + items.replace(",", " ,\n ").replace(":", " : ") + " ] } ");
        for (String body : bodies) {
            compareBatch(body.getBytes(StandardCharsets.UTF_8), WEB, "203.0.113.5");
            compareBatch(body.getBytes(StandardCharsets.UTF_8), WEB, null);
            compareBatch(body.getBytes(StandardCharsets.UTF_8), PRIVATE, "203.0.113.5");
        }
    }

    @Test
    void generatedBodiesAgreeWithTheTreePath() throws Exception {
        Random random = new Random(20261123);
        for (int i = 0; i < 3000; i++) {
            String item = randomEvent(random, i % 2 == 0);
            compareSingle(item.getBytes(StandardCharsets.UTF_8), CallType.values()[random.nextInt(6)],
                    random.nextInt(8) == 0 ? PRIVATE : WEB, random.nextBoolean() ? "203.0.113.5" : null);
        }
        for (int i = 0; i < 600; i++) {
            StringBuilder body = new StringBuilder("{");
            if (random.nextBoolean()) {
                body.append("\"context\":").append(randomValue(random, 2, true)).append(',');
            }
            if (random.nextInt(3) == 0) {
                body.append("\"integrations\":").append(randomValue(random, 2, true)).append(',');
            }
            if (random.nextBoolean()) {
                body.append("\"sentAt\":").append(random.nextInt(6) == 0 ? "3" : "\"2026-11-23T10:00:00Z\"").append(',');
            }
            body.append("\"batch\":[");
            int n = 1 + random.nextInt(6);
            for (int k = 0; k < n; k++) {
                body.append(k > 0 ? "," : "").append(randomEvent(random, true));
            }
            body.append("]}");
            compareBatch(body.toString().getBytes(StandardCharsets.UTF_8), random.nextInt(8) == 0 ? PRIVATE : WEB,
                    "203.0.113.5");
        }
        assertTrue(written > 1000, "the byte path wrote records: " + written);
        assertTrue(leftToTree > 500, "and left others to the tree path: " + leftToTree);
    }

    private static final String[] TEXTS = { "\"u-1\"", "\"\"", "\"  \"", "\"caf\u00e9\"", "\"a\\\"b\\\\c\\u0041\"", "null",
        "12", "true", "\"Order Completed\"", "\"\ud83d\ude00\"" };
    private static final String[] TIMES = { "\"2026-11-23T09:00:00.000Z\"", "\"2026-11-23T09:00:00+02:00\"", "\"nope\"",
        "null", "\"2026-11-23T09:00:00.1234567Z\"", "5" };
    private static final String[] FIELDS = { "type", "writeKey", "userId", "anonymousId", "event", "name", "groupId",
        "previousId", "properties", "context", "traits", "timestamp", "originalTimestamp", "sentAt", "messageId",
        "integrations", "other" };

    private static String randomEvent(Random random, boolean typed) {
        StringBuilder b = new StringBuilder("{");
        List<String> used = new ArrayList<>();
        if (typed && random.nextInt(10) > 0) {
            String[] types = { "track", "identify", "page", "screen", "group", "alias", "bogus" };
            add(b, used, "type", random.nextInt(15) == 0 ? "1" : "\"" + types[random.nextInt(types.length)] + "\"",
                    random);
        }
        add(b, used, random.nextBoolean() ? "userId" : "anonymousId", "\"id-" + random.nextInt(100) + "\"", random);
        add(b, used, "event", random.nextInt(6) == 0 ? TEXTS[random.nextInt(TEXTS.length)] : "\"Viewed\"", random);
        int extra = random.nextInt(7);
        for (int i = 0; i < extra; i++) {
            String field = FIELDS[random.nextInt(FIELDS.length)];
            String value = switch (field) {
                case "properties", "context", "traits", "integrations", "other" -> randomValue(random, 3,
                        random.nextInt(5) > 0);
                case "timestamp", "originalTimestamp", "sentAt" -> TIMES[random.nextInt(TIMES.length)];
                case "messageId" -> random.nextInt(3) == 0 ? TEXTS[random.nextInt(TEXTS.length)]
                        : "\"m-" + random.nextInt(1_000_000) + "\"";
                default -> TEXTS[random.nextInt(TEXTS.length)];
            };
            if (field.equals("context") && random.nextInt(3) == 0) {
                String[] ips = { "\"198.51.100.7\"", "\"\"", "null", "4", "\" \"" };
                value = "{\"ip\":" + ips[random.nextInt(ips.length)] + (random.nextBoolean() ? ",\"x\":1}" : "}");
            }
            if (!used.contains(field) || random.nextInt(20) == 0) {
                add(b, used, field, value, random);
            }
        }
        return b.append(random.nextInt(10) == 0 ? " }" : "}").toString();
    }

    private static void add(StringBuilder b, List<String> used, String field, String value, Random random) {
        if (!used.isEmpty()) {
            b.append(random.nextInt(8) == 0 ? " , " : ",");
        }
        used.add(field);
        b.append('"').append(field).append('"').append(random.nextInt(8) == 0 ? " : " : ":").append(value);
    }

    private static String randomValue(Random random, int depth, boolean object) {
        if (object || (depth > 0 && random.nextInt(3) == 0)) {
            if (depth <= 0) {
                return "{}";
            }
            StringBuilder b = new StringBuilder(random.nextInt(6) == 0 ? "{ " : "{");
            int n = random.nextInt(4);
            for (int i = 0; i < n; i++) {
                b.append(i > 0 ? "," : "").append("\"k").append(i).append(random.nextInt(10) == 0 ? "\" :\n" : "\":")
                        .append(randomValue(random, depth - 1, false));
            }
            return b.append('}').toString();
        }
        if (depth > 0 && random.nextInt(5) == 0) {
            return "[" + randomValue(random, depth - 1, false) + ", " + randomValue(random, depth - 1, false) + "]";
        }
        String[] scalars = { "1", "-2.50", "3e2", "1E-7", "0", "true", "false", "null", "\"s\"", "\"\\n\\u00e9\"",
            "\"\u00fc\"", "123456789012345678901234567890", "\"a b\"" };
        return scalars[random.nextInt(scalars.length)];
    }

    // --- the comparison

    private void compareSingle(byte[] body, CallType type, AuthenticatedSource source, String clientIp)
            throws Exception {
        String tree;
        try {
            tree = canonical(TouchpointJson.prepare(normaliser.normalise(type,
                    normaliser.bind(normaliser.parse(body)), source, NOW, clientIp)).value());
        } catch (EventRejectedException e) {
            tree = "refused: " + e.reason().code();
        }
        SegmentScanner.Event scanned = SegmentScanner.scanEvent(body, DEPTH);
        PreparedTouchpoint bytes = scanned == null ? null
                : body.length > MAX_EVENT_BYTES ? null : writer(body, null, source, clientIp).write(scanned, type);
        if (bytes == null) {
            leftToTree++;
            return;
        }
        written++;
        assertEquals(tree, canonical(bytes.value()), "single " + type + " " + new String(body, StandardCharsets.UTF_8));
    }

    private void compareBatch(byte[] body, AuthenticatedSource source, String clientIp) throws Exception {
        String text = new String(body, StandardCharsets.UTF_8);
        List<JsonNode> treeItems;
        int[] sizes;
        try {
            TouchpointNormaliser.ParsedBatch parsed = normaliser.parseBatchWithSizes(body);
            treeItems = normaliser.batchItems(parsed.body());
            sizes = parsed.itemSizes();
        } catch (EventRejectedException e) {
            assertNull(SegmentScanner.scanBatch(body, normaliser.batchNestingLimit()),
                    "the scanner vouches only for bodies the tree reader reads: " + text);
            return;
        }
        SegmentScanner.Batch batch = SegmentScanner.scanBatch(body, normaliser.batchNestingLimit());
        if (batch == null) {
            leftToTree += treeItems.size();
            return;
        }
        assertEquals(treeItems.size(), batch.items.size(), text);
        CanonicalRecordWriter writer = new CanonicalRecordWriter(body, batch, source, NOW, clientIp, MAX_EVENT_BYTES,
                DEPTH, normaliser.batchMapper());
        for (int i = 0; i < treeItems.size(); i++) {
            SegmentScanner.Event e = batch.items.get(i);
            assertEquals(sizes[i], e.size(), "item size " + i + " of " + text);
            String tree;
            try {
                tree = canonical(TouchpointJson.prepare(normaliser.batchItem(treeItems.get(i), sizes[i],
                        MAX_EVENT_BYTES, source, NOW, clientIp)).value());
            } catch (EventRejectedException rejection) {
                tree = "refused: " + rejection.reason().code();
            }
            PreparedTouchpoint bytes = writer.write(e, null);
            if (bytes == null) {
                leftToTree++;
                assertEquals(treeItems.get(i), writer.tree(e), "item " + i + " as a tree, of " + text);
                continue;
            }
            written++;
            assertEquals(tree, canonical(bytes.value()), "item " + i + " of " + text);
        }
    }

    private CanonicalRecordWriter writer(byte[] body, SegmentScanner.Batch batch, AuthenticatedSource source,
            String clientIp) {
        return new CanonicalRecordWriter(body, batch, source, NOW, clientIp, MAX_EVENT_BYTES, DEPTH,
                normaliser.mapper());
    }

    /** A record as a comparable value: generated messageIds blanked, numbers read as Jackson reads them. */
    private static String canonical(byte[] record) {
        try {
            ObjectNode node = (ObjectNode) JSON.readTree(record);
            String id = node.get("messageId").asText();
            if (id.matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}")) {
                node.put("messageId", "<generated>");
            }
            return node.toString();
        } catch (Exception e) {
            fail("not JSON: " + new String(record, StandardCharsets.UTF_8));
            return null;
        }
    }
}
