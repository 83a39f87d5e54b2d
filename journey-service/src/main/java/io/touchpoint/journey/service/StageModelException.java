package io.touchpoint.journey.service;

import java.util.List;

/** A stage model that cannot be used; lists every problem found, so one start-up shows them all. */
public class StageModelException extends RuntimeException {

    private final List<String> problems;

    public StageModelException(String source, List<String> problems) {
        super("Invalid stage model " + source + ": " + String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public StageModelException(String source, String problem, Throwable cause) {
        super("Invalid stage model " + source + ": " + problem, cause);
        this.problems = List.of(problem);
    }

    public List<String> problems() {
        return problems;
    }
}
