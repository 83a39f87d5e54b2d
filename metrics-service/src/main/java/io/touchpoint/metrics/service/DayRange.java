package io.touchpoint.metrics.service;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * UTC days {@code from}..{@code to}, both inclusive; {@link #ALL_TIME} when a query names none. Counters are kept
 * per day of the event (a funnel step: the day the customer entered it), so a range sums whole days.
 */
public record DayRange(LocalDate from, LocalDate to) {

    public static final DayRange ALL_TIME = new DayRange(null, null);
    /** Longest range a query may sum (one Redis hash per day). */
    public static final int MAX_DAYS = 366;

    public DayRange {
        if ((from == null) != (to == null)) {
            throw new IllegalArgumentException("a range has both ends or none");
        }
        if (from != null && from.isAfter(to)) {
            throw new IllegalArgumentException("from is after to");
        }
    }

    public boolean isAllTime() {
        return from == null;
    }

    /** The days of the range, or null for all time. */
    public List<LocalDate> days() {
        if (isAllTime()) {
            return null;
        }
        List<LocalDate> days = new ArrayList<>();
        for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
            days.add(d);
        }
        return days;
    }

    public String fromText() {
        return from == null ? null : from.toString();
    }

    public String toText() {
        return to == null ? null : to.toString();
    }
}
