package dev.spillway.benchmarks;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelineNextPolicy;
import com.azure.core.http.HttpPipelinePosition;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.HttpPipelinePolicy;
import com.azure.core.util.UrlBuilder;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import reactor.core.publisher.Mono;

/**
 * The baselines' routers, as users add them to the Azure SDK pipeline: a per-try policy (it runs
 * after the SDK's retry policy, so every retry is routed again) that rewrites host, port and {@code
 * api-key} of the request. Thread-safe.
 */
abstract class RoutingPolicy implements HttpPipelinePolicy {
  /** Context key under which the harness passes the call's {@link CallRecord}. */
  static final String CALL_KEY = "spillway-bench.call";

  /** The attempt cap every client gets (docs/benchmark.md §1). */
  static final int ATTEMPT_CAP = 6;

  private static final HttpHeaderName API_KEY = HttpHeaderName.fromString("api-key");

  final List<Target> targets;
  final double timeScale;

  RoutingPolicy(List<Target> targets, double timeScale) {
    this.targets = List.copyOf(targets);
    this.timeScale = timeScale;
  }

  @Override
  public HttpPipelinePosition getPipelinePosition() {
    return HttpPipelinePosition.PER_RETRY;
  }

  @Override
  public Mono<HttpResponse> process(HttpPipelineCallContext context, HttpPipelineNextPolicy next) {
    CallRecord record = (CallRecord) context.getData(CALL_KEY).orElse(null);
    if (record == null) {
      record = new CallRecord(-1, System.nanoTime());
    }
    if (record.attempts.get() >= ATTEMPT_CAP) {
      return Mono.error(new AttemptCapException(record.lastStatus));
    }
    return route(context, next, record);
  }

  /** Routes one SDK try. */
  abstract Mono<HttpResponse> route(
      HttpPipelineCallContext context, HttpPipelineNextPolicy next, CallRecord record);

  /** Sends the request to one backend, noting the attempt in the call's record. */
  final Mono<HttpResponse> sendTo(
      Target target,
      HttpPipelineCallContext context,
      HttpPipelineNextPolicy next,
      CallRecord record) {
    HttpRequest request = context.getHttpRequest();
    UrlBuilder url = UrlBuilder.parse(request.getUrl());
    url.setScheme("http").setHost("127.0.0.1").setPort(target.port());
    request.setUrl(url.toString());
    request.getHeaders().set(API_KEY, target.apiKey());
    record.attempts.incrementAndGet();
    long sent = System.nanoTime();
    boolean failing = Target.FAILING.equals(target.id());
    return next.clone()
        .process()
        .doOnNext(
            response -> {
              int status = response.getStatusCode();
              record.lastStatus = status;
              if (status / 100 == 2) {
                record.servedBy = target.id();
                record.servedSentNanos = sent;
              } else if (failing && status >= 500) {
                record.failedOnPtuA = true;
              }
            })
        .doOnError(
            error -> {
              record.lastStatus = 0;
              if (failing) {
                record.failedOnPtuA = true;
              }
            });
  }

  long scaledNanos(long seconds) {
    return (long) (TimeUnit.SECONDS.toNanos(seconds) / timeScale);
  }

  /** {@code single}: every try to ptu-a. */
  static final class Single extends RoutingPolicy {
    Single(List<Target> targets, double timeScale) {
      super(targets, timeScale);
    }

    @Override
    Mono<HttpResponse> route(
        HttpPipelineCallContext context, HttpPipelineNextPolicy next, CallRecord record) {
      return sendTo(targets.get(0), context, next, record);
    }
  }

  /** {@code round-robin}: every try to the next backend in rotation, so an SDK retry moves on. */
  static final class RoundRobin extends RoutingPolicy {
    private final AtomicInteger counter = new AtomicInteger();

    RoundRobin(List<Target> targets, double timeScale) {
      super(targets, timeScale);
    }

    @Override
    Mono<HttpResponse> route(
        HttpPipelineCallContext context, HttpPipelineNextPolicy next, CallRecord record) {
      int i = Math.floorMod(counter.getAndIncrement(), targets.size());
      return sendTo(targets.get(i), context, next, record);
    }
  }

  /**
   * {@code weighted-random}, as LiteLLM's default router (simple-shuffle): pick at random by
   * capacity weight among deployments not cooling; a deployment that answers 429 (or fails: 5xx,
   * connection error) cools down for a fixed 5 s (scaled); when all cool, "no deployments
   * available" (a 429 without a retry hint, as LiteLLM raises it). The SDK's retry policy retries,
   * each try routed again.
   */
  static final class WeightedRandom extends RoutingPolicy {
    static final long COOL_DOWN_SECONDS = 5;
    private final AtomicLongArray coolUntil;
    private final Random random;

    WeightedRandom(List<Target> targets, double timeScale, long seed) {
      super(targets, timeScale);
      this.coolUntil = new AtomicLongArray(targets.size());
      this.random = new Random(seed);
    }

