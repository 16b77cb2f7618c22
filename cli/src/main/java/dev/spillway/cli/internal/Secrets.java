package dev.spillway.cli.internal;

import dev.spillway.pool.BackendConfig;
import dev.spillway.pool.PoolConfig;
import dev.spillway.pool.StateConfig;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The API keys of a pool and the password of its state store (given apart or in the URI), so that
 * no text the CLI prints from an exception can carry one: every occurrence becomes {@code ***}.
 * Immutable and thread-safe.
 */
final class Secrets {
  private static final String MASK = "***";

  private final List<String> keys;

  private Secrets(List<String> keys) {
    this.keys = keys;
  }

  /**
   * The API keys of every backend of a configuration, and its state store's password.
   *
   * @param config the configuration
   * @return the secrets, longest first (a key containing another is masked whole)
   */
  static Secrets of(PoolConfig config) {
    return new Secrets(
        Stream.concat(
                config.backends().stream().map(BackendConfig::apiKey),
                Stream.of(config.state().password(), StateConfig.uriPassword(config.state().uri())))
            .filter(Objects::nonNull)
            .filter(key -> !key.isBlank())
            .distinct()
            .sorted(Comparator.comparingInt(String::length).reversed())
            .toList());
  }

  /**
   * Masks every key in a text.
   *
   * @param text the text, or {@code null}
   * @return the text with each key replaced by {@code ***}
   */
  String redact(String text) {
    if (text == null) {
      return null;
    }
    String result = text;
    for (String key : keys) {
      result = result.replace(key, MASK);
    }
    return result;
  }
}
