package dev.spillway.simulator.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spillway.simulator.DeploymentStats;
import dev.spillway.simulator.Faults;
import dev.spillway.simulator.SimulatorStats;
import io.netty.buffer.ByteBufInputStream;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The simulator's own endpoints, served on every resource's port without authentication:
 *
 * <ul>
 *   <li>{@code GET /_sim/stats}: every deployment's books;
 *   <li>{@code POST /_sim/stats/reset}: starts a new period, answers the fresh books;
 *   <li>{@code GET /_sim/faults}: the faults in force;
 *   <li>{@code POST /_sim/faults} with {@code {"resource": id, "deployment": name?, "faults":
 *       {...}?, "refuseConnections": bool?, "recoverAfterMs": n?}}: replaces the faults of one
 *       deployment (or of every deployment of the resource), and/or makes the resource refuse
 *       connections (recovering after the given delay, if any) or accept them again;
 *   <li>{@code POST /_sim/utilization} with {@code {"resource": id, "deployment": name?,
 *       "utilization": u}}: sets the utilization of one PTU deployment (or of every PTU deployment
 *       of the resource) to {@code u} (1.0 is 100 %), answers the utilizations now.
 * </ul>
 *
 * Thread-safe (stateless apart from the core).
 */
final class ControlApi {
  static final String PREFIX = "/_sim/";
  private static final JsonFactory JSON = new JsonFactory();
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Set<String> REQUEST_KEYS =
      Set.of("resource", "deployment", "faults", "refuseConnections", "recoverAfterMs");
  private static final Set<String> UTILIZATION_KEYS =
      Set.of("resource", "deployment", "utilization");
  private static final Set<String> FAULT_KEYS =
      Set.of(
          "errorRate",
          "errorStatus",
          "errorRetryAfterMs",
          "resetBeforeHeadersRate",
          "resetMidStreamRate",
          "stallMs",
          "latencyMultiplier",
          "limitFactor");

  private final SimulatorCore core;

  ControlApi(SimulatorCore core) {
    this.core = core;
  }

  Plan answer(FullHttpRequest request, QueryStringDecoder uri, boolean keepAlive) {
    String path = uri.path();
    HttpMethod method = request.method();
    if (path.equals("/_sim/stats") && method.equals(HttpMethod.GET)) {
      return ok(statsJson(core.stats()), keepAlive, null);
    }
    if (path.equals("/_sim/stats/reset") && method.equals(HttpMethod.POST)) {
      core.resetStats();
      return ok(statsJson(core.stats()), keepAlive, null);
    }
    if (path.equals("/_sim/faults") && method.equals(HttpMethod.GET)) {
      return ok(faultsJson(core.resources()), keepAlive, null);
    }
    if (path.equals("/_sim/utilization") && method.equals(HttpMethod.POST)) {
      try {
        return changeUtilization(request, keepAlive);
      } catch (IllegalArgumentException e) {
        return reply(
            HttpResponseStatus.BAD_REQUEST,
            AzureBodies.error("BadRequest", e.getMessage()),
            keepAlive,
            null);
      }
    }
    if (path.equals("/_sim/faults") && method.equals(HttpMethod.POST)) {
      try {
        return changeFaults(request, keepAlive);
      } catch (IllegalArgumentException e) {
        return reply(
            HttpResponseStatus.BAD_REQUEST,
            AzureBodies.error("BadRequest", e.getMessage()),
            keepAlive,
            null);
      }
    }
    return reply(
        HttpResponseStatus.NOT_FOUND,
        AzureBodies.error("404", "Resource not found"),
        keepAlive,
        null);
  }

