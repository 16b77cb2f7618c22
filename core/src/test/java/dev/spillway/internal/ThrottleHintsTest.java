package dev.spillway.internal;

import static dev.spillway.internal.ThrottleHints.MAX_HINT_NANOS;
import static dev.spillway.internal.ThrottleHints.POLICY_ID;
import static dev.spillway.internal.ThrottleHints.RESET_REQUESTS;
import static dev.spillway.internal.ThrottleHints.RESET_TOKENS;
import static dev.spillway.internal.ThrottleHints.RETRY_AFTER;
import static dev.spillway.internal.ThrottleHints.RETRY_AFTER_MS;
import static dev.spillway.internal.ThrottleHints.X_MS_RETRY_AFTER_MS;
import static dev.spillway.internal.ThrottleHints.parseMillisNanos;
import static dev.spillway.internal.ThrottleHints.parseResetNanos;
import static dev.spillway.internal.ThrottleHints.parseRetryAfterNanos;
import static dev.spillway.internal.ThrottleHints.retryAfterNanos;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.spillway.spi.ResponseHeaders;
import dev.spillway.testing.AzureRecordings;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

class ThrottleHintsTest {

  /** The fixed wall clock: the {@code Date} of the recorded 429s. */
  private static final long NOW = Instant.parse("2025-04-24T04:37:04Z").toEpochMilli();

  private static final String TOKEN = "DeploymentRatelimit-Token";
  private static final String CALL = "DeploymentRatelimit-Call";

  /** The recorded 429s (file 11 of azure-recordings/README.md), read from the classpath. */
  private static final String RECORDED_429S =
      "test_mass_evaluate.pyTestMassEvaluatetest_evaluate_conversation"
          + ".EXCERPT-first-2-entries.json";

  private static final long NONE = -1;

  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private Logger hintsLogger;
  private Level previousLevel;
  private boolean previousAdditive;

  /** Captures this class's DEBUG lines instead of printing them (the fuzz test makes thousands). */
  @BeforeEach
  void captureLog() {
    hintsLogger = (Logger) LoggerFactory.getLogger(ThrottleHints.class);
    previousLevel = hintsLogger.getLevel();
    previousAdditive = hintsLogger.isAdditive();
    hintsLogger.setLevel(Level.DEBUG);
    hintsLogger.setAdditive(false);
    logged.start();
    hintsLogger.addAppender(logged);
  }

  @AfterEach
  void restoreLog() {
    hintsLogger.detachAppender(logged);
    logged.stop();
    hintsLogger.setAdditive(previousAdditive);
    hintsLogger.setLevel(previousLevel);
  }

  // ---------------------------------------------------------------- valid forms

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("validHints")
  void readsEveryValidHintForm(String form, ResponseHeaders headers, long expectedNanos) {
    assertThat(retryAfterNanos(headers, NOW)).isEqualTo(expectedNanos);
  }

