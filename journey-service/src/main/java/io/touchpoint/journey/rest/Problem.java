package io.touchpoint.journey.rest;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** An RFC 9457 problem body; {@code type} is {@code urn:touchpoint:problem:<code>}. */
@JsonPropertyOrder({ "type", "title", "status", "detail", "instance" })
public record Problem(String type, String title, int status, String detail, String instance) {

    public static final String MEDIA_TYPE = "application/problem+json";
}
