package dev.spillway.internal;

import dev.spillway.spi.ResponseHeaders;
import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parses server throttle hints: how long a route should cool down after a 429 (or a 503 with a
 * retry hint). Not API. Longer than most files (about 400 lines) so that every header, limit and
 * the precedence between them sit in one place, beside one table-driven test.
 *
 * <p>Precedence, as fixed by the design ("Outcomes of an attempt"):
 *
 * <ol>
 *   <li>{@code retry-after-ms} (milliseconds, decimals allowed), when present and valid;
 *   <li>else {@code x-ms-retry-after-ms}, the same way;
 *   <li>else the larger of {@code retry-after} (delta-seconds or an HTTP-date) and the relevant
 *       {@code x-ratelimit-reset-*} header: {@code x-ratelimit-reset-tokens} when {@code policy-id}
 *       is {@code DeploymentRatelimit-Token}, {@code x-ratelimit-reset-requests} when it is {@code
 *       DeploymentRatelimit-Call} (ignoring case), and the larger of the two otherwise.
 * </ol>
 *
 * <p>An unusable value (garbage, empty, negative, NaN, infinity, exponent notation, overflowing,
 * trailing junk, an HTTP-date in the past) never throws: it is logged at DEBUG with the header name
 * and value, and the next header in precedence order is read. Values are trimmed of surrounding
 * whitespace first. Only ASCII digits count as digits, and no sign is accepted.
 *
 * <p>Thread-safe: the class is stateless.
 */
final class ThrottleHints {

  /**
   * Upper clamp on any hint: 5 minutes. Azure's own hints are seconds to a minute; a longer wait is
   * far more likely a broken or hostile header than a real quota window, and a route parked for
   * hours would silently shrink the pool. Longer windows are re-learnt from the next 429.
   */
  public static final long MAX_HINT_NANOS = TimeUnit.MINUTES.toNanos(5);

  /** Returned when the headers (or one value) carry no usable hint. */
  static final long NO_HINT = -1;

  static final String RETRY_AFTER_MS = "retry-after-ms";
  static final String X_MS_RETRY_AFTER_MS = "x-ms-retry-after-ms";
  static final String RETRY_AFTER = "retry-after";
  static final String RESET_TOKENS = "x-ratelimit-reset-tokens";
  static final String RESET_REQUESTS = "x-ratelimit-reset-requests";
  static final String POLICY_ID = "policy-id";

  /** Azure's {@code policy-id} when the tokens-per-minute quota was hit. */
  static final String POLICY_TOKEN_LIMIT = "DeploymentRatelimit-Token";

  /** Azure's {@code policy-id} when the requests-per-minute quota was hit. */
  static final String POLICY_CALL_LIMIT = "DeploymentRatelimit-Call";

  private static final Logger LOG = LoggerFactory.getLogger(ThrottleHints.class);

  private static final long NANOS_PER_MICRO = TimeUnit.MICROSECONDS.toNanos(1);
  private static final long NANOS_PER_MILLI = TimeUnit.MILLISECONDS.toNanos(1);
  private static final long NANOS_PER_SECOND = TimeUnit.SECONDS.toNanos(1);
  private static final long NANOS_PER_MINUTE = TimeUnit.MINUTES.toNanos(1);
  private static final long NANOS_PER_HOUR = TimeUnit.HOURS.toNanos(1);

  /**
   * Fraction digits kept when scaling a decimal: 18 keeps the accumulator inside a {@code long} and
   * is finer than a nanosecond for every unit up to an hour. Later digits are still checked to be
   * digits, then dropped.
   */
  private static final int MAX_FRACTION_DIGITS = 18;

  /**
   * Longest value quoted in a DEBUG line: a broken server's multi-kilobyte header must not flood
   * the log, and the first characters are enough to recognise it.
   */
  private static final int MAX_LOGGED_VALUE_CHARS = 100;

  /**
   * RFC 9110 section 5.6.7: a two-digit RFC 850 year more than 50 years in the future means the
   * most recent past year with the same last two digits.
   */
  private static final int TWO_DIGIT_YEAR_LOOKAHEAD = 50;

  private static final int YEARS_PER_CENTURY = 100;

  /** Base of the two-digit year parse; the century is then corrected against the wall clock. */
  private static final int TWO_DIGIT_YEAR_BASE = 2000;

