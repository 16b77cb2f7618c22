package dev.spillway;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.Locale;

/**
 * The period of a consumer's token quota: calendar periods in UTC, so every process of a fleet
 * agrees on when one starts. A week starts on Monday 00:00 UTC (ISO-8601), a month on its first
 * day.
 */
public enum QuotaPeriod {
  /** From the start of each UTC hour. */
  HOUR,
  /** From 00:00 UTC each day. */
  DAY,
  /** From Monday 00:00 UTC. */
  WEEK,
  /** From the first day of each month, 00:00 UTC. */
  MONTH;

  /**
   * @return the name in configuration: {@code hour}, {@code day}, {@code week} or {@code month}
   */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Reads a configured period.
   *
   * @param name {@code hour}, {@code day}, {@code week} or {@code month}, any case
   * @return the period
   * @throws IllegalArgumentException naming the accepted values when {@code name} is none of them
   */
  public static QuotaPeriod of(String name) {
    for (QuotaPeriod p : values()) {
      if (p.configName().equalsIgnoreCase(name == null ? "" : name.trim())) {
        return p;
      }
    }
    throw new IllegalArgumentException(
        "token-quota-period must be one of hour, day, week, month, was '" + name + "'");
  }

  /**
   * The start of the period that holds {@code instant}.
   *
   * @param instant any instant
   * @return the period's first instant
   */
  public Instant start(Instant instant) {
    ZonedDateTime t = instant.atZone(ZoneOffset.UTC);
    ZonedDateTime start =
        switch (this) {
          case HOUR -> t.truncatedTo(ChronoUnit.HOURS);
          case DAY -> t.truncatedTo(ChronoUnit.DAYS);
          case WEEK ->
              t.truncatedTo(ChronoUnit.DAYS)
                  .with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
          case MONTH -> t.truncatedTo(ChronoUnit.DAYS).withDayOfMonth(1);
        };
    return start.toInstant();
  }

  /**
   * The start of the period after the one that holds {@code instant}: when its quota resets.
   *
   * @param instant any instant
   * @return the next period's first instant
   */
  public Instant next(Instant instant) {
    ZonedDateTime start = start(instant).atZone(ZoneOffset.UTC);
    ZonedDateTime next =
        switch (this) {
          case HOUR -> start.plusHours(1);
          case DAY -> start.plusDays(1);
          case WEEK -> start.plusWeeks(1);
          case MONTH -> start.plusMonths(1);
        };
    return next.toInstant();
  }
}
