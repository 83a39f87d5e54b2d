package io.touchpoint.ingest.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.touchpoint.ingest.config.Channel;
import io.touchpoint.ingest.config.SourceRegistry.AuthenticatedSource;
import io.touchpoint.ingest.messaging.TouchpointJson;

/**
 * The Segment rules as a client meets them: calls and batches in, the record or the reason out.
 * Expected outcomes are written by hand; for generated bodies the record is compared with what
 * Jackson's own tree reader makes of the same body.
 */
class SegmentRulesTest {

    private static final AuthenticatedSource WEB = new AuthenticatedSource("dev-web", Channel.WEB, "Web");
    private static final AuthenticatedSource PRIVATE = new AuthenticatedSource("private", Channel.EMAIL, "P", true);
    private static final Instant NOW = Instant.parse("2026-11-23T10:00:01.500Z");
    private static final ObjectMapper JSON = JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final int MAX_EVENT_BYTES = 2048;
    private static final int DEPTH = 8;
    private static final String IP = "203.0.113.5";

    private final TouchpointNormaliser rules = new TouchpointNormaliser(DEPTH, MAX_EVENT_BYTES);

    /** A single track call: its record as JSON, or "refused: <code>". */
    private String track(String body, AuthenticatedSource source, String clientIp) {
        try {
            return record(rules.call(CallType.TRACK, body.getBytes(StandardCharsets.UTF_8),
                    new Arrival(source, NOW, clientIp))).toString();
        } catch (EventRejectedException e) {
            return "refused: " + e.reason().code();
        }
    }

    private static ObjectNode record(Touchpoint t) {
        try {
            return (ObjectNode) JSON.readTree(TouchpointJson.prepare(t).value());
        } catch (Exception e) {
            fail("the record is not JSON: " + e);
            return null;
        }
    }

    private static String refused(String code) {
        return "refused: " + code;
    }

