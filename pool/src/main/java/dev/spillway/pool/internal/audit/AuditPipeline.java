package dev.spillway.pool.internal.audit;

import dev.spillway.AttemptRecord;
import dev.spillway.CallOutcome;
import dev.spillway.ContentFilterResults;
import dev.spillway.pool.audit.AuditRecord;
import dev.spillway.pool.audit.CaptureLevel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What one pool's calls need to make audit records: the capture level, the text cap, each backend's
 * region, and the queue to the sinks. Thread-safe.
 */
public final class AuditPipeline {
  private final CaptureLevel capture;
  private final int maxFieldChars;
  private final Map<String, String> regions;
  private final AuditQueue queue;

  /**
   * @param capture the capture level
   * @param maxFieldChars the text cap
   * @param regions each backend's region label (backends without one absent)
   * @param queue the queue to the sinks
   */
  public AuditPipeline(
      CaptureLevel capture, int maxFieldChars, Map<String, String> regions, AuditQueue queue) {
    this.capture = capture;
    this.maxFieldChars = maxFieldChars;
    this.regions = Map.copyOf(regions);
    this.queue = queue;
  }

  /**
   * @return the capture level
   */
  public CaptureLevel capture() {
    return capture;
  }

  /**
   * @return characters kept of each captured text field
   */
  public int maxFieldChars() {
    return maxFieldChars;
  }

  /**
   * @return the queue
   */
  public AuditQueue queue() {
    return queue;
  }

  /**
   * Makes the record of a settled call and queues it.
   *
   * @param outcome the call's outcome
   * @param requestBody the body the SDK sent, at {@code full}; else {@code null}
   * @param assembly what was read of the final response
   */
  public void submit(CallOutcome outcome, byte[] requestBody, ResponseAssembly assembly) {
    Instant started =
        outcome.startedAt() != null ? outcome.startedAt() : Instant.now().minus(outcome.latency());
    List<AuditRecord.Attempt> attempts = new ArrayList<>();
    Integer tier = null;
    for (AttemptRecord a : outcome.attempts()) {
      attempts.add(
          new AuditRecord.Attempt(
              a.number(),
              a.backendId(),
              a.tier(),
              a.deployment(),
              a.outcome().attributeValue(),
              a.status(),
              a.coolDown(),
              a.errorType(),
              a.latency()));
      if (a.backendId().equals(outcome.backendId())) {
        tier = a.tier();
      }
    }
    boolean full = capture == CaptureLevel.FULL;
    ContentFilterResults filter = outcome.contentFilter();
    queue.submit(
        new AuditRecord(
            outcome.callId(),
            outcome.operation(),
            started,
            outcome.timeToFirstByte() == null ? null : started.plus(outcome.timeToFirstByte()),
            started.plus(outcome.latency()),
            outcome.consumerId(),
            outcome.tags(),
            outcome.model(),
            assembly.model(),
            outcome.deployment(),
            outcome.backendId(),
            outcome.backendId() == null ? null : regions.get(outcome.backendId()),
            tier,
            outcome.streamed(),
            outcome.status(),
            outcome.error() == null ? null : outcome.error().getClass().getName(),
            attempts,
            outcome.usage(),
            filter,
            capture,
            assembly.id(),
            assembly.finishReasons(),
            full && requestBody != null ? RequestCapture.read(requestBody, maxFieldChars) : null,
            full && outcome.status() != null ? assembly.response() : null));
  }
}
