package dev.spillway;

import java.time.Duration;

/**
 * What happened in one attempt of a call.
 *
 * <p>Immutable and thread-safe.
 *
 * @param number 1 for the first attempt of the call
 * @param backendId the backend the attempt went to
 * @param tier that backend's tier
 * @param deployment the deployment (route) on that backend
 * @param outcome how the attempt ended
 * @param status the HTTP status, or {@code null} when no response arrived
 * @param errorType for an attempt without a usable response, the exception's class name; else
 *     {@code null}
 * @param coolDown the cool-down the engine applied to the route or backend because of this attempt,
 *     or {@code null} when none
 * @param start when the attempt started, from the start of the call
 * @param latency time to response headers (or to the failure)
 */
public record AttemptRecord(
    int number,
    String backendId,
    int tier,
    String deployment,
    AttemptOutcome outcome,
    Integer status,
    String errorType,
    Duration coolDown,
    Duration start,
    Duration latency) {}