  static Stream<Arguments> validHints() {
    return Stream.of(
        arguments("retry-after-ms integer", headers(RETRY_AFTER_MS, "1500"), millis(1500)),
        arguments("retry-after-ms decimal", headers(RETRY_AFTER_MS, "1500.5"), 1_500_500_000L),
        arguments("retry-after-ms below 1 ms", headers(RETRY_AFTER_MS, "0.25"), 250_000L),
        arguments("retry-after-ms leading dot", headers(RETRY_AFTER_MS, ".5"), 500_000L),
        arguments("retry-after-ms padded", headers(RETRY_AFTER_MS, "  2000\t"), millis(2000)),
        arguments("retry-after-ms zero", headers(RETRY_AFTER_MS, "0"), 0L),
        arguments(
            "x-ms-retry-after-ms integer", headers(X_MS_RETRY_AFTER_MS, "2500"), millis(2500)),
        arguments("x-ms-retry-after-ms decimal", headers(X_MS_RETRY_AFTER_MS, "10.5"), 10_500_000L),
        arguments("header names ignore case", headers("Retry-After-Ms", "700"), millis(700)),
        arguments("retry-after seconds", headers(RETRY_AFTER, "3"), seconds(3)),
        arguments("retry-after decimal seconds", headers(RETRY_AFTER, "1.5"), millis(1500)),
        arguments("retry-after zero", headers(RETRY_AFTER, "0"), 0L),
        arguments("retry-after padded", headers(RETRY_AFTER, " \t7 "), seconds(7)),
        arguments(
            "retry-after leading zeros",
            headers(RETRY_AFTER, "0000000000000000000000042"),
            seconds(42)),
        arguments(
            "retry-after RFC 1123 date",
            headers(RETRY_AFTER, "Thu, 24 Apr 2025 04:37:14 GMT"),
            seconds(10)),
        arguments(
            "retry-after RFC 1123 date now",
            headers(RETRY_AFTER, "Thu, 24 Apr 2025 04:37:04 GMT"),
            0L),
        arguments(
            "retry-after RFC 1123 numeric offset",
            headers(RETRY_AFTER, "Thu, 24 Apr 2025 06:37:24 +0200"),
            seconds(20)),
        arguments(
            "retry-after RFC 1123 lower case",
            headers(RETRY_AFTER, "thu, 24 apr 2025 04:37:14 gmt"),
            seconds(10)),
        arguments(
            "retry-after RFC 1123 wrong weekday still read",
            headers(RETRY_AFTER, "Fri, 24 Apr 2025 04:37:14 GMT"),
            seconds(10)),
        arguments(
            "retry-after RFC 850 date",
            headers(RETRY_AFTER, "Thursday, 24-Apr-25 04:37:24 GMT"),
            seconds(20)),
        arguments(
            "retry-after asctime date",
            headers(RETRY_AFTER, "Thu Apr 24 04:37:34 2025"),
            seconds(30)),
        arguments("reset-tokens seconds", tokenReset("43"), seconds(43)),
        arguments("reset-tokens decimal seconds", tokenReset("0.5"), millis(500)),
        arguments("reset-tokens 6s", tokenReset("6s"), seconds(6)),
        arguments("reset-tokens 1m30s", tokenReset("1m30s"), seconds(90)),
        arguments("reset-tokens 250ms", tokenReset("250ms"), millis(250)),
        arguments("reset-tokens 20ms", tokenReset("20ms"), millis(20)),
        arguments("reset-tokens 2m0.5s", tokenReset("2m0.5s"), millis(120_500)),
        arguments("reset-requests seconds", callReset("3"), seconds(3)),
        arguments("reset-requests 1m", callReset("1m"), seconds(60)),
        arguments("reset-requests padded", callReset(" 4s "), seconds(4)),
        arguments("reset-tokens alone, no policy", headers(RESET_TOKENS, "8s"), seconds(8)),
        arguments("reset-requests alone, no policy", headers(RESET_REQUESTS, "9"), seconds(9)));
  }

  // ---------------------------------------------------------------- the value parsers, unclamped

  @ParameterizedTest(name = "[{index}] \"{0}\" -> {1} ns")
  @CsvSource(
      delimiter = '|',
      value = {
        "43|43000000000",
        "0.5|500000000",
        "0|0",
        "0s|0",
        "5.|5000000000",
        ".5s|500000000",
        "6s|6000000000",
        "1m30s|90000000000",
        "250ms|250000000",
        "20ms|20000000",
        "1h|3600000000000",
        "2m0.5s|120500000000",
        "1h2m3.5s|3723500000000",
        "1.5ms|1500000",
        "500us|500000",
        "500\u00b5s|500000",
        "500\u03bcs|500000",
        "42ns|42",
        "1s1s|2000000000",
        "0.0000000005|0",
        "9223372036854775807ns|9223372036854775807",
        "2562047h|9223369200000000000",
      })
  void parsesResetSecondsAndGoDurations(String value, long expectedNanos) {
    assertThat(parseResetNanos(value)).isEqualTo(expectedNanos);
  }

  @ParameterizedTest(name = "[{index}] \"{0}\" -> {1} ns")
  @CsvSource(
      delimiter = '|',
      value = {
        "3|3000000000",
        "1.5|1500000000",
        "86400|86400000000000",
        "Thu, 24 Apr 2025 04:38:04 GMT|60000000000",
        "Sun, 24 Apr 2050 04:37:04 GMT|788918400000000000",
        "Fri, 31 Dec 9999 23:59:59 GMT|9223372036854775807",
      })
  void parsesRetryAfterUnclamped(String value, long expectedNanos) {
    assertThat(parseRetryAfterNanos(value, NOW)).isEqualTo(expectedNanos);
  }

