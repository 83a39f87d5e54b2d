package io.touchpoint.ingest.service;

/** Kafka did not acknowledge a record in time (or refused it): the client should retry later. */
public class PublishUnavailableException extends RuntimeException {

    public PublishUnavailableException(String detail, Throwable cause) {
        super(detail, cause);
    }
}