  private Plan changeUtilization(FullHttpRequest request, boolean keepAlive) {
    JsonNode body = object(request);
    rejectUnknown(body, UTILIZATION_KEYS, "request");
    ResourceServer resource = core.resource(text(body, "resource"));
    List<DeploymentRuntime> targets =
        body.hasNonNull("deployment")
            ? List.of(core.deployment(resource.config().id(), text(body, "deployment")))
            : resource.deployments().values().stream().filter(d -> d.config().ptu()).toList();
    if (targets.isEmpty()) {
      throw new IllegalArgumentException(
          "resource '" + resource.config().id() + "' has no PTU deployment");
    }
    JsonNode value = body.get("utilization");
    if (value == null || !value.isNumber()) {
      throw new IllegalArgumentException("utilization must be a number, was " + value);
    }
    targets.forEach(d -> d.utilization(value.doubleValue()));
    return ok(
        write(
            g -> {
              g.writeStartObject();
              g.writeStringField("resource", resource.config().id());
              g.writeArrayFieldStart("deployments");
              for (DeploymentRuntime d : targets) {
                g.writeStartObject();
                g.writeStringField("deployment", d.config().name());
                g.writeNumberField("utilization", d.utilization());
                g.writeEndObject();
              }
              g.writeEndArray();
              g.writeEndObject();
            }),
        keepAlive,
        null);
  }

  private static JsonNode object(FullHttpRequest request) {
    JsonNode body;
    try {
      body = MAPPER.readTree(new ByteBufInputStream(request.content()));
    } catch (IOException e) {
      throw new IllegalArgumentException("the body is not valid JSON: " + e.getMessage(), e);
    }
    if (body == null || !body.isObject()) {
      throw new IllegalArgumentException("the body must be a JSON object");
    }
    return body;
  }

  private Plan changeFaults(FullHttpRequest request, boolean keepAlive) {
    JsonNode body = object(request);
    rejectUnknown(body, REQUEST_KEYS, "request");
    ResourceServer resource = core.resource(text(body, "resource"));
    Collection<DeploymentRuntime> targets =
        body.hasNonNull("deployment")
            ? List.of(core.deployment(resource.config().id(), text(body, "deployment")))
            : resource.deployments().values();
    if (body.has("faults")) {
      Faults faults = faults(body.get("faults"));
      targets.forEach(d -> d.faults(faults));
    }
    Runnable afterWrite = null;
    if (body.has("refuseConnections")) {
      JsonNode refuse = body.get("refuseConnections");
      if (!refuse.isBoolean()) {
        throw new IllegalArgumentException(
            "refuseConnections must be true or false, was " + refuse);
      }
      long recoverAfter = body.path("recoverAfterMs").asLong(-1);
      afterWrite =
          refuse.booleanValue()
              ? () ->
                  core.refuseLater(resource)
                      .thenRun(
                          () -> {
                            if (recoverAfter >= 0) {
                              core.acceptLater(resource, recoverAfter);
                            }
                          })
              : () -> core.acceptLater(resource, 0);
    }
    return ok(faultsJson(List.of(resource)), keepAlive, afterWrite);
  }

  private static Faults faults(JsonNode node) {
    if (!node.isObject()) {
      throw new IllegalArgumentException("faults must be a JSON object, was " + node);
    }
    rejectUnknown(node, FAULT_KEYS, "faults");
    Faults none = Faults.NONE;
    return new Faults(
        number(node, "errorRate", none.errorRate()),
        (int) number(node, "errorStatus", none.errorStatus()),
        Duration.ofMillis((long) number(node, "errorRetryAfterMs", 0)),
        number(node, "resetBeforeHeadersRate", none.resetBeforeHeadersRate()),
        number(node, "resetMidStreamRate", none.resetMidStreamRate()),
        Duration.ofMillis((long) number(node, "stallMs", 0)),
        number(node, "latencyMultiplier", none.latencyMultiplier()),
        number(node, "limitFactor", none.limitFactor()));
  }