  @Test
  void readsRfc850TwoDigitYearsWithinFiftyYearsAhead() {
    long in2070 = Instant.parse("2070-01-01T00:00:00Z").toEpochMilli();
    // "94" 76 years ahead of 2018 would be too far: it means 1994, in the past.
    long in2018 = Instant.parse("2018-01-01T00:00:00Z").toEpochMilli();
    assertThat(parseRetryAfterNanos("Sunday, 06-Nov-94 08:49:37 GMT", in2018)).isEqualTo(NONE);
    // Seen from 2070, "94" is 24 years ahead: 2094.
    assertThat(parseRetryAfterNanos("Saturday, 06-Nov-94 08:49:37 GMT", in2070))
        .isEqualTo(
            TimeUnit.MILLISECONDS.toNanos(
                Instant.parse("2094-11-06T08:49:37Z").toEpochMilli() - in2070));
  }

  @Test
  void retryAfterDoesNotTakeGoDurations() {
    assertThat(retryAfterNanos(headers(RETRY_AFTER, "6s"), NOW)).isEqualTo(NONE);
    assertThat(retryAfterNanos(headers(RETRY_AFTER, "1m30s"), NOW)).isEqualTo(NONE);
    assertThat(retryAfterNanos(headers(RETRY_AFTER, "250ms"), NOW)).isEqualTo(NONE);
  }

  @Test
  void millisHeadersTakeNeitherDatesNorUnits() {
    assertThat(retryAfterNanos(headers(RETRY_AFTER_MS, "Thu, 24 Apr 2025 04:37:14 GMT"), NOW))
        .isEqualTo(NONE);
    assertThat(retryAfterNanos(headers(X_MS_RETRY_AFTER_MS, "250ms"), NOW)).isEqualTo(NONE);
  }

  @Test
  void resetHeadersDoNotTakeDates() {
    assertThat(retryAfterNanos(tokenReset("Thu, 24 Apr 2025 04:37:14 GMT"), NOW)).isEqualTo(NONE);
  }

  @Test
  void unparseableDateIsUnusableWhateverTheWallClock() {
    assertThat(parseRetryAfterNanos("Thu, 24 Apr", Long.MIN_VALUE)).isEqualTo(NONE);
    assertThat(parseRetryAfterNanos("Thu, 24 Apr", -1_000)).isEqualTo(NONE);
  }

  @Test
  void parsersReturnNoHintForAbsentValues() {
    assertThat(parseResetNanos(null)).isEqualTo(NONE);
    assertThat(parseRetryAfterNanos(null, NOW)).isEqualTo(NONE);
    assertThat(parseMillisNanos(null)).isEqualTo(NONE);
  }

  // ---------------------------------------------------------------- precedence

  @Test
  void retryAfterMsWinsOverEveryOtherHeader() {
    ResponseHeaders all =
        headers(
            RETRY_AFTER_MS, "1500",
            X_MS_RETRY_AFTER_MS, "2500",
            RETRY_AFTER, "7",
            POLICY_ID, TOKEN,
            RESET_TOKENS, "9");
    assertThat(retryAfterNanos(all, NOW)).isEqualTo(millis(1500));
  }

  @Test
  void retryAfterMsWinsOverXMsRetryAfterMsEitherWay() {
    assertThat(retryAfterNanos(headers(RETRY_AFTER_MS, "1500", X_MS_RETRY_AFTER_MS, "2500"), NOW))
        .isEqualTo(millis(1500));
    assertThat(retryAfterNanos(headers(RETRY_AFTER_MS, "2500", X_MS_RETRY_AFTER_MS, "1500"), NOW))
        .isEqualTo(millis(2500));
  }

  @Test
  void retryAfterMsWinsOverRetryAfterEvenWhenShorter() {
    assertThat(retryAfterNanos(headers(RETRY_AFTER_MS, "100", RETRY_AFTER, "30"), NOW))
        .isEqualTo(millis(100));
  }

  @Test
  void retryAfterMsWinsOverResetEvenWhenShorter() {
    assertThat(
            retryAfterNanos(
                headers(RETRY_AFTER_MS, "100", POLICY_ID, TOKEN, RESET_TOKENS, "30"), NOW))
        .isEqualTo(millis(100));
  }

