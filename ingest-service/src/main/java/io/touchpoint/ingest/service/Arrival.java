package io.touchpoint.ingest.service;

import java.time.Instant;
import java.util.UUID;

import io.touchpoint.ingest.config.SourceRegistry.AuthenticatedSource;

/**
 * What the server knows of a request besides its body: who sent it, when it arrived by the server
 * clock, from which address, and the messageIds it made up for events that came without one.
 * One per request.
 */
public final class Arrival {

    private final AuthenticatedSource source;
    private final Instant receivedAt;
    private final String clientIp;
    private long idHigh;
    private long idLow;
    private int generated = -1;

    /** @param clientIp the request's address (fills {@code context.ip} when the client sent none); may be null */
    public Arrival(AuthenticatedSource source, Instant receivedAt, String clientIp) {
        this.source = source;
        this.receivedAt = receivedAt;
        this.clientIp = clientIp;
    }

    public AuthenticatedSource source() {
        return source;
    }

    public Instant receivedAt() {
        return receivedAt;
    }

    public String clientIp() {
        return clientIp;
    }

    /** {@code receivedAt} as the record writes it, formatted once per request. */
    String receivedAtText() {
        if (receivedAtText == null) {
            receivedAtText = EventTime.format(receivedAt);
        }
        return receivedAtText;
    }

    private String receivedAtText;
    private String lastIp;
    private JsonPart.Ip lastIpPart;

    /** {@code ip} as {@code context.ip}, encoded once for the events of a request that share it. */
    JsonPart.Ip ip(String ip) {
        if (lastIpPart == null || !java.util.Objects.equals(ip, lastIp)) {
            lastIp = ip;
            lastIpPart = new JsonPart.Ip(ip);
        }
        return lastIpPart;
    }

    private String sentAtText;
    private Instant sentAt;

    /**
     * {@code parse} of a {@code sentAt} text, once per request for the same text: a batch's
     * {@code sentAt} applies to every item that has none of its own.
     */
    Instant sentAt(String text, java.util.function.Function<String, Instant> parse) {
        if (text == null) {
            return null;
        }
        if (text != sentAtText) { // the same String object: the batch's own, taken by its items
            sentAt = parse.apply(text);
            sentAtText = text;
        }
        return sentAt;
    }

    private String lastAnonymisable;
    private String lastAnonymised;

    /** {@link ClientAddress#anonymise} of {@code ip}, once for the events of a request that share it. */
    String anonymised(String ip) {
        if (lastAnonymised == null || !ip.equals(lastAnonymisable)) {
            lastAnonymisable = ip;
            lastAnonymised = ClientAddress.anonymise(ip);
        }
        return lastAnonymised;
    }

    /**
     * A new version-4 UUID. One random draw per request, numbered per event (the number is XORed
     * into the low bits): a SecureRandom draw per event of a batch costs more than the rest of its
     * record, and the ids stay unique (122 random bits per request).
     */
    String newMessageId() {
        if (generated < 0) {
            UUID base = UUID.randomUUID();
            idHigh = base.getMostSignificantBits();
            idLow = base.getLeastSignificantBits();
            generated = 0;
        }
        return new UUID(idHigh, idLow ^ generated++).toString();
    }
}
