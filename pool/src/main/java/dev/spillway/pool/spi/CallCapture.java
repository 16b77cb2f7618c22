package dev.spillway.pool.spi;

import dev.spillway.CallOutcome;
import dev.spillway.ContentFilterResults;
import dev.spillway.pool.audit.CaptureLevel;
import dev.spillway.pool.internal.audit.AuditPipeline;
import dev.spillway.pool.internal.audit.ResponseAssembly;
import dev.spillway.spi.CallObserver;

/**
 * What one call's adapter reads of the responses for the pool, and the call's audit record: the
 * {@link CallObserver} an adapter sets on its {@code CallRequest} ({@link AdapterSupport#capture}).
 * The adapter feeds it every response before settling the attempt or returning it: a buffered body
 * whole through {@link #response}, a stream through the {@link EventStream} it was given. The last
 * response fed is the one the record and the content-filter results describe.
 *
 * <p>With audit records off it reads only the content-filter results (for the outcome, the span and
 * the counter); at capture level metadata, also the response id, model and finish reasons; at full,
 * the text too. Never holds a header, so never a credential. Thread-safe.
 */
public final class CallCapture implements CallObserver {
  private final AuditPipeline audit;
  private final byte[] requestBody;
  private final boolean keepText;
  private final int cap;
  private ResponseAssembly assembly;

  /**
   * For the pool: adapters get their capture from {@link AdapterSupport#capture}.
   *
   * @param audit the pool's audit pipeline, or {@code null} when audit records are off
   * @param requestBody the body the SDK sent, or {@code null}
   */
  public CallCapture(AuditPipeline audit, byte[] requestBody) {
    this.audit = audit;
    this.keepText = audit != null && audit.capture() == CaptureLevel.FULL;
    this.requestBody = keepText ? requestBody : null;
    this.cap = audit == null ? 1 : audit.maxFieldChars();
    this.assembly = new ResponseAssembly(keepText, cap);
  }

  /**
   * A buffered response, success or error: replaces what an earlier attempt's response left, and
   * tells what the pool reads of it. With audit records off the body is read once for both.
   *
   * @param body the JSON body as received, or {@code null} when it is not JSON; not changed, not
   *     kept
   * @return what {@link ResponseBody#parse(byte[])} reads of it
   */
  public synchronized ResponseBody response(byte[] body) {
    assembly = new ResponseAssembly(keepText, cap);
    return body == null ? ResponseBody.NONE : read(body, 0, body.length);
  }

  /** A stream starts: replaces what an earlier attempt's response left. */
  synchronized void streamStarted() {
    assembly = new ResponseAssembly(keepText, cap);
  }

  /** One event's JSON, in order; returns what {@link ResponseBody#parse} reads of it. */
  synchronized ResponseBody streamEvent(byte[] bytes, int offset, int length) {
    return read(bytes, offset, length);
  }

  private ResponseBody read(byte[] bytes, int offset, int length) {
    if (audit == null) {
      return ResponseBody.parse(bytes, offset, length, assembly); // the filter results only
    }
    assembly.read(bytes, offset, length);
    return ResponseBody.parse(bytes, offset, length);
  }

  @Override
  public synchronized ContentFilterResults contentFilter() {
    return assembly.contentFilter();
  }

  @Override
  public void onOutcome(CallOutcome outcome) {
    if (audit != null) {
      synchronized (this) {
        audit.submit(outcome, requestBody, assembly);
      }
    }
  }

  @Override
  public String toString() {
    return "CallCapture[" + (audit == null ? "audit off" : audit.capture().configName()) + "]";
  }
}