  /**
   * The fields that fix the instant. The redundant day-of-week is parsed but not cross-checked: a
   * server that misnames the weekday still means the date it wrote.
   */
  private static final ChronoField[] DATE_TIME_FIELDS = {
    ChronoField.YEAR,
    ChronoField.MONTH_OF_YEAR,
    ChronoField.DAY_OF_MONTH,
    ChronoField.HOUR_OF_DAY,
    ChronoField.MINUTE_OF_HOUR,
    ChronoField.SECOND_OF_MINUTE,
    ChronoField.OFFSET_SECONDS
  };

  /** IMF-fixdate / RFC 1123: {@code Sun, 06 Nov 1994 08:49:37 GMT}. */
  private static final DateTimeFormatter RFC_1123 = strict(DateTimeFormatter.RFC_1123_DATE_TIME);

  /** Obsolete RFC 850: {@code Sunday, 06-Nov-94 08:49:37 GMT}. */
  private static final DateTimeFormatter RFC_850 =
      strict(
          new DateTimeFormatterBuilder()
              .parseCaseInsensitive()
              .appendPattern("EEEE, dd-MMM-")
              .appendValueReduced(ChronoField.YEAR, 2, 2, TWO_DIGIT_YEAR_BASE)
              .appendPattern(" HH:mm:ss 'GMT'")
              .toFormatter(Locale.US));

  /** Obsolete ANSI C asctime(): {@code Sun Nov 6 08:49:37 1994}, always GMT. */
  private static final DateTimeFormatter ASCTIME =
      strict(
          new DateTimeFormatterBuilder()
              .parseCaseInsensitive()
              .appendPattern("EEE MMM ppd HH:mm:ss uuuu")
              .toFormatter(Locale.US));

  private ThrottleHints() {}

  /**
   * Returns the cool-down the server asks for, in nanoseconds, clamped to [0, {@link
   * #MAX_HINT_NANOS}], or -1 when the headers carry no usable hint.
   *
   * @param headers response headers
   * @param wallClockMillis now, epoch millis (only to read HTTP dates)
   * @return the hint in nanoseconds, or -1
   * @throws NullPointerException if {@code headers} is null
   */
  public static long retryAfterNanos(ResponseHeaders headers, long wallClockMillis) {
    Objects.requireNonNull(headers, "'headers' cannot be null.");
    long hint = millisHeaderNanos(headers, RETRY_AFTER_MS);
    if (hint == NO_HINT) {
      hint = millisHeaderNanos(headers, X_MS_RETRY_AFTER_MS);
    }
    if (hint == NO_HINT) {
      hint = Math.max(retryAfterHeaderNanos(headers, wallClockMillis), relevantResetNanos(headers));
    }
    return hint == NO_HINT ? NO_HINT : Math.min(hint, MAX_HINT_NANOS);
  }

  /**
   * Parses one {@code x-ratelimit-reset-*} style value: plain seconds ({@code "43"}, {@code "0.5"})
   * or a Go-style duration ({@code "6s"}, {@code "1m30s"}, {@code "250ms"}, {@code "1h2m3.5s"};
   * units {@code ns}, {@code us}/{@code µs}, {@code ms}, {@code s}, {@code m}, {@code h},
   * case-sensitive as in Go). Not clamped.
   *
   * @param value the header value, may be null
   * @return nanoseconds, or -1 when not parseable, negative or beyond {@code Long.MAX_VALUE} ns
   */
  static long parseResetNanos(String value) {
    if (value == null) {
      return NO_HINT;
    }
    String trimmed = value.strip();
    if (trimmed.isEmpty()) {
      return NO_HINT;
    }
    return isNumberChar(trimmed.charAt(trimmed.length() - 1))
        ? scaledDecimal(trimmed, 0, trimmed.length(), NANOS_PER_SECOND)
        : goDuration(trimmed);
  }

