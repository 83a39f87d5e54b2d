package io.touchpoint.ingest.service;

import java.util.List;

/** A webhook mapping file that cannot be used; lists every problem found, so one start-up shows them all. */
public class WebhookMappingException extends RuntimeException {

    private final List<String> problems;

    public WebhookMappingException(String source, List<String> problems) {
        super("Invalid webhook mapping " + source + ": " + String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public WebhookMappingException(String source, String problem, Throwable cause) {
        super("Invalid webhook mapping " + source + ": " + problem, cause);
        this.problems = List.of(problem);
    }

    public List<String> problems() {
        return problems;
    }
}