  @Test
  void xMsRetryAfterMsWinsOverRetryAfterAndResetEvenWhenShorter() {
    assertThat(
            retryAfterNanos(
                headers(
                    X_MS_RETRY_AFTER_MS, "2500",
                    RETRY_AFTER, "7",
                    POLICY_ID, TOKEN,
                    RESET_TOKENS, "9"),
                NOW))
        .isEqualTo(millis(2500));
  }

  @Test
  void zeroRetryAfterMsIsARealHintAndWins() {
    assertThat(retryAfterNanos(headers(RETRY_AFTER_MS, "0", RETRY_AFTER, "3"), NOW)).isZero();
    assertThat(retryAfterNanos(headers(X_MS_RETRY_AFTER_MS, "0", RETRY_AFTER, "3"), NOW)).isZero();
  }

  @Test
  void invalidRetryAfterMsFallsThroughToRetryAfter() {
    assertThat(retryAfterNanos(headers(RETRY_AFTER_MS, "abc", RETRY_AFTER, "3"), NOW))
        .isEqualTo(seconds(3));
  }

  @Test
  void largerOfRetryAfterAndResetWinsEitherWay() {
    assertThat(retryAfterNanos(headers(RETRY_AFTER, "7", POLICY_ID, TOKEN, RESET_TOKENS, "9"), NOW))
        .isEqualTo(seconds(9));
    assertThat(retryAfterNanos(headers(RETRY_AFTER, "9", POLICY_ID, TOKEN, RESET_TOKENS, "7"), NOW))
        .isEqualTo(seconds(9));
  }

  @Test
  void retryAfterDateIsComparedWithReset() {
    ResponseHeaders dateLater =
        headers(RETRY_AFTER, "Thu, 24 Apr 2025 04:37:14 GMT", POLICY_ID, CALL, RESET_REQUESTS, "4");
    ResponseHeaders resetLater =
        headers(RETRY_AFTER, "Thu, 24 Apr 2025 04:37:06 GMT", POLICY_ID, CALL, RESET_REQUESTS, "4");
    assertThat(retryAfterNanos(dateLater, NOW)).isEqualTo(seconds(10));
    assertThat(retryAfterNanos(resetLater, NOW)).isEqualTo(seconds(4));
  }

  @Test
  void noHintWithoutAnyThrottleHeader() {
    assertThat(retryAfterNanos(ResponseHeaders.NONE, NOW)).isEqualTo(NONE);
    assertThat(retryAfterNanos(headers(POLICY_ID, TOKEN, "x-ratelimit-limit-tokens", "10000"), NOW))
        .isEqualTo(NONE);
  }

  @Test
  void nullHeadersAreRejected() {
    assertThatNullPointerException()
        .isThrownBy(() -> retryAfterNanos(null, NOW))
        .withMessageContaining("headers");
  }

  // ---------------------------------------------------------------- policy-id

  @Test
  void tokenPolicyReadsResetTokensEvenWhenResetRequestsIsLonger() {
    assertThat(
            retryAfterNanos(
                headers(POLICY_ID, TOKEN, RESET_TOKENS, "10", RESET_REQUESTS, "20"), NOW))
        .isEqualTo(seconds(10));
  }

  @Test
  void callPolicyReadsResetRequestsEvenWhenResetTokensIsLonger() {
    assertThat(
            retryAfterNanos(
                headers(POLICY_ID, CALL, RESET_TOKENS, "20", RESET_REQUESTS, "10"), NOW))
        .isEqualTo(seconds(10));
  }

  @Test
  void policyIdIsMatchedIgnoringCaseAndSurroundingSpace() {
    assertThat(
            retryAfterNanos(
                headers(
                    POLICY_ID,
                    "deploymentratelimit-token",
                    RESET_TOKENS,
                    "10",
                    RESET_REQUESTS,
                    "20"),
                NOW))
        .isEqualTo(seconds(10));
    assertThat(
            retryAfterNanos(
                headers(
                    POLICY_ID,
                    " DEPLOYMENTRATELIMIT-CALL ",
                    RESET_TOKENS,
                    "20",
                    RESET_REQUESTS,
                    "10"),
                NOW))
        .isEqualTo(seconds(10));
  }

