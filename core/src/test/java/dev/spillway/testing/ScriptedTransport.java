package dev.spillway.testing;

import dev.spillway.Usage;
import dev.spillway.spi.AsyncAttemptTransport;
import dev.spillway.spi.Attempt;
import dev.spillway.spi.AttemptResponse;
import dev.spillway.spi.AttemptTimeoutException;
import dev.spillway.spi.AttemptTransport;
import dev.spillway.spi.ResponseHeaders;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * A transport that plays a script per backend: queued replies (status, headers, error code,
 * latency), exceptions, and streams left open for the test to settle. Sync replies advance the
 * {@link ManualTime} by their latency; async replies complete on it. Thread-safe.
 */
public final class ScriptedTransport implements AttemptTransport<ScriptedTransport.Reply> {

  /** What the caller gets back. */
  public record Reply(String backendId, String deployment, int status) {}

  /** One scripted step. */
  public static final class Step {
    final int status;
    final Map<String, String> headers = new HashMap<>();
    String errorCode;
    long latencyNanos;
    Exception error;
    boolean leaveOpen;
    boolean hang;
    Runnable onSend;
    Usage usage = Usage.reported(10, 20);
    String responseModel;
    boolean renewedCredential;

    private Step(int status) {
      this.status = status;
    }

    public Step header(String name, String value) {
      headers.put(name.toLowerCase(Locale.ROOT), value);
      return this;
    }

    public Step errorCode(String code) {
      this.errorCode = code;
      return this;
    }

    public Step latencyMillis(long millis) {
      this.latencyNanos = millis * 1_000_000L;
      return this;
    }

    /** For a 2xx: do not settle; the test settles {@link ScriptedTransport#openAttempts()}. */
    public Step leaveOpen() {
      this.leaveOpen = true;
      return this;
    }

    public Step usage(long input, long output) {
      this.usage = Usage.reported(input, output);
      return this;
    }

    /** Runs {@code action} on the sending thread when this step is sent (before any latency). */
    public Step onSend(Runnable action) {
      this.onSend = action;
      return this;
    }

    /** For a 401: the transport found the backend's credential renewed since the attempt left. */
    public Step renewedCredential() {
      this.renewedCredential = true;
      return this;
    }

    /** For a 2xx settled at once: the {@code model} the response names. */
    public Step responseModel(String model) {
      this.responseModel = model;
      return this;
    }
  }

  /**
   * No response ever arrives. Sync: the transport honours {@link Attempt#timeout()} as a real one
   * must (time advances by it, then {@link AttemptTimeoutException}); async: the future never
   * completes (see {@link #hungFutures()}), so the engine must enforce the timeout.
   */
  public static Step hang() {
    Step s = new Step(0);
    s.hang = true;
    return s;
  }

  public static Step status(int status) {
    return new Step(status);
  }

  public static Step ok() {
    return new Step(200);
  }

  public static Step throttled(long retryAfterMs) {
    return new Step(429).header("retry-after-ms", Long.toString(retryAfterMs));
  }

  public static Step failure(Exception error) {
    Step s = new Step(0);
    s.error = error;
    return s;
  }

  /** A record of one attempt sent. */
  public record Sent(
      String backendId,
      String deployment,
      int number,
      long atNanos,
      Map<String, String> traceHeaders) {}

  private final ManualTime time;
  private final Map<String, Deque<Step>> scripts = new HashMap<>();
  private final Map<String, Function<Attempt, Step>> defaults = new HashMap<>();
  private final List<Sent> sent = Collections.synchronizedList(new ArrayList<>());
  private final List<Attempt> open = Collections.synchronizedList(new ArrayList<>());
  private final List<Reply> discarded = Collections.synchronizedList(new ArrayList<>());
  private final List<CompletableFuture<AttemptResponse<Reply>>> hung =
      Collections.synchronizedList(new ArrayList<>());

  public ScriptedTransport(ManualTime time) {
    this.time = time;
  }