    @Override
    Mono<HttpResponse> route(
        HttpPipelineCallContext context, HttpPipelineNextPolicy next, CallRecord record) {
      long now = System.nanoTime();
      double total = 0;
      for (int i = 0; i < targets.size(); i++) {
        if (coolUntil.get(i) - now <= 0) {
          total += targets.get(i).weight();
        }
      }
      if (total == 0) {
        return Mono.just(
            SyntheticResponse.throttled(
                context.getHttpRequest(), "No deployments available for selected model", 0));
      }
      double target;
      synchronized (random) {
        target = random.nextDouble() * total;
      }
      int pick = -1;
      for (int i = 0; i < targets.size(); i++) {
        if (coolUntil.get(i) - now <= 0) {
          pick = i;
          target -= targets.get(i).weight();
          if (target < 0) {
            break;
          }
        }
      }
      int chosen = pick;
      long coolDown = scaledNanos(COOL_DOWN_SECONDS);
      return sendTo(targets.get(chosen), context, next, record)
          .doOnNext(
              response -> {
                int status = response.getStatusCode();
                if (status == 429 || status >= 500) {
                  coolUntil.set(chosen, System.nanoTime() + coolDown);
                }
              })
          .doOnError(error -> coolUntil.set(chosen, System.nanoTime() + coolDown));
    }
  }

  /**
   * {@code priority-cooldown}, as the API Management smart load balancer and the Python priority
   * load balancer: strict priority (tier), random inside a tier; a backend answering 429 or 5xx (or
   * not answering) cools down for its {@code Retry-After} (10 s scaled without one) and the gateway
   * tries the next available backend at once; when all cool, a 429 with {@code Retry-After} = the
   * soonest recovery, in whole seconds, for the SDK to wait and retry.
   */
  static final class PriorityCooldown extends RoutingPolicy {
    static final long DEFAULT_COOL_DOWN_SECONDS = 10;
    private final AtomicLongArray coolUntil;
    private final Random random;

    PriorityCooldown(List<Target> targets, double timeScale, long seed) {
      super(targets, timeScale);
      this.coolUntil = new AtomicLongArray(targets.size());
      this.random = new Random(seed);
    }

    @Override
    Mono<HttpResponse> route(
        HttpPipelineCallContext context, HttpPipelineNextPolicy next, CallRecord record) {
      long now = System.nanoTime();
      int pick = pick(now);
      if (pick < 0) {
        long soonest = Long.MAX_VALUE;
        for (int i = 0; i < targets.size(); i++) {
          soonest = Math.min(soonest, coolUntil.get(i) - now);
        }
        long seconds = Math.max(1, (long) Math.ceil(soonest / 1e9));
        return Mono.just(
            SyntheticResponse.throttled(
                context.getHttpRequest(),
                "All backends are throttled; retry after the soonest recovery",
                seconds));
      }
      return sendTo(targets.get(pick), context, next, record)
          .onErrorResume(
              error -> {
                coolUntil.set(pick, System.nanoTime() + scaledNanos(DEFAULT_COOL_DOWN_SECONDS));
                if (record.attempts.get() >= ATTEMPT_CAP || pick(System.nanoTime()) < 0) {
                  return Mono.error(error);
                }
                return route(context, next, record);
              })
          .flatMap(
              response -> {
                int status = response.getStatusCode();
                if (status != 429 && status < 500) {
                  return Mono.just(response);
                }
                coolUntil.set(pick, System.nanoTime() + coolDownNanos(response));
                if (record.attempts.get() >= ATTEMPT_CAP) {
                  return Mono.just(response);
                }
                response.close();
                return route(context, next, record);
              });
    }

    private int pick(long now) {
      int bestTier = Integer.MAX_VALUE;
      int count = 0;
      for (int i = 0; i < targets.size(); i++) {
        if (coolUntil.get(i) - now > 0) {
          continue;
        }
        int tier = targets.get(i).tier();
        if (tier < bestTier) {
          bestTier = tier;
          count = 1;
        } else if (tier == bestTier) {
          count++;
        }
      }
      if (count == 0) {
        return -1;
      }
      int nth;
      synchronized (random) {
        nth = random.nextInt(count);
      }
      for (int i = 0; i < targets.size(); i++) {
        if (coolUntil.get(i) - now <= 0 && targets.get(i).tier() == bestTier && nth-- == 0) {
          return i;
        }
      }
      return -1;
    }

    private long coolDownNanos(HttpResponse response) {
      String retryAfter = response.getHeaders().getValue(HttpHeaderName.RETRY_AFTER);
      if (retryAfter != null) {
        try {
          return (long) (Double.parseDouble(retryAfter.trim()) * 1e9);
        } catch (NumberFormatException e) {
          // an HTTP date or garbage: fall back to the default, as the gateway policy does
        }
      }
      return scaledNanos(DEFAULT_COOL_DOWN_SECONDS);
    }
  }

  /** Raised when a call has used its attempts; not retried by the SDK. */
  static final class AttemptCapException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int lastStatus;

    AttemptCapException(int lastStatus) {
      super(
          "attempt cap of " + ATTEMPT_CAP + " reached; last status " + lastStatus,
          null,
          false,
          false);
      this.lastStatus = lastStatus;
    }
  }
}
