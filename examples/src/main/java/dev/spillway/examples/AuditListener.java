package dev.spillway.examples;

import dev.spillway.CallOutcome;
import dev.spillway.PoolListener;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Writes one audit and chargeback record per call, as a JSON line: who called (consumer id and
 * tags), which backend and deployment answered after how many attempts, the status, and the tokens
 * to charge (flagged when estimated). Never the prompt or the answer; the outcome carries no
 * secrets.
 *
 * <p>Thread-safe when the sink is: the pool calls it from whichever thread completes a call.
 */
public final class AuditListener implements PoolListener {
  private final Consumer<String> sink;

  /**
   * Writes the records to {@code sink}.
   *
   * @param sink receives one JSON line per call, such as a log or a queue
   */
  public AuditListener(Consumer<String> sink) {
    this.sink = Objects.requireNonNull(sink, "'sink' cannot be null.");
  }

  // tag::audit[]
  @Override
  public void onCallComplete(CallOutcome call) {
    sink.accept(
        String.format(
            Locale.ROOT,
            "{\"call\":%s,\"consumer\":%s,\"tags\":%s,\"model\":%s,\"backend\":%s,"
                + "\"deployment\":%s,\"attempts\":%d,\"throttled\":%d,\"status\":%s,\"error\":%s,"
                + "\"inputTokens\":%d,\"outputTokens\":%d,\"estimated\":%b,\"latencyMs\":%d}",
            json(call.callId()),
            json(call.consumerId()),
            json(call.tags()),
            json(call.model()),
            json(call.backendId()),
            json(call.deployment()),
            call.attempts().size(),
            call.throttledAttempts(),
            call.status(),
            json(call.error() == null ? null : call.error().getClass().getSimpleName()),
            call.usage().inputTokens(),
            call.usage().outputTokens(),
            call.usage().estimated(),
            call.latency().toMillis()));
  }

  // end::audit[]

  private static String json(Map<String, String> tags) {
    StringBuilder out = new StringBuilder("{");
    new TreeMap<>(tags)
        .forEach(
            (key, value) ->
                out.append(out.length() > 1 ? "," : "")
                    .append(json(key))
                    .append(':')
                    .append(json(value)));
    return out.append('}').toString();
  }

  private static String json(String value) {
    if (value == null) {
      return "null";
    }
    StringBuilder out = new StringBuilder("\"");
    for (char c : value.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        default -> {
          if (c < 0x20) {
            out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