  @Test
  void withoutPolicyIdTheLargerResetWinsEitherWay() {
    assertThat(retryAfterNanos(headers(RESET_TOKENS, "10", RESET_REQUESTS, "20"), NOW))
        .isEqualTo(seconds(20));
    assertThat(retryAfterNanos(headers(RESET_TOKENS, "20", RESET_REQUESTS, "10"), NOW))
        .isEqualTo(seconds(20));
  }

  @Test
  void unknownPolicyIdTakesTheLargerResetEitherWay() {
    assertThat(
            retryAfterNanos(
                headers(POLICY_ID, "SomethingElse", RESET_TOKENS, "10", RESET_REQUESTS, "20"), NOW))
        .isEqualTo(seconds(20));
    assertThat(
            retryAfterNanos(
                headers(POLICY_ID, "SomethingElse", RESET_TOKENS, "20", RESET_REQUESTS, "10"), NOW))
        .isEqualTo(seconds(20));
  }

  @Test
  void tokenPolicyDoesNotBorrowTheRequestsReset() {
    assertThat(retryAfterNanos(headers(POLICY_ID, TOKEN, RESET_REQUESTS, "20"), NOW))
        .isEqualTo(NONE);
    assertThat(
            retryAfterNanos(headers(POLICY_ID, TOKEN, RETRY_AFTER, "3", RESET_REQUESTS, "20"), NOW))
        .isEqualTo(seconds(3));
  }

  @Test
  void callPolicyDoesNotBorrowTheTokensReset() {
    assertThat(retryAfterNanos(headers(POLICY_ID, CALL, RESET_TOKENS, "20"), NOW)).isEqualTo(NONE);
  }

  // ---------------------------------------------------------------- clamp

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("clampCases")
  void clampsToFiveMinutes(String form, ResponseHeaders headers, long expectedNanos) {
    assertThat(retryAfterNanos(headers, NOW)).isEqualTo(expectedNanos);
  }

  static Stream<Arguments> clampCases() {
    return Stream.of(
        arguments("retry-after one day", headers(RETRY_AFTER, "86400"), MAX_HINT_NANOS),
        arguments("retry-after exactly 5 min", headers(RETRY_AFTER, "300"), MAX_HINT_NANOS),
        arguments("retry-after just under", headers(RETRY_AFTER, "299.5"), millis(299_500)),
        arguments("retry-after-ms just over", headers(RETRY_AFTER_MS, "300001"), MAX_HINT_NANOS),
        arguments("retry-after-ms just under", headers(RETRY_AFTER_MS, "299999"), millis(299_999)),
        arguments(
            "x-ms-retry-after-ms huge", headers(X_MS_RETRY_AFTER_MS, "100000000"), MAX_HINT_NANOS),
        arguments("reset-tokens 1h", tokenReset("1h"), MAX_HINT_NANOS),
        arguments(
            "reset-requests max nanos",
            headers(RESET_REQUESTS, "9223372036854775807ns"),
            MAX_HINT_NANOS),
        arguments(
            "date in year 9999",
            headers(RETRY_AFTER, "Fri, 31 Dec 9999 23:59:59 GMT"),
            MAX_HINT_NANOS));
  }

  @Test
  void maxHintIsFiveMinutes() {
    assertThat(MAX_HINT_NANOS).isEqualTo(TimeUnit.MINUTES.toNanos(5));
  }

  // ---------------------------------------------------------------- unusable values

  /** Values no throttle header accepts; each also tried behind a valid lower-precedence header. */
  static Stream<String> unusableEverywhere() {
    return Stream.of(
        "",
        " ",
        "\t",
        "abc",
        "null",
        "-1",
        "-0",
        "-0.5",
        "-1s",
        "+5",
        "--1",
        "1-",
        "NaN",
        "nan",
        "Infinity",
        "-Infinity",
        "\u221e",
        "1e400",
        "1e3",
        "1E3",
        "0.5e1",
        "99999999999999999999",
        "9223372036854775808",
        "9223372036854775808ns",
        "2562048h",
        "1h9223372036854775807ns",
        "3s;x",
        "12abc",
        "1.2.3",
        "1.5.s",
        ".",
        "..5",
        "1,5",
        "0x1F",
        "1_000",
        "1/2",
        "\u00bd",
        "\u0661\u0662",
        "\uff13",
        "1 2",
        "5 s",
        "1 s",
        "1s-1s",
        "1m30",
        "s",
        "ms",
        "\u0000",
        "7\u0000",
        "\ud83d\ude00",
        "Thu, 24 Apr 2025 04:37:03 GMT",
        "Thu, 31 Apr 2025 04:37:14 GMT",
        "Thu, 24 Apr 2025 24:00:00 GMT",
        "Thu, 24 Apr 2025 04:37:14",
        "Thu Apr 24 04:37:14 2025 GMT",
        "Thursday, 24-Apr-25 04:37:14 UTC");
  }

