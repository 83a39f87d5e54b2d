package io.touchpoint.metrics.rest;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

import io.touchpoint.metrics.service.Channel;
import io.touchpoint.metrics.service.DayRange;

/** Parsing of the query parameters the read endpoints share; every refusal names the parameter. */
final class QueryParameters {

    private QueryParameters() {
    }

    /**
     * {@code from}/{@code to} as UTC days ({@code yyyy-MM-dd}), both inclusive. Neither: all time. Only
     * {@code from}: up to today. Only {@code to}: refused (a range needs a start).
     */
    static DayRange range(String from, String to) {
        if (from == null && to == null) {
            return DayRange.ALL_TIME;
        }
        if (from == null) {
            throw new InvalidParameterException("to needs from (a UTC day, yyyy-MM-dd)");
        }
        LocalDate start = day("from", from);
        LocalDate end = to == null ? LocalDate.now(java.time.ZoneOffset.UTC) : day("to", to);
        if (start.isAfter(end)) {
            throw new InvalidParameterException("from (" + start + ") is after to (" + end + ")");
        }
        if (ChronoUnit.DAYS.between(start, end) + 1 > DayRange.MAX_DAYS) {
            throw new InvalidParameterException("a range may span at most " + DayRange.MAX_DAYS + " days");
        }
        return new DayRange(start, end);
    }

    static Optional<Channel> channel(String channel) {
        if (channel == null) {
            return Optional.empty();
        }
        return Optional.of(Channel.fromWire(channel).orElseThrow(() -> new InvalidParameterException(
                "channel must be one of " + Channel.wireNames())));
    }

    private static LocalDate day(String name, String value) {
        try {
            return LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            throw new InvalidParameterException(name + " must be a UTC day (yyyy-MM-dd), e.g. 2026-11-23");
        }
    }
}