  private static void rejectUnknown(JsonNode node, Set<String> known, String where) {
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!known.contains(name)) {
        throw new IllegalArgumentException(
            where
                + ": unknown key '"
                + name
                + "'; known keys: "
                + known.stream().sorted().toList());
      }
    }
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw new IllegalArgumentException(field + " must be a string, was " + value);
    }
    return value.asText();
  }

  private static double number(JsonNode node, String field, double fallback) {
    JsonNode value = node.get(field);
    if (value == null) {
      return fallback;
    }
    if (!value.isNumber()) {
      throw new IllegalArgumentException("faults: " + field + " must be a number, was " + value);
    }
    return value.doubleValue();
  }

  private static Plan ok(byte[] json, boolean keepAlive, Runnable afterWrite) {
    return reply(HttpResponseStatus.OK, json, keepAlive, afterWrite);
  }

  private static Plan reply(
      HttpResponseStatus status, byte[] json, boolean keepAlive, Runnable afterWrite) {
    HttpHeaders headers = new DefaultHttpHeaders();
    headers.set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
    return new Plan.Whole(
        new Reply(status, headers, json), 0, keepAlive, null, 0, false, afterWrite);
  }

  static byte[] statsJson(SimulatorStats stats) {
    return write(
        g -> {
          g.writeStartObject();
          g.writeNumberField("timeScale", stats.timeScale());
          g.writeNumberField("capacityFraction", stats.capacityFraction());
          g.writeArrayFieldStart("deployments");
          for (DeploymentStats d : stats.deployments()) {
            g.writeStartObject();
            g.writeStringField("resource", d.resource());
            g.writeStringField("deployment", d.deployment());
            g.writeBooleanField("ptu", d.ptu());
            g.writeNumberField("requests", d.requests());
            g.writeNumberField("succeeded", d.succeeded());
            g.writeNumberField("throttled", d.throttled());
            g.writeNumberField("failed", d.failed());
            g.writeNumberField("tokensAdmitted", d.tokensAdmitted());
            g.writeNumberField("tokensServed", d.tokensServed());
            g.writeNumberField("tokensUsed", d.tokensUsed());
            g.writeNumberField("tokensCharged", d.tokensCharged());
            g.writeNumberField("tokensChargeable", d.tokensChargeable());
            g.writeNumberField("periodSeconds", d.period().toNanos() / 1e9);
            g.writeNumberField("capacityFraction", d.capacityFraction());
            g.writeEndObject();
          }
          g.writeEndArray();
          g.writeEndObject();
        });
  }

  private static byte[] faultsJson(Collection<ResourceServer> resources) {
    return write(
        g -> {
          g.writeStartObject();
          g.writeArrayFieldStart("resources");
          for (ResourceServer resource : resources) {
            g.writeStartObject();
            g.writeStringField("resource", resource.config().id());
            g.writeNumberField("port", resource.port());
            g.writeBooleanField("acceptingConnections", resource.accepting());
            g.writeArrayFieldStart("deployments");
            for (DeploymentRuntime d : resource.deployments().values()) {
              Faults f = d.faults();
              g.writeStartObject();
              g.writeStringField("deployment", d.config().name());
              g.writeObjectFieldStart("faults");
              g.writeNumberField("errorRate", f.errorRate());
              g.writeNumberField("errorStatus", f.errorStatus());
              g.writeNumberField("errorRetryAfterMs", f.errorRetryAfter().toMillis());
              g.writeNumberField("resetBeforeHeadersRate", f.resetBeforeHeadersRate());
              g.writeNumberField("resetMidStreamRate", f.resetMidStreamRate());
              g.writeNumberField("stallMs", f.stall().toMillis());
              g.writeNumberField("latencyMultiplier", f.latencyMultiplier());
              g.writeNumberField("limitFactor", f.limitFactor());
              g.writeEndObject();
              g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
          }
          g.writeEndArray();
          g.writeEndObject();
        });
  }

  private static byte[] write(JsonBody body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      body.write(g);
    } catch (IOException e) {
      throw new UncheckedIOException("writing into memory cannot fail", e);
    }
    return out.toByteArray();
  }

  @FunctionalInterface
  private interface JsonBody {
    void write(JsonGenerator g) throws IOException;
  }
}