  @ParameterizedTest(name = "[{index}] \"{0}\"")
  @MethodSource("unusableEverywhere")
  void valueParsersRejectUnusableValues(String value) {
    assertThat(parseMillisNanos(value)).isEqualTo(NONE);
    assertThat(parseRetryAfterNanos(value, NOW)).isEqualTo(NONE);
    assertThat(parseResetNanos(value)).isEqualTo(NONE);
  }

  @ParameterizedTest(name = "[{index}] \"{0}\"")
  @MethodSource("unusableEverywhere")
  void unusableRetryAfterMsIsIgnoredForXMsRetryAfterMs(String value) {
    assertThat(retryAfterNanos(headers(RETRY_AFTER_MS, value), NOW)).isEqualTo(NONE);
    assertThat(retryAfterNanos(headers(RETRY_AFTER_MS, value, X_MS_RETRY_AFTER_MS, "2000"), NOW))
        .isEqualTo(millis(2000));
  }

  @ParameterizedTest(name = "[{index}] \"{0}\"")
  @MethodSource("unusableEverywhere")
  void unusableXMsRetryAfterMsIsIgnoredForRetryAfter(String value) {
    assertThat(retryAfterNanos(headers(X_MS_RETRY_AFTER_MS, value), NOW)).isEqualTo(NONE);
    assertThat(retryAfterNanos(headers(X_MS_RETRY_AFTER_MS, value, RETRY_AFTER, "3"), NOW))
        .isEqualTo(seconds(3));
  }

  @ParameterizedTest(name = "[{index}] \"{0}\"")
  @MethodSource("unusableEverywhere")
  void unusableRetryAfterIsIgnoredForReset(String value) {
    assertThat(retryAfterNanos(headers(RETRY_AFTER, value), NOW)).isEqualTo(NONE);
    assertThat(
            retryAfterNanos(headers(RETRY_AFTER, value, POLICY_ID, TOKEN, RESET_TOKENS, "4"), NOW))
        .isEqualTo(seconds(4));
  }

  @ParameterizedTest(name = "[{index}] \"{0}\"")
  @MethodSource("unusableEverywhere")
  void unusableResetTokensIsIgnoredForRetryAfterOrOtherReset(String value) {
    assertThat(retryAfterNanos(headers(POLICY_ID, TOKEN, RESET_TOKENS, value), NOW))
        .isEqualTo(NONE);
    assertThat(
            retryAfterNanos(headers(POLICY_ID, TOKEN, RESET_TOKENS, value, RETRY_AFTER, "5"), NOW))
        .isEqualTo(seconds(5));
    assertThat(retryAfterNanos(headers(RESET_TOKENS, value, RESET_REQUESTS, "6"), NOW))
        .isEqualTo(seconds(6));
  }

  @ParameterizedTest(name = "[{index}] \"{0}\"")
  @MethodSource("unusableEverywhere")
  void unusableResetRequestsIsIgnoredForRetryAfterOrOtherReset(String value) {
    assertThat(retryAfterNanos(headers(POLICY_ID, CALL, RESET_REQUESTS, value), NOW))
        .isEqualTo(NONE);
    assertThat(
            retryAfterNanos(headers(POLICY_ID, CALL, RESET_REQUESTS, value, RETRY_AFTER, "5"), NOW))
        .isEqualTo(seconds(5));
    assertThat(retryAfterNanos(headers(RESET_REQUESTS, value, RESET_TOKENS, "6"), NOW))
        .isEqualTo(seconds(6));
  }

  @Test
  void ignoredValueIsLoggedAtDebugWithHeaderAndValue() {
    long hint =
        retryAfterNanos(headers(RETRY_AFTER, "12abc", POLICY_ID, TOKEN, RESET_TOKENS, "43"), NOW);

    assertThat(hint).isEqualTo(seconds(43));
    assertThat(logged.list).hasSize(1);
    ILoggingEvent event = logged.list.get(0);
    assertThat(event.getLevel()).isEqualTo(Level.DEBUG);
    assertThat(event.getFormattedMessage()).contains(RETRY_AFTER).contains("'12abc'");
  }