  /**
   * Parses a {@code Retry-After} value: delta-seconds (decimals such as {@code "1.5"} allowed) or
   * an HTTP-date (RFC 1123, RFC 850 or asctime) relative to {@code wallClockMillis}. Not clamped; a
   * date too far away to express in nanoseconds gives {@code Long.MAX_VALUE}.
   *
   * @param value the header value, may be null
   * @param wallClockMillis now, epoch millis
   * @return nanoseconds, or -1 when unusable or in the past
   */
  static long parseRetryAfterNanos(String value, long wallClockMillis) {
    if (value == null) {
      return NO_HINT;
    }
    String trimmed = value.strip();
    if (trimmed.isEmpty()) {
      return NO_HINT;
    }
    if (isNumberChar(trimmed.charAt(0))) {
      return scaledDecimal(trimmed, 0, trimmed.length(), NANOS_PER_SECOND);
    }
    long dateMillis = httpDateMillis(trimmed, wallClockMillis);
    return dateMillis == Long.MIN_VALUE ? NO_HINT : nanosUntil(dateMillis, wallClockMillis);
  }

  /**
   * Parses a {@code retry-after-ms} style value: decimal milliseconds. Not clamped.
   *
   * @param value the header value, may be null
   * @return nanoseconds, or -1 when unusable
   */
  static long parseMillisNanos(String value) {
    if (value == null) {
      return NO_HINT;
    }
    String trimmed = value.strip();
    return scaledDecimal(trimmed, 0, trimmed.length(), NANOS_PER_MILLI);
  }

  private static long millisHeaderNanos(ResponseHeaders headers, String name) {
    String value = headers.get(name);
    return logIfUnusable(name, value, parseMillisNanos(value));
  }

  private static long retryAfterHeaderNanos(ResponseHeaders headers, long wallClockMillis) {
    String value = headers.get(RETRY_AFTER);
    return logIfUnusable(RETRY_AFTER, value, parseRetryAfterNanos(value, wallClockMillis));
  }

  private static long resetHeaderNanos(ResponseHeaders headers, String name) {
    String value = headers.get(name);
    return logIfUnusable(name, value, parseResetNanos(value));
  }

  /**
   * The reset header that matches the quota the server says was hit; with no or an unknown {@code
   * policy-id}, the larger of the two, since either quota may be the one that bit.
   */
  private static long relevantResetNanos(ResponseHeaders headers) {
    String policy = headers.get(POLICY_ID);
    String policyId = policy == null ? "" : policy.strip();
    if (policyId.equalsIgnoreCase(POLICY_TOKEN_LIMIT)) {
      return resetHeaderNanos(headers, RESET_TOKENS);
    }
    if (policyId.equalsIgnoreCase(POLICY_CALL_LIMIT)) {
      return resetHeaderNanos(headers, RESET_REQUESTS);
    }
    return Math.max(
        resetHeaderNanos(headers, RESET_TOKENS), resetHeaderNanos(headers, RESET_REQUESTS));
  }

  private static long logIfUnusable(String name, String value, long nanos) {
    if (nanos == NO_HINT && value != null) {
      LOG.debug("Ignoring unusable throttle hint {}: '{}'", name, abbreviate(value));
    }
    return nanos;
  }

  private static String abbreviate(String value) {
    return value.length() <= MAX_LOGGED_VALUE_CHARS
        ? value
        : value.substring(0, MAX_LOGGED_VALUE_CHARS) + "…";
  }

  /**
   * Parses a sequence of number-unit pairs, Go's {@code time.ParseDuration} grammar without a sign:
   * {@code 1h2m3.5s}. Units may repeat and come in any order, as in Go.
   */
  private static long goDuration(String s) {
    long total = 0;
    int i = 0;
    int length = s.length();
    while (i < length) {
      int numberStart = i;
      while (i < length && isNumberChar(s.charAt(i))) {
        i++;
      }
      int unitStart = i;
      while (i < length && !isNumberChar(s.charAt(i))) {
        i++;
      }
      long unitNanos = unitNanos(s.substring(unitStart, i));
      if (unitNanos == NO_HINT) {
        return NO_HINT;
      }
      long part = scaledDecimal(s, numberStart, unitStart, unitNanos);
      if (part == NO_HINT || part > Long.MAX_VALUE - total) {
        return NO_HINT;
      }
      total += part;
    }
    return total;
  }

  private static long unitNanos(String unit) {
    switch (unit) {
      case "ns":
        return 1;
      case "us":
      case "\u00b5s": // micro sign, as Go accepts
      case "\u03bcs": // Greek small mu, as Go accepts
        return NANOS_PER_MICRO;
      case "ms":
        return NANOS_PER_MILLI;
      case "s":
        return NANOS_PER_SECOND;
      case "m":
        return NANOS_PER_MINUTE;
      case "h":
        return NANOS_PER_HOUR;
      default:
        return NO_HINT;
    }
  }

