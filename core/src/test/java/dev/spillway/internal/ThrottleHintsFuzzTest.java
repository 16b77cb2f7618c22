package dev.spillway.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seeded random and mutated throttle headers: {@link ThrottleHints} never throws, never hangs, and
 * answers either "no hint" or a cool-down in [0, 5 min]; the quota headers parse to a count, a
 * percentage, or "malformed", never to a negative value or an exception.
 */
class ThrottleHintsFuzzTest {
  /** 100 seeds × 30 header sets: 3,000 inputs (unusable values are logged at DEBUG). */
  private static final int SEEDS = 100;

  private static final int TRIES_PER_SEED = 30;

  private static final List<String> NAMES =
      List.of(
          ThrottleHints.RETRY_AFTER_MS,
          ThrottleHints.X_MS_RETRY_AFTER_MS,
          ThrottleHints.RETRY_AFTER,
          ThrottleHints.RESET_TOKENS,
          ThrottleHints.RESET_REQUESTS,
          ThrottleHints.POLICY_ID);

  private static final List<String> SEEDS_OF_VALUES =
      List.of(
          "0",
          "1",
          "1.5",
          "250",
          "30s",
          "1m30s",
          "2h",
          "59.999ms",
          "120",
          "9223372036854775807",
          "1e3",
          "-1",
          "NaN",
          "Infinity",
          "Tue, 01 Dec 2026 21:00:00 GMT",
          "Wed, 21 Oct 2015 07:28:00 GMT",
          "DeploymentRatelimit-Token",
          "deploymentratelimit-call",
          "",
          " ",
          "5833",
          "1.0000000000000000000000001",
          "00000000000000000000000000000001");

  static LongStream seeds() {
    return LongStream.range(0, SEEDS);
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void retryAfterIsNoHintOrACoolDownWithinFiveMinutes(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    assertTimeoutPreemptively(
        Duration.ofSeconds(10),
        () -> {
          for (int i = 0; i < TRIES_PER_SEED; i++) {
            Map<String, String> headers = new HashMap<>();
            int count = random.nextInt(NAMES.size() + 1);
            for (int h = 0; h < count; h++) {
              headers.put(NAMES.get(random.nextInt(NAMES.size())), value(random));
            }
            long wallClock = 1_796_158_800_000L + random.nextLong(-86_400_000L, 86_400_000L);

            long nanos = ThrottleHints.retryAfterNanos(headers::get, wallClock);

            assertThat(
                    nanos == ThrottleHints.NO_HINT
                        || (nanos >= 0 && nanos <= ThrottleHints.MAX_HINT_NANOS))
                .as("hint %d ns from %s", nanos, headers)
                .isTrue();
          }
        });
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void quotaHeadersParseToAValueOrMalformed(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < TRIES_PER_SEED; i++) {
      String value = value(random);
      long count = QuotaMemory.parseCount(value);
      double percent = QuotaMemory.parsePercent(value);
      assertThat(count).as("count of '%s'", value).isGreaterThanOrEqualTo(-1);
      assertThat(Double.isNaN(percent) || (percent >= 0 && Double.isFinite(percent)))
          .as("percent %s of '%s'", percent, value)
          .isTrue();
    }
  }

  /** A known value, mutated: characters replaced, inserted, deleted, repeated, or random text. */
  static String value(SplittableRandom random) {
    if (random.nextInt(8) == 0) {
      return randomText(random, random.nextInt(40));
    }
    StringBuilder s =
        new StringBuilder(SEEDS_OF_VALUES.get(random.nextInt(SEEDS_OF_VALUES.size())));
    int mutations = random.nextInt(4);
    for (int m = 0; m < mutations; m++) {
      int at = s.length() == 0 ? 0 : random.nextInt(s.length());
      switch (random.nextInt(5)) {
        case 0 -> s.insert(at, randomChar(random));
        case 1 -> {
          if (s.length() > 0) {
            s.deleteCharAt(at);
          }
        }
        case 2 -> {
          if (s.length() > 0) {
            s.setCharAt(at, randomChar(random));
          }
        }
        case 3 -> s.append(s, 0, Math.min(s.length(), 1 + random.nextInt(20)));
        default -> s.insert(at, random.nextBoolean() ? "9999999999" : ".");
      }
    }
    return s.toString();
  }

  private static String randomText(SplittableRandom random, int length) {
    StringBuilder s = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      s.append(randomChar(random));
    }
    return s.toString();
  }

  private static char randomChar(SplittableRandom random) {
    return switch (random.nextInt(4)) {
      case 0 -> (char) ('0' + random.nextInt(10));
      case 1 -> " .,:-+eEsmhGMT%".charAt(random.nextInt(15));
      case 2 -> (char) random.nextInt(0x80);
      default -> (char) random.nextInt(0x3000);
    };
  }
}