    @Test
    void singleCallsAreAcceptedOrRefusedAsSegmentDoes() {
        Map<String, String> refusals = new LinkedHashMap<>();
        refusals.put("{\"event\":\"e\"}", "missing_identity");
        refusals.put("{\"anonymousId\":\"  \",\"userId\":\"\",\"event\":\"e\"}", "missing_identity");
        refusals.put("{\"anonymousId\":\"a\",\"event\":\"   \"}", "missing_event");
        refusals.put("{\"anonymousId\":\"a\",\"event\":\"\\t\"}", "missing_event");
        refusals.put("{\"anonymousId\":\"a\",\"event\":\"\\u2003\"}", "missing_event");
        refusals.put("{\"anonymousId\":\"a\"}", "missing_event");
        refusals.put("{\"anonymousId\":\"a\",\"event\":\"e\",\"timestamp\":\"yesterday\"}", "invalid_timestamp");
        refusals.put("{\"anonymousId\":\"a\",\"event\":\"e\",\"timestamp\":\"\"}", "invalid_timestamp");
        refusals.put("{\"anonymousId\":\"a\",\"event\":\"e\",\"timestamp\":5}", "invalid_timestamp");
        refusals.put("{\"anonymousId\":\"a\",\"event\":\"e\",\"timestamp\":\"0001-01-01T00:00:00Z\",\"sentAt\":\"9999-12-31T23:59:59Z\"}",
                "invalid_timestamp");
        refusals.put("{\"anonymousId\":\"a\",\"event\":\"e\",\"messageId\":\"" + "m".repeat(257) + "\"}", "invalid_field");
        refusals.put("{\"userId\":{\"id\":1},\"event\":\"e\"}", "invalid_field");
        refusals.put("{\"userId\":\"u\",\"event\":[\"e\"]}", "invalid_field");
        refusals.put("{\"userId\":\"u\",\"event\":\"e\",\"properties\":[]}", "invalid_field");
        refusals.put("{\"userId\":\"u\",\"event\":\"e\",\"properties\":\"p\"}", "invalid_field");
        refusals.put("{\"userId\":\"u\",\"event\":\"e\",\"type\":{}}", "invalid_field");
        refusals.put("{\"userId\":\"u\",\"event\":\"e\",\"userId\":\"v\"}", "invalid_json");
        refusals.put("{\"userId\":\"u\",\"event\":\"e\",\"properties\":{\"a\":1,\"a\":2}}", "invalid_json");
        refusals.put("{\"userId\":\"u\",\"event\":\"e\",\"properties\":{\"a\":1,\"\\u0061\":2}}", "invalid_json");
        refusals.put("{\"userId\":\"u\",\"event\":\"e\",\"properties\":{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":{\"g\":{}}}}}}}}}",
                "too_deep");
        refusals.put("{\"userId\":\"u\",\"event\":\"e\"} x", "invalid_json");
        refusals.put("{\"userId\":\"u\",\"event\":\"e\"} {}", "invalid_json");
        refusals.put("{\"userId\":\"u\",\"event\":\"e\",}", "invalid_json");
        refusals.put("[]", "invalid_json");
        refusals.put("\"text\"", "invalid_json");
        refusals.put("", "invalid_json");
        refusals.put("   ", "invalid_json");
        refusals.put("{", "invalid_json");
        refusals.put("{\"userId\":\"u\",\"event\":\"\u0001\"}", "invalid_json");
        refusals.put("{\"userId\":\"u\",\"event\":\"e\",\"properties\":{\"v\":01}}", "invalid_json");
        refusals.put("{\"userId\":\"u\",\"event\":\"e\",\"properties\":{\"v\":NaN}}", "invalid_json");
        refusals.put("{\"userId\":\"u\",\"event\":\"e\",\"properties\":{\"v\":tru}}", "invalid_json");
        refusals.put("{\"userId\":\"u\",\"event\":\"e\",\"p\":\"" + "x".repeat(3000) + "\"}", "too_large");
        refusals.forEach((body, code) -> assertEquals(refused(code), track(body, WEB, IP), body));

        byte[] brokenUtf8 = { '{', '"', 'u', 's', 'e', 'r', 'I', 'd', '"', ':', '"', (byte) 0xC3, '"', ',', '"', 'e', 'v',
            'e', 'n', 't', '"', ':', '"', 'e', '"', '}' };
        EventRejectedException e = assertThrows(EventRejectedException.class,
                () -> rules.call(CallType.TRACK, brokenUtf8, new Arrival(WEB, NOW, IP)));
        assertEquals(RejectionReason.INVALID_JSON, e.reason());
    }

    @Test
    void anAcceptedCallIsWrittenAsTheContractSays() throws Exception {
        String body = "{\"userId\":\"u-1\",\"event\":\"Order Completed\",\"messageId\":\"m-1\",\"channel\":\"app\","
                + "\"properties\":{\"revenue\":12.50,\"n\":1e2,\"big\":123456789012345678901234567890,\"list\":[1, 2 ,{\"a\" : null}]},"
                + "\"context\" : { \"page\" : { \"url\" : \"/a b\" } },\"traits\":null,"
                + "\"timestamp\":\"2026-11-23T09:00:00Z\",\"sentAt\":\"2026-11-23T10:00:02.5+01:00\"}";
        ObjectNode r = (ObjectNode) JSON.readTree(track(body, WEB, IP));
        assertEquals(List.of("schemaVersion", "messageId", "type", "event", "channel", "sourceId", "userId",
                "anonymousId", "previousId", "groupId", "traits", "properties", "context", "integrations",
                "originalTimestamp", "sentAt", "receivedAt", "timestamp"), fieldNames(r));
        assertEquals("m-1", r.get("messageId").asText());
        assertEquals("track", r.get("type").asText());
        assertEquals("web", r.get("channel").asText(), "the channel is the source's, not the body's");
        assertEquals("dev-web", r.get("sourceId").asText());
        assertTrue(r.get("anonymousId").isNull() && r.get("traits").isNull() && r.get("integrations").isNull());
        assertEquals(JSON.readTree("{\"revenue\":12.50,\"n\":1e2,\"big\":123456789012345678901234567890,\"list\":[1,2,{\"a\":null}]}"),
                r.get("properties"));
        assertEquals(JSON.readTree("{\"page\":{\"url\":\"/a b\"},\"ip\":\"203.0.113.5\"}"), r.get("context"));
        assertEquals("2026-11-23T09:00:00.000Z", r.get("originalTimestamp").asText());
        assertEquals("2026-11-23T09:00:02.500Z", r.get("sentAt").asText());
        assertEquals("2026-11-23T10:00:01.500Z", r.get("receivedAt").asText());
        // 2.5 s between the event and the send on the device clock: it happened 2.5 s before arrival
        assertEquals("2026-11-23T09:59:59.000Z", r.get("timestamp").asText());
    }

    @Test
    void theClientsAddressFillsContextIpUnlessItSentOneAndIsAnonymisedWhenTheSourceSaysSo() throws Exception {
        assertEquals("198.51.100.1", ip(track("{\"anonymousId\":\"a\",\"event\":\"e\",\"context\":{\"ip\":\"198.51.100.1\"}}", WEB, IP)));
        for (String blank : List.of("\"\"", "\" \"", "null", "{}")) {
            assertEquals(IP, ip(track("{\"anonymousId\":\"a\",\"event\":\"e\",\"context\":{\"x\":1,\"ip\":" + blank + "}}", WEB, IP)), blank);
        }
        assertEquals(IP, ip(track("{\"anonymousId\":\"a\",\"event\":\"e\"}", WEB, IP)));
        assertEquals(IP, ip(track("{\"anonymousId\":\"a\",\"event\":\"e\",\"context\":{ }}", WEB, IP)));
        assertEquals(IP, ip(track("{\"anonymousId\":\"a\",\"event\":\"e\",\"context\":null}", WEB, IP)));
        assertEquals("4", ip(track("{\"anonymousId\":\"a\",\"event\":\"e\",\"context\":{\"ip\":4}}", WEB, IP)));
        assertEquals("{}", JSON.readTree(track("{\"anonymousId\":\"a\",\"event\":\"e\"}", WEB, null)).get("context").toString());
        assertEquals("203.0.113.0", ip(track("{\"anonymousId\":\"a\",\"event\":\"e\"}", PRIVATE, IP)));
        assertEquals("198.51.100.0", ip(track("{\"anonymousId\":\"a\",\"event\":\"e\",\"context\":{\"ip\":\"198.51.100.1\"}}", PRIVATE, IP)));
        assertTrue(JSON.readTree(track("{\"anonymousId\":\"a\",\"event\":\"e\",\"context\":{\"ip\":\"host.example\"}}", PRIVATE, IP))
                .at("/context/ip").isNull(), "what is not an address is dropped, never passed on");
    }

    private static String ip(String record) throws Exception {
        return JSON.readTree(record).at("/context/ip").asText();
    }

    @Test
    void callTypesNeedTheirOwnFields() {
        Arrival at = new Arrival(WEB, NOW, IP);
        assertEquals("Pricing", rules.call(CallType.PAGE, bytes("{\"userId\":\"u\",\"name\":\"Pricing\"}"), at).event());
        assertEquals(null, rules.call(CallType.SCREEN, bytes("{\"userId\":\"u\",\"name\":\" \"}"), at).event());
        assertEquals("g", rules.call(CallType.GROUP, bytes("{\"userId\":\"u\",\"groupId\":\"g\"}"), at).groupId());
        assertEquals(RejectionReason.INVALID_FIELD, assertThrows(EventRejectedException.class,
                () -> rules.call(CallType.GROUP, bytes("{\"userId\":\"u\",\"groupId\":\" \"}"), at)).reason());
        assertEquals("p", rules.call(CallType.ALIAS, bytes("{\"userId\":\"u\",\"previousId\":\"p\"}"), at).previousId());
        assertEquals(RejectionReason.INVALID_FIELD, assertThrows(EventRejectedException.class,
                () -> rules.call(CallType.ALIAS, bytes("{\"anonymousId\":\"a\",\"previousId\":\"p\"}"), at)).reason());
        Touchpoint numeric = rules.call(CallType.IDENTIFY, bytes("{\"userId\":42,\"traits\":{\"plan\":\"pro\"},\"messageId\":1e2}"), at);
        assertEquals("42", numeric.userId());
        assertEquals("100.0", numeric.messageId(), "a number's text as Jackson's tree prints it");
        Touchpoint generated = rules.call(CallType.TRACK, bytes("{\"userId\":\"u\",\"event\":\"e\",\"messageId\":\" \"}"), at);
        assertTrue(generated.generatedId() && generated.messageId().matches("[0-9a-f-]{36}"));
        assertEquals("2026-11-23T09:00:00.123Z", rules.call(CallType.TRACK,
                bytes("{\"userId\":\"u\",\"event\":\"e\",\"timestamp\":null,\"originalTimestamp\":\"2026-11-23T09:00:00.123456Z\"}"), at)
                .timestamp(), "originalTimestamp stands in for a missing timestamp");
    }

    @Test
    void batchItemsAreRefusedByIndexAndTakeTheBatchDefaults() throws Exception {
        String items = "{\"type\":\"track\",\"anonymousId\":\"a\",\"event\":\"e\"},"
                + "{\"type\":\"identify\",\"userId\":\"u\",\"context\":{\"library\":{\"version\":\"own\"}},\"integrations\":{\"X\":false}},"
                + "{\"type\":\"page\",\"userId\":\"u\",\"sentAt\":\"2026-11-23T09:59:00Z\",\"timestamp\":\"2026-11-23T09:58:00Z\"},"
                + "{\"type\":\"bogus\",\"userId\":\"u\"},{\"userId\":\"u\"},{\"type\":7,\"userId\":\"u\"},\"text\",[1],null,"
                + "{\"type\":\"track\",\"anonymousId\":\"a\",\"event\":\"e\",\"properties\":{\"p\":\"" + "x".repeat(2100) + "\"}},"
                + "{\"type\":\"track\",\"anonymousId\":\"a\",\"event\":\"e\",\"properties\":{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":{\"g\":{}}}}}}}}},"
                + "{\"type\":\"track\",\"anonymousId\":\"a\",\"event\":\"e\",\"context\":\"c\"}";
        String body = "{\"sentAt\":\"2026-11-23T10:00:00Z\",\"context\":{\"library\":{\"name\":\"analytics-java\"},\"ip\":\"198.51.100.9\"},"
                + "\"integrations\":{\"All\":true},\"batch\":[" + items + "],\"writeKey\":\"k\"}";
        TouchpointNormaliser.BatchItems out = rules.batch(bytes(body), new Arrival(WEB, NOW, IP));

        List<String> refusedAs = out.refused().stream().map(r -> r.index() + ":" + r.typeTag() + ":" + r.rejection().reason().code())
                .toList();
        assertEquals(List.of("3:unknown:unknown_type", "4:unknown:unknown_type", "5:unknown:unknown_type",
                "6:unknown:invalid_json", "7:unknown:invalid_json", "8:unknown:invalid_json", "9:track:too_large",
                "10:track:too_deep", "11:track:invalid_field"), refusedAs);
        assertArrayEquals(bytes("{\"type\":\"bogus\",\"userId\":\"u\"}"), out.refused().get(0).payload(),
                "a refused item is kept as it was sent");

        assertEquals(3, out.accepted().size());
        ObjectNode first = record(out.accepted().get(0));
        assertEquals(JSON.readTree("{\"library\":{\"name\":\"analytics-java\"},\"ip\":\"198.51.100.9\"}"), first.get("context"));
        assertEquals(JSON.readTree("{\"All\":true}"), first.get("integrations"));
        assertEquals("2026-11-23T10:00:00.000Z", first.get("sentAt").asText(), "the batch's sentAt");
        ObjectNode second = record(out.accepted().get(1));
        assertEquals(JSON.readTree("{\"library\":{\"name\":\"analytics-java\",\"version\":\"own\"},\"ip\":\"198.51.100.9\"}"),
                second.get("context"), "objects merge, the item's own values win");
        assertEquals(JSON.readTree("{\"All\":true,\"X\":false}"), second.get("integrations"));
        ObjectNode third = record(out.accepted().get(2));
        assertEquals("2026-11-23T09:59:00.000Z", third.get("sentAt").asText(), "the item's own sentAt wins");
        assertEquals("2026-11-23T09:59:01.500Z", third.get("timestamp").asText());

        for (String whole : List.of("{\"batch\":[]}", "{\"batch\":{}}", "{}", "{\"batch\":[{\"type\":\"track\"}],\"batch\":[]}",
                "{\"batch\":[" + items + "]} trailing", "[]", "")) {
            assertThrows(EventRejectedException.class, () -> rules.batch(bytes(whole), new Arrival(WEB, NOW, IP)), whole);
        }
    }

    @Test
    void generatedCallsCarryTheirObjectsAsJacksonReadsThem() throws Exception {
        Random random = new Random(20261203);
        int accepted = 0;
        for (int i = 0; i < 3000; i++) {
            String body = randomEvent(random);
            AuthenticatedSource source = random.nextInt(8) == 0 ? PRIVATE : WEB;
            String clientIp = random.nextBoolean() ? IP : null;
            String single = track(body, source, clientIp);
            // the same event as an item of a batch: the same outcome
            String asItem;
            try {
                TouchpointNormaliser.BatchItems b = rules.batch(bytes("{\"batch\":["
                        + body.replaceFirst("\\{", "{\"type\":\"track\",") + "]}"), new Arrival(source, NOW, clientIp));
                asItem = b.accepted().isEmpty() ? refused(b.refused().get(0).rejection().reason().code())
                        : record(b.accepted().get(0)).toString();
            } catch (EventRejectedException whole) {
                asItem = refused(whole.reason().code()); // JSON no reader accepts refuses the whole batch
            }
            assertEquals(withoutGeneratedId(single), withoutGeneratedId(asItem), body);
            if (single.startsWith("refused")) {
                continue;
            }
            accepted++;
            ObjectNode sent = (ObjectNode) JSON.readTree(body);
            JsonNode record = JSON.readTree(single);
            for (String field : List.of("properties", "traits", "integrations")) {
                JsonNode own = sent.get(field);
                assertEquals(own == null ? JSON.nullNode() : own, record.get(field), field + " of " + body);
            }
            ObjectNode context = sent.get("context") instanceof ObjectNode c ? c.deepCopy() : JSON.createObjectNode();
            context.remove("ip");
            ObjectNode recorded = record.get("context").deepCopy();
            recorded.remove("ip");
            assertEquals(context, recorded, "context of " + body);
            assertEquals(sent.path("event").asText(), record.get("event").asText());
        }
        assertTrue(accepted > 1000, "enough bodies were accepted to mean something: " + accepted);
    }

    private static String withoutGeneratedId(String record) {
        return record.replaceAll("\"messageId\":\"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}\"",
                "\"messageId\":\"<generated>\"");
    }

    private static final String[] TEXTS = { "\"u-1\"", "\"\"", "\"  \"", "\"caf\u00e9\"", "\"a\\\"b\\\\c\\u0041\"", "null",
        "12", "true", "\"Order Completed\"", "\"\ud83d\ude00\"" };
    private static final String[] TIMES = { "\"2026-11-23T09:00:00.000Z\"", "\"2026-11-23T09:00:00+02:00\"", "\"nope\"",
        "null", "\"2026-11-23T09:00:00.1234567Z\"", "5" };
    private static final String[] FIELDS = { "writeKey", "userId", "anonymousId", "name", "groupId", "previousId",
        "properties", "context", "traits", "timestamp", "originalTimestamp", "sentAt", "messageId", "integrations",
        "other" };

    private static String randomEvent(Random random) {
        StringBuilder b = new StringBuilder("{");
        List<String> used = new ArrayList<>();
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

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
