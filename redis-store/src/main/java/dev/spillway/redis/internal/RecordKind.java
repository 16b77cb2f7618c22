package dev.spillway.redis.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spillway.CircuitState;
import dev.spillway.CoolDownReason;
import dev.spillway.spi.PoolStateStore.Circuit;
import dev.spillway.spi.PoolStateStore.CoolDown;
import dev.spillway.spi.PoolStateStore.QuotaReport;

/**
 * The kinds of shared records, each kept in one Redis hash of the pool (field: the route or
 * backend) and announced on the pool's channel: their JSON form. Values equal to a kind's initial
 * value decode to that very constant, which the engine compares by identity.
 */
enum RecordKind {
  /** A route's {@link CoolDown}; field {@code ["backend","deployment"]}. */
  COOL_DOWN("cooldown", CoolDown.NONE) {
    @Override
    ObjectNode encode(Object value) {
      CoolDown c = (CoolDown) value;
      return JsonNodeFactory.instance
          .objectNode()
          .put("until", c.untilEpochMillis())
          .put("throttles", c.consecutiveThrottles())
          .put("probe", c.probeRequired())
          .put("reason", c.reason() == null ? null : c.reason().name());
    }

    @Override
    Object decode(JsonNode v) {
      JsonNode reason = v.path("reason");
      CoolDown c =
          new CoolDown(
              longOf(v, "until"),
              (int) longOf(v, "throttles"),
              v.path("probe").asBoolean(),
              reason.isTextual() ? CoolDownReason.valueOf(reason.asText()) : null);
      return c.equals(CoolDown.NONE) ? CoolDown.NONE : c;
    }
  },

  /** A route's latest {@link QuotaReport}; field {@code ["backend","deployment"]}. */
  QUOTA_REPORT("quota", QuotaReport.NONE) {
    @Override
    ObjectNode encode(Object value) {
      QuotaReport q = (QuotaReport) value;
      ObjectNode n =
          JsonNodeFactory.instance
              .objectNode()
              .put("remainingTokens", q.remainingTokens())
              .put("remainingRequests", q.remainingRequests())
              .put("limitTokens", q.limitTokens())
              .put("limitRequests", q.limitRequests())
              .put("at", q.atEpochMillis());
      if (!Double.isNaN(q.utilization())) {
        n.put("utilization", q.utilization());
      }
      if (q.sentTokensMark() >= 0) {
        n.put("sentTokens", q.sentTokensMark());
      }
      if (q.sentRequestsMark() >= 0) {
        n.put("sentRequests", q.sentRequestsMark());
      }
      return n;
    }

    @Override
    Object decode(JsonNode v) {
      JsonNode u = v.get("utilization");
      QuotaReport q =
          new QuotaReport(
              longOf(v, "remainingTokens"),
              longOf(v, "remainingRequests"),
              longOf(v, "limitTokens"),
              longOf(v, "limitRequests"),
              u != null && u.isNumber() ? u.asDouble() : Double.NaN,
              longOf(v, "at"),
              v.has("sentTokens") ? longOf(v, "sentTokens") : -1,
              v.has("sentRequests") ? longOf(v, "sentRequests") : -1);
      return q.equals(QuotaReport.NONE) ? QuotaReport.NONE : q;
    }
  },

  /**
   * A backend's {@link Circuit}; field {@code ["backend"]}. A half-open circuit stays this
   * instance's: the fleet keeps seeing it open (past its period), so if this instance dies during
   * its probe another takes the probe's lease when it expires and probes instead.
   */
  CIRCUIT("circuit", Circuit.CLOSED) {
    @Override
    boolean shared(Object value) {
      return ((Circuit) value).state() != CircuitState.HALF_OPEN;
    }

    @Override
    ObjectNode encode(Object value) {
      Circuit c = (Circuit) value;
      return JsonNodeFactory.instance
          .objectNode()
          .put("state", c.state().name())
          .put("until", c.openUntilEpochMillis())
          .put("openings", c.openings())
          .put("failures", c.consecutiveFailures())
          .put("auth", c.authFailure());
    }

    @Override
    Object decode(JsonNode v) {
      Circuit c =
          new Circuit(
              CircuitState.valueOf(v.path("state").asText()),
              longOf(v, "until"),
              (int) longOf(v, "openings"),
              (int) longOf(v, "failures"),
              v.path("auth").asBoolean());
      return c.equals(Circuit.CLOSED) ? Circuit.CLOSED : c;
    }
  };

  /** The hash's name after the pool's key prefix, and the record's kind in messages. */
  final String key;

  /** A cell's value before any write. */
  final Object initial;

  RecordKind(String key, Object initial) {
    this.key = key;
    this.initial = initial;
  }

  abstract ObjectNode encode(Object value);

  /** Whether a local value goes to the fleet (else it stays this instance's). */
  boolean shared(Object value) {
    return true;
  }

  /**
   * @throws IllegalArgumentException if the JSON is not a record of this kind
   */
  abstract Object decode(JsonNode value);

  static RecordKind of(String key) {
    for (RecordKind k : values()) {
      if (k.key.equals(key)) {
        return k;
      }
    }
    throw new IllegalArgumentException("unknown record kind '" + key + "'");
  }

  private static long longOf(JsonNode v, String name) {
    JsonNode n = v.get(name);
    if (n == null || !n.canConvertToLong()) {
      throw new IllegalArgumentException("'" + name + "' is not a number: " + n);
    }
    return n.asLong();
  }
}