  @Test
  void usableAndAbsentValuesAreNotLogged() {
    retryAfterNanos(headers(RETRY_AFTER, "3", POLICY_ID, CALL, RESET_REQUESTS, "3"), NOW);
    retryAfterNanos(ResponseHeaders.NONE, NOW);

    assertThat(logged.list).isEmpty();
  }

  @Test
  void longIgnoredValueIsAbbreviatedInTheLog() {
    String huge = "9".repeat(5_000);

    assertThat(retryAfterNanos(headers(RETRY_AFTER_MS, huge), NOW)).isEqualTo(NONE);

    assertThat(logged.list).hasSize(1);
    String message = logged.list.get(0).getFormattedMessage();
    assertThat(message).contains(RETRY_AFTER_MS).contains("9".repeat(100)).hasSizeLessThan(200);
  }

  @Test
  void ignoredValueOfOneHundredCharsIsLoggedWhole() {
    String hundred = "x".repeat(100);

    retryAfterNanos(headers(RETRY_AFTER, hundred), NOW);

    assertThat(logged.list).hasSize(1);
    assertThat(logged.list.get(0).getFormattedMessage()).contains("'" + hundred + "'");
  }

  // ---------------------------------------------------------------- the recorded Azure 429s

  @Test
  void recordedTokenLimit429CoolsDownFor43Seconds() {
    List<ResponseHeaders> recorded = recorded429Headers();
    ResponseHeaders tokenLimit = recorded.get(0);

    assertThat(tokenLimit.get(POLICY_ID)).isEqualTo(TOKEN);
    assertThat(tokenLimit.get(RETRY_AFTER)).isEqualTo("43");
    assertThat(tokenLimit.get(RESET_TOKENS)).isEqualTo("43");
    assertThat(tokenLimit.get(RETRY_AFTER_MS)).isNull();
    assertThat(retryAfterNanos(tokenLimit, recordedDate(tokenLimit))).isEqualTo(seconds(43));
  }

  @Test
  void recordedCallLimit429CoolsDownFor3Seconds() {
    List<ResponseHeaders> recorded = recorded429Headers();
    ResponseHeaders callLimit = recorded.get(1);

    assertThat(callLimit.get(POLICY_ID)).isEqualTo(CALL);
    assertThat(callLimit.get(RETRY_AFTER)).isEqualTo("3");
    assertThat(callLimit.get(RESET_REQUESTS)).isEqualTo("3");
    assertThat(callLimit.get(RETRY_AFTER_MS)).isNull();
    assertThat(retryAfterNanos(callLimit, recordedDate(callLimit))).isEqualTo(seconds(3));
  }

  @Test
  void recordedTokenLimit429WithoutRetryAfterFallsBackToResetTokens() {
    ResponseHeaders tokenLimit = recorded429Headers().get(0);
    ResponseHeaders withoutRetryAfter =
        name -> RETRY_AFTER.equalsIgnoreCase(name) ? null : tokenLimit.get(name);

    assertThat(retryAfterNanos(withoutRetryAfter, NOW)).isEqualTo(seconds(43));
  }

  /** The {@code ResponseHeaders} objects of the recording, read with a small scan (no JSON lib). */
  private static List<ResponseHeaders> recorded429Headers() {
    String json = AzureRecordings.read(RECORDED_429S);
    Pattern block = Pattern.compile("\"ResponseHeaders\"\\s*:\\s*\\{([^}]*)}");
    Pattern pair = Pattern.compile("\"([^\"]+)\"\\s*:\\s*\"([^\"]*)\"");
    List<ResponseHeaders> all = new ArrayList<>();
    Matcher blocks = block.matcher(json);
    while (blocks.find()) {
      Map<String, String> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      Matcher pairs = pair.matcher(blocks.group(1));
      while (pairs.find()) {
        map.put(pairs.group(1), pairs.group(2));
      }
      all.add(new MapHeaders(map));
    }
    assertThat(all).hasSize(2);
    assertThat(json).contains("\"StatusCode\": 429");
    return all;
  }

