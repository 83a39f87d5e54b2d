package io.touchpoint.ingest.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;

import org.junit.jupiter.api.Test;

/** The public URL → analytics-next's apiHost/protocol, and the start-up check of the setting. */
class SourceSettingsTest {

    @Test
    void apiHostIsHostPortAndPathWithoutScheme() {
        // analytics-next posts to `${protocol}://${apiHost}/t`; its default is "api.segment.io/v1"
        assertEquals(new SourceSettings.SegmentApi("collect.example.com/v1", "https"),
                SourceSettings.SegmentApi.of(SourceSettings.parse("https://collect.example.com")));
        assertEquals(new SourceSettings.SegmentApi("example.com/touchpoint/ingest/v1", "https"),
                SourceSettings.SegmentApi.of(SourceSettings.parse("https://example.com/touchpoint/ingest/")));
        assertEquals(new SourceSettings.SegmentApi("127.0.0.1:8081/v1", "http"),
                SourceSettings.SegmentApi.of(URI.create("http://127.0.0.1:8081")));
    }

    @Test
    void aPublicUrlThatIsNoHttpUrlStopsTheStart() {
        for (String wrong : new String[] { "collect.example.com", "ftp://collect.example.com", "https://x.example/?a=1",
                "https://x.example/#top", "http://" }) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> SourceSettings.parse(wrong), wrong);
            assertTrue(e.getMessage().contains("touchpoint.ingest.public-url"), e.getMessage());
        }
    }
}
