package dev.spillway;

import java.time.Duration;
import java.time.Instant;

/**
 * The state of one route (deployment on a backend) at a point in time.
 *
 * <p>Immutable and thread-safe.
 *
 * @param model the logical model
 * @param deployment the deployment name
 * @param ptu whether the deployment is provisioned throughput
 * @param state the route's state
 * @param coolingUntil end of the current cool-down, or {@code null}
 * @param peakEwma the latency estimate, decayed to now, or {@code null} before the first sample
 * @param outstanding attempts in flight (streams until they end)
 * @param headroomTokens tokens the route is believed able to admit now, or {@code null} when
 *     unknown
 * @param utilization the last reported PTU utilization in percent, or {@code null}
 * @param attempts attempts sent to this route
 * @param successes attempts admitted (2xx)
 * @param throttled attempts throttled (429 or 503 with a hint)
 * @param failures attempts failed (transient or misconfigured)
 * @param callerErrors attempts answered with a caller error
 * @param inputTokens input tokens of calls this route served
 * @param outputTokens output tokens of calls this route served
 */
public record RouteSnapshot(
    String model,
    String deployment,
    boolean ptu,
    RouteState state,
    Instant coolingUntil,
    Duration peakEwma,
    int outstanding,
    Long headroomTokens,
    Double utilization,
    long attempts,
    long successes,
    long throttled,
    long failures,
    long callerErrors,
    long inputTokens,
    long outputTokens) {}