  /**
   * Reads {@code s[from, to)} as an unsigned decimal ({@code 12}, {@code 1.5}, {@code .5}, {@code
   * 5.}; at least one digit, ASCII only) and multiplies it by {@code unitNanos}.
   *
   * @return the product, truncated to whole nanoseconds, or -1 when the text is not such a number
   *     or the product does not fit in a {@code long}
   */
  private static long scaledDecimal(String s, int from, int to, long unitNanos) {
    long whole = 0;
    long fraction = 0;
    long fractionScale = 1;
    int fractionDigits = 0;
    boolean seenDot = false;
    boolean seenDigit = false;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c == '.' && !seenDot) {
        seenDot = true;
        continue;
      }
      if (!isAsciiDigit(c)) {
        return NO_HINT;
      }
      seenDigit = true;
      int digit = c - '0';
      if (!seenDot) {
        if (whole > (Long.MAX_VALUE - digit) / 10) {
          return NO_HINT;
        }
        whole = whole * 10 + digit;
      } else if (fractionDigits < MAX_FRACTION_DIGITS) {
        fraction = fraction * 10 + digit;
        fractionScale *= 10;
        fractionDigits++;
      }
    }
    if (!seenDigit || whole > Long.MAX_VALUE / unitNanos) {
      return NO_HINT;
    }
    long wholeNanos = whole * unitNanos;
    // As Go does: unit / scale first, exact whenever the scale divides the unit.
    long fractionNanos = (long) (fraction * ((double) unitNanos / fractionScale));
    return fractionNanos > Long.MAX_VALUE - wholeNanos ? NO_HINT : wholeNanos + fractionNanos;
  }

  private static boolean isNumberChar(char c) {
    return isAsciiDigit(c) || c == '.';
  }

  private static boolean isAsciiDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /**
   * Parses an HTTP-date in any of the three forms RFC 9110 asks recipients to accept.
   *
   * @return epoch millis, or {@code Long.MIN_VALUE} when the text is not such a date
   */
  private static long httpDateMillis(String s, long wallClockMillis) {
    try {
      if (s.indexOf(',') < 0) {
        return LocalDateTime.parse(s, ASCTIME).toInstant(ZoneOffset.UTC).toEpochMilli();
      }
      if (s.indexOf('-') >= 0) {
        LocalDateTime parsed = LocalDateTime.parse(s, RFC_850);
        return withRfc850Century(parsed, wallClockMillis).toInstant(ZoneOffset.UTC).toEpochMilli();
      }
      return OffsetDateTime.parse(s, RFC_1123).toInstant().toEpochMilli();
    } catch (DateTimeException e) {
      return Long.MIN_VALUE;
    }
  }

  /** Moves a two-digit year to the latest century that is at most 50 years ahead of now. */
  private static LocalDateTime withRfc850Century(LocalDateTime parsed, long wallClockMillis) {
    int nowYear =
        LocalDateTime.ofEpochSecond(
                Math.floorDiv(wallClockMillis, TimeUnit.SECONDS.toMillis(1)), 0, ZoneOffset.UTC)
            .getYear();
    int latest = nowYear + TWO_DIGIT_YEAR_LOOKAHEAD;
    int twoDigits = parsed.getYear() % YEARS_PER_CENTURY;
    int year = latest - Math.floorMod(latest - twoDigits, YEARS_PER_CENTURY);
    return parsed.withYear(year);
  }

  /**
   * Nanoseconds from now until the date, -1 when the date is in the past, {@code Long.MAX_VALUE}
   * when too far away for a {@code long}.
   */
  private static long nanosUntil(long dateMillis, long wallClockMillis) {
    if (dateMillis < wallClockMillis) {
      return NO_HINT;
    }
    long deltaMillis = dateMillis - wallClockMillis; // wraps negative only when truly huge
    if (deltaMillis < 0 || deltaMillis > Long.MAX_VALUE / NANOS_PER_MILLI) {
      return Long.MAX_VALUE;
    }
    return deltaMillis * NANOS_PER_MILLI;
  }

  private static DateTimeFormatter strict(DateTimeFormatter formatter) {
    return formatter.withResolverStyle(ResolverStyle.STRICT).withResolverFields(DATE_TIME_FIELDS);
  }
}
