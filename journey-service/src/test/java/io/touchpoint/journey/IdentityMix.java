package io.touchpoint.journey;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A realistic identity mix for load and concurrency tests: per person an anonymous web visit, an app
 * session on another device, an identify that links the web visitor to a user id and an email, the app
 * device linked by the same email, a contact-center call by phone (linked by a phone trait), an order,
 * and, if asked, for every fifth person a second user on the shared app device (a conflict, never a
 * merge; which customer keeps the device then depends on arrival order, so concurrency comparisons
 * leave conflicts out).
 * Everything a run creates carries the run's prefix, so runs do not touch each other's customers.
 */
final class IdentityMix {

    /** The records and, for each identifier key and messageId, a label that is the same in every run. */
    record Data(List<Map<String, Object>> records, Map<String, String> labels) {
    }

    private IdentityMix() {
    }

    static Data people(String run, int phoneBlock, int people, boolean conflicts) {
        List<Map<String, Object>> out = new ArrayList<>();
        Map<String, String> labels = new HashMap<>();
        Instant t0 = Instant.parse("2026-11-20T08:00:00Z");
        for (int p = 0; p < people; p++) {
            String web = run + "-web-" + p;
            String app = run + "-app-" + p;
            String user = run + "-user-" + p;
            String email = run + "-mail-" + p + "@example.com";
            String phone = "+1" + phoneBlock + String.format("%06d", p);
            labels.put("anonymous_id:" + web, "web-" + p);
            labels.put("anonymous_id:" + app, "app-" + p);
            labels.put("user_id:" + user, "user-" + p);
            labels.put("email:" + email, "mail-" + p);
            labels.put("phone:" + phone, "phone-" + p);
            labels.put("anonymous_id:caller:" + phone, "caller-" + p);
            Instant t = t0.plusSeconds(p * 600L);
            out.add(track(run, labels, "view-" + p, "Product Viewed", "web", null, web, t));
            out.add(track(run, labels, "open-" + p, "Application Opened", "app", null, app, t.plusSeconds(5)));
            Map<String, Object> identify = base(run, labels, "identify-" + p, "identify", null, "web", user, web, t.plusSeconds(10));
            identify.put("traits", Map.of("email", email));
            out.add(identify);
            Map<String, Object> appMail = track(run, labels, "signup-" + p, "Signed Up", "app", null, app, t.plusSeconds(20));
            appMail.put("context", Map.of("traits", Map.of("email", email.toUpperCase())));
            out.add(appMail);
            Map<String, Object> phoneTrait = base(run, labels, "phone-" + p, "identify", null, "app", user, null, t.plusSeconds(30));
            phoneTrait.put("traits", Map.of("phone", phone));
            out.add(phoneTrait);
            Map<String, Object> call = track(run, labels, "call-" + p, "Contact Started", "contact_center", null,
                    "caller:" + phone, t.plusSeconds(40));
            call.put("context", Map.of("externalIds", List.of(Map.of("id", phone, "type", "caller_id",
                    "collection", "users", "encoding", "none"))));
            out.add(call);
            out.add(track(run, labels, "order-" + p, "Order Completed", "server", user, null, t.plusSeconds(50)));
            if (conflicts && p % 5 == 0) {
                String other = run + "-other-" + p;
                labels.put("user_id:" + other, "other-" + p);
                out.add(track(run, labels, "other-" + p, "Logged In", "app", other, app, t.plusSeconds(60)));
            }
        }
        return new Data(out, labels);
    }

    private static Map<String, Object> track(String run, Map<String, String> labels, String label, String event,
            String channel, String userId, String anonymousId, Instant at) {
        return base(run, labels, label, "track", event, channel, userId, anonymousId, at);
    }

    private static Map<String, Object> base(String run, Map<String, String> labels, String label, String type,
            String event, String channel, String userId, String anonymousId, Instant at) {
        String messageId = run + "-" + label;
        labels.put(messageId, label);
        Map<String, Object> m = TestTouchpoints.event(type, event, userId, anonymousId, at);
        m.put("messageId", messageId);
        m.put("channel", channel);
        m.put("sourceId", "bench");
        m.put("context", Map.of());
        return m;
    }
}