  /** Queues steps for a backend; when its queue is empty, its default (200) applies. */
  public synchronized ScriptedTransport on(String backendId, Step... steps) {
    Deque<Step> q = scripts.computeIfAbsent(backendId, k -> new ArrayDeque<>());
    Collections.addAll(q, steps);
    return this;
  }

  /** What a backend answers once its queue is empty. */
  public synchronized ScriptedTransport byDefault(String backendId, Function<Attempt, Step> step) {
    defaults.put(backendId, step);
    return this;
  }

  private synchronized Step nextStep(Attempt attempt) {
    Deque<Step> q = scripts.get(attempt.backend().id());
    if (q != null && !q.isEmpty()) {
      return q.poll();
    }
    Function<Attempt, Step> d = defaults.get(attempt.backend().id());
    return d != null ? d.apply(attempt) : ok();
  }

  private Step record(Attempt attempt) {
    Map<String, String> trace = new HashMap<>();
    attempt.injectTraceContext(trace::put);
    sent.add(
        new Sent(
            attempt.backend().id(),
            attempt.deployment().name(),
            attempt.number(),
            time.read(),
            trace));
    Step step = nextStep(attempt);
    if (step.onSend != null) {
      step.onSend.run();
    }
    return step;
  }

  @Override
  public AttemptResponse<Reply> send(Attempt attempt) throws Exception {
    Step step = record(attempt);
    if (step.hang) {
      time.advance(attempt.timeout().toNanos());
      throw new AttemptTimeoutException(attempt.backend().id(), attempt.timeout());
    }
    time.advance(step.latencyNanos);
    if (step.error != null) {
      throw step.error;
    }
    return respond(attempt, step);
  }

  /** The async face of this transport. */
  public AsyncAttemptTransport<Reply> async() {
    return new AsyncAttemptTransport<>() {
      @Override
      public CompletableFuture<AttemptResponse<Reply>> send(Attempt attempt) {
        Step step = record(attempt);
        CompletableFuture<AttemptResponse<Reply>> f = new CompletableFuture<>();
        if (step.hang) {
          hung.add(f);
          return f;
        }
        time.schedule(
            () -> {
              if (step.error != null) {
                f.completeExceptionally(step.error);
              } else {
                f.complete(respond(attempt, step));
              }
            },
            step.latencyNanos);
        return f;
      }

      @Override
      public void discard(Reply response) {
        discarded.add(response);
      }
    };
  }

  private AttemptResponse<Reply> respond(Attempt attempt, Step step) {
    Map<String, String> headers = Map.copyOf(step.headers);
    ResponseHeaders h = name -> headers.get(name.toLowerCase(Locale.ROOT));
    if (step.status >= 200 && step.status < 300) {
      if (step.leaveOpen) {
        open.add(attempt);
      } else {
        attempt.completion().complete(step.usage, step.responseModel);
      }
    }
    return new AttemptResponse<>(
        step.status,
        h,
        step.errorCode,
        new Reply(attempt.backend().id(), attempt.deployment().name(), step.status),
        step.renewedCredential);
  }

  @Override
  public void discard(Reply response) {
    discarded.add(response);
  }

  public List<Sent> sent() {
    synchronized (sent) {
      return List.copyOf(sent);
    }
  }

  /** Attempts per backend id, in order sent. */
  public List<String> sentBackends() {
    return sent().stream().map(Sent::backendId).toList();
  }

  public long countSentTo(String backendId) {
    return sent().stream().filter(s -> s.backendId().equals(backendId)).count();
  }

  public List<Attempt> openAttempts() {
    synchronized (open) {
      return List.copyOf(open);
    }
  }

  public List<Reply> discarded() {
    synchronized (discarded) {
      return List.copyOf(discarded);
    }
  }

  /** Futures of async attempts scripted with {@link #hang()}, in order sent. */
  public List<CompletableFuture<AttemptResponse<Reply>>> hungFutures() {
    synchronized (hung) {
      return List.copyOf(hung);
    }
  }

  /** Attempts sent to a backend, in order. */
  public List<Sent> sentTo(String backendId) {
    return sent().stream().filter(s -> s.backendId().equals(backendId)).toList();
  }

  public void clearSent() {
    sent.clear();
  }
}
