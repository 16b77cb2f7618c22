package dev.spillway.pool.internal.audit;

import dev.spillway.pool.audit.AuditRecord;
import dev.spillway.pool.audit.AuditRedactor;
import dev.spillway.pool.audit.AuditSettings;
import dev.spillway.pool.audit.AuditSink;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.metrics.LongCounter;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands records from the calls to the sinks without ever making a call wait: {@link #submit} offers
 * to a bounded queue and counts a record that does not fit as dropped (the {@value #DROPPED}
 * counter, and a WARN at most once a minute); one daemon thread, {@code spillway-audit}, runs the
 * redaction hook and then every sink, in order, and flushes the sinks whenever the queue runs dry.
 * {@link #close} lets no more in, writes everything queued, flushes and closes the sinks.
 *
 * <p>Thread-safe.
 */
public final class AuditQueue implements AutoCloseable {
  /** The counter of records dropped because the queue was full (or the pool closed). */
  public static final String DROPPED = "spillway.audit.dropped";

  /** How often at most a dropped record, a failing sink or a failing redactor is logged. */
  static final long LOG_INTERVAL_MILLIS = TimeUnit.MINUTES.toMillis(1);

  /**
   * How long {@link #close} waits for the sinks to write what is queued: generous, since a clean
   * shutdown should lose nothing, but bounded, so a hung sink cannot hang the application's exit.
   */
  static final long CLOSE_WAIT_MILLIS = TimeUnit.SECONDS.toMillis(30);

  private static final Logger LOG = LoggerFactory.getLogger(AuditQueue.class);

  private final BlockingQueue<Object> queue;
  private final List<AuditSink> sinks;
  private final AuditRedactor redactor;
  private final Supplier<OpenTelemetry> openTelemetry;
  private final Clock clock;
  private final Thread worker;
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong lastDropLog = new AtomicLong(Long.MIN_VALUE);
  private final AtomicLong lastFailureLog = new AtomicLong(Long.MIN_VALUE);
  private volatile LongCounter droppedCounter;
  private volatile boolean closed;
  private final Object stop = new Object();

  /**
   * @param settings the sinks, the redactor and the capacity
   * @param openTelemetry the instance the drop counter is registered with, resolved on first drop
   * @param clock paces the drop log
   */
  public AuditQueue(AuditSettings settings, Supplier<OpenTelemetry> openTelemetry, Clock clock) {
    this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
    this.sinks = settings.sinks();
    this.redactor = settings.redactor();
    this.openTelemetry = openTelemetry;
    this.clock = clock;
    this.worker = new Thread(this::run, "spillway-audit");
    this.worker.setDaemon(true);
    this.worker.start();
  }

  /**
   * Queues a record, or drops and counts it when the queue is full or closed. Never blocks.
   *
   * @param record the record
   */
  public void submit(AuditRecord record) {
    if (closed || !queue.offer(record)) {
      drop();
    }
  }

  /**
   * @return records dropped so far
   */
  public long dropped() {
    return dropped.get();
  }

  private void drop() {
    long total = dropped.incrementAndGet();
    counter().add(1);
    if (due(lastDropLog)) {
      LOG.warn(
          "audit queue full or closed: {} record(s) dropped so far (sinks slower than calls;"
              + " see spillway.audit.queue-capacity)",
          total);
    }
  }

  private LongCounter counter() {
    LongCounter c = droppedCounter;
    if (c == null) {
      c =
          openTelemetry
              .get()
              .getMeter("dev.spillway")
              .counterBuilder(DROPPED)
              .setUnit("{record}")
              .setDescription("Audit records dropped because the queue was full")
              .build();
      droppedCounter = c;
    }
    return c;
  }

  private boolean due(AtomicLong last) {
    long now = clock.millis();
    long before = last.get();
    return (before == Long.MIN_VALUE || now - before >= LOG_INTERVAL_MILLIS)
        && last.compareAndSet(before, now);
  }

  private void run() {
    while (true) {
      Object next;
      try {
        next = queue.poll();
        if (next == null) {
          flushSinks();
          next = queue.take();
        }
      } catch (InterruptedException e) {
        break; // only close() may end the worker; an interrupt from elsewhere ends it early
      }
      if (next == stop) {
        break;
      }
      write((AuditRecord) next);
    }
    for (Object left; (left = queue.poll()) != null; ) {
      if (left != stop) {
        write((AuditRecord) left); // submitted while close() was putting the stop
      }
    }
    flushSinks();
  }

  private void write(AuditRecord record) {
    AuditRecord redacted;
    try {
      redacted = redactor.redact(record);
    } catch (RuntimeException e) {
      failed("the redaction hook", e);
      return;
    }
    if (redacted == null) {
      return;
    }
    for (AuditSink sink : sinks) {
      try {
        sink.write(redacted);
      } catch (Exception e) {
        failed(sink.toString(), e);
      }
    }
  }

  private void flushSinks() {
    for (AuditSink sink : sinks) {
      try {
        sink.flush();
      } catch (Exception e) {
        failed(sink.toString(), e);
      }
    }
  }

  private void failed(String who, Exception e) {
    if (due(lastFailureLog)) {
      // the exception's class only: a sink's message might quote the record
      LOG.warn("audit: {} failed ({}); the record is lost", who, e.getClass().getName());
    }
  }

  /**
   * Lets no more records in, writes those queued, then flushes and closes the sinks. Waits at most
   * {@value #CLOSE_WAIT_MILLIS} ms for the sinks.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (queue.offer(stop, CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
        worker.join(CLOSE_WAIT_MILLIS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (worker.isAlive()) {
      LOG.warn(
          "audit: sinks still busy after {} ms at close; records may be lost", CLOSE_WAIT_MILLIS);
    }
    for (AuditSink sink : sinks) {
      try {
        sink.close();
      } catch (Exception e) {
        failed(sink.toString(), e);
      }
    }
  }

  @Override
  public String toString() {
    return "AuditQueue[" + queue.size() + " queued, " + dropped.get() + " dropped]";
  }
}