  private static long recordedDate(ResponseHeaders headers) {
    return OffsetDateTime.parse(headers.get("Date"), DateTimeFormatter.RFC_1123_DATE_TIME)
        .toInstant()
        .toEpochMilli();
  }

  // ---------------------------------------------------------------- randomized

  private static final String[] FRAGMENTS = {
    "0",
    "1",
    "2",
    "3",
    "5",
    "7",
    "9",
    ".",
    "-",
    "+",
    "e",
    "E",
    "s",
    "m",
    "h",
    "ms",
    "ns",
    "us",
    "\u00b5s",
    ":",
    ",",
    " ",
    "\t",
    "GMT",
    "Thu, ",
    "Apr",
    "24",
    "-Apr-",
    "2025",
    "04:37:",
    "x",
    "\u00e9",
    "\u0663",
    "\ud83d\ude00",
    "\u0000",
    "NaN",
    "Infinity",
    "99999999999999999999",
    "9223372036854775807",
    "00000000000000000000000000001"
  };

  private static final String[] HEADER_NAMES = {
    RETRY_AFTER_MS, X_MS_RETRY_AFTER_MS, RETRY_AFTER, RESET_TOKENS, RESET_REQUESTS
  };

  private static final String[] POLICIES = {null, TOKEN, CALL, "deploymentratelimit-call", "other"};

  @Test
  void randomValuesNeverThrowAndStayInRange() {
    Random random = new Random(20250424L);
    int usable = 0;
    for (int i = 0; i < 10_000; i++) {
      Map<String, String> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      for (String name : HEADER_NAMES) {
        if (random.nextInt(3) > 0) {
          map.put(name, randomValue(random));
        }
      }
      String policy = POLICIES[random.nextInt(POLICIES.length)];
      if (policy != null) {
        map.put(POLICY_ID, policy);
      }
      long now = random.nextInt(10) == 0 ? random.nextLong() : NOW;

      long hint = retryAfterNanos(new MapHeaders(map), now);

      assertThat(hint == NONE || (hint >= 0 && hint <= MAX_HINT_NANOS))
          .as("hint %d for headers %s", hint, map)
          .isTrue();
      usable += hint == NONE ? 0 : 1;
      for (String value : map.values()) {
        assertThat(parseMillisNanos(value)).as(value).isGreaterThanOrEqualTo(NONE);
        assertThat(parseRetryAfterNanos(value, now)).as(value).isGreaterThanOrEqualTo(NONE);
        assertThat(parseResetNanos(value)).as(value).isGreaterThanOrEqualTo(NONE);
      }
      logged.list.clear();
    }
    // The generator must reach the parsers' success paths too, not only their rejections.
    assertThat(usable).as("usable hints among 10000").isBetween(500, 9_500);
  }

  private static String randomValue(Random random) {
    StringBuilder value = new StringBuilder();
    int fragments = random.nextInt(12);
    for (int i = 0; i < fragments; i++) {
      value.append(FRAGMENTS[random.nextInt(FRAGMENTS.length)]);
    }
    if (random.nextInt(50) == 0) {
      value.append("9".repeat(random.nextInt(400)));
    }
    return value.toString();
  }

  // ---------------------------------------------------------------- helpers

  private static ResponseHeaders headers(String... namesAndValues) {
    Map<String, String> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (int i = 0; i < namesAndValues.length; i += 2) {
      map.put(namesAndValues[i], namesAndValues[i + 1]);
    }
    return new MapHeaders(Collections.unmodifiableMap(map));
  }

  private static ResponseHeaders tokenReset(String value) {
    return headers(POLICY_ID, TOKEN, RESET_TOKENS, value);
  }

  private static ResponseHeaders callReset(String value) {
    return headers(POLICY_ID, CALL, RESET_REQUESTS, value);
  }

  private static long seconds(long seconds) {
    return TimeUnit.SECONDS.toNanos(seconds);
  }

  private static long millis(long millis) {
    return TimeUnit.MILLISECONDS.toNanos(millis);
  }

  /** Case-insensitive headers that print their entries in test names. */
  private record MapHeaders(Map<String, String> entries) implements ResponseHeaders {
    @Override
    public String get(String name) {
      return entries.get(name);
    }

    @Override
    public String toString() {
      return entries.toString();
    }
  }
}
