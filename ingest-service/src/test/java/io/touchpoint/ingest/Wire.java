package io.touchpoint.ingest;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.restassured.RestAssured;

/**
 * Requests with exactly the headers a test names and no others (RestAssured adds a Content-Type and
 * charset of its own), so the wire of an SDK can be replayed as its source shows it.
 */
final class Wire {

    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private Wire() {
    }

    /** POSTs {@code body} with these headers (name, value, name, value …); {@code chunked} sends no Content-Length. */
    static HttpResponse<String> post(String pathAndQuery, byte[] body, boolean chunked, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + RestAssured.port
                + pathAndQuery));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        request.POST(chunked ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))
                : HttpRequest.BodyPublishers.ofByteArray(body));
        try {
            return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError("request to " + pathAndQuery + " failed", e);
        }
    }

    /** GETs with exactly these headers (name, value, …). */
    static HttpResponse<String> get(String pathAndQuery, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + RestAssured.port
                + pathAndQuery));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try {
            return CLIENT.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError("request to " + pathAndQuery + " failed", e);
        }
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(data);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        return out.toByteArray();
    }

    /** HTTP's deflate (RFC 9110: zlib format); {@code raw} the bare deflate stream some clients send instead. */
    static byte[] deflate(byte[] data, boolean raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DeflaterOutputStream z = new DeflaterOutputStream(out, new Deflater(Deflater.DEFAULT_COMPRESSION, raw))) {
            z.write(data);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        return out.toByteArray();
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    /** The records of touchpoints.v1 whose value contains {@code marker}, parsed. */
    static List<JsonNode> records(String marker) {
        return TopicReader.readAll(TrackEndpointTest.TOUCHPOINTS).stream().filter(r -> r.value().contains(marker))
                .map(r -> json(r.value())).toList();
    }

    static Map<String, List<String>> headers(HttpResponse<?> response) {
        return response.headers().map();
    }
}
