package dev.spillway.openai.internal;

import com.openai.core.RequestOptions;
import com.openai.core.Timeout;
import com.openai.core.http.Headers;
import com.openai.core.http.HttpClient;
import com.openai.core.http.HttpRequest;
import com.openai.core.http.HttpResponse;
import dev.spillway.pool.spi.AdapterSupport;
import dev.spillway.pool.spi.AuthHeader;
import dev.spillway.pool.spi.BackendAuth;
import dev.spillway.pool.spi.EventStream;
import dev.spillway.pool.spi.ResponseBody;
import dev.spillway.spi.AsyncAttemptTransport;
import dev.spillway.spi.Attempt;
import dev.spillway.spi.AttemptResponse;
import dev.spillway.spi.AttemptTimeoutException;
import dev.spillway.spi.AttemptTransport;
import dev.spillway.spi.ResponseHeaders;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Sends the attempts of one call through the real openai-java {@link HttpClient}: rewrites the
 * request for the route, sets the backend's auth and the trace context, hands the attempt's
 * timeouts to the transport, and turns the response into the engine's {@link AttemptResponse}:
 * plain bodies buffered and read for usage or error code, 2xx streams wrapped to settle the
 * completion handle when they end. A 401 tells the backend's auth which header was refused; when it
 * now holds another credential (a rotated key) the response is marked so the engine fails over
 * without the auth break.
 *
 * <p>Timeouts handed to the transport: a plain attempt gets the attempt timeout for connecting,
 * reading and the whole exchange; a stream (and a pinned call's body) gets it for connecting, the
 * stream idle timeout between reads, and no bound on the whole exchange.
 */
abstract class AttemptSender {
  final InterceptedRequest call;
  final HttpClient delegate;
  final AdapterSupport support;
  final Duration idleTimeout;

  AttemptSender(InterceptedRequest call, HttpClient delegate, AdapterSupport support) {
    this.call = call;
    this.delegate = delegate;
    this.support = support;
    this.idleTimeout = support.streamIdleTimeout();
  }

  HttpRequest prepare(Attempt attempt, AuthHeader auth) {
    HttpRequest.Builder request =
        call.attemptRequest(attempt.backend(), attempt.deployment(), auth);
    attempt.injectTraceContext(request::replaceHeaders);
    return request.build();
  }

  /** Whether the 2xx body streams to the caller rather than being read here. */
  boolean streams(Attempt attempt, int status) {
    return success(status) && (attempt.streaming() || !call.balanced());
  }

  RequestOptions options(Attempt attempt, boolean stream) {
    Duration t = attempt.timeout();
    return RequestOptions.builder()
        .timeout(
            Timeout.builder()
                .connect(t)
                .write(t)
                .read(stream ? idleTimeout : t)
                .request(stream ? Duration.ZERO : t)
                .build())
        .build();
  }

  /** The response of an attempt whose headers arrived; reads a plain body to the end. */
  AttemptResponse<HttpResponse> received(Attempt attempt, HttpResponse response) {
    int status = response.statusCode();
    if (streams(attempt, status)) {
      return streamed(attempt, response);
    }
    byte[] body;
    try (InputStream in = response.body()) {
      body = in.readAllBytes();
    } catch (IOException e) {
      response.close();
      throw new UncheckedIOException(e);
    }
    response.close();
    boolean json = isJson(response.headers());
    // before the settle: the call's record reads it
    ResponseBody facts = call.capture.response(json ? body : null);
    RelayedResponse relayed = RelayedResponse.buffered(response, body);
    if (success(status)) {
      attempt.completion().complete(facts.usage(), facts.model());
      return new AttemptResponse<>(status, view(response.headers()), null, relayed);
    }
    return new AttemptResponse<>(status, view(response.headers()), facts.errorCode(), relayed);
  }

  private AttemptResponse<HttpResponse> streamed(Attempt attempt, HttpResponse response) {
    boolean read = call.balanced();
    EventInputStream body =
        new EventInputStream(
            response.body(),
            read ? new EventStream(call.injectedUsage, call.capture) : null,
            call.body == null ? 0 : call.body.promptTokens(),
            attempt.completion(),
            attempt.backend().id(),
            idleTimeout);
    return new AttemptResponse<>(
        response.statusCode(),
        view(response.headers()),
        null,
        RelayedResponse.streamed(response, body, call.injectedUsage));
  }

  static boolean success(int status) {
    return status >= 200 && status < 300;
  }

  static ResponseHeaders view(Headers headers) {
    return name -> {
      List<String> values = headers.values(name);
      return values.isEmpty() ? null : values.get(0);
    };
  }

  private static boolean isJson(Headers headers) {
    List<String> types = headers.values("Content-Type");
    return !types.isEmpty() && types.get(0).toLowerCase(Locale.ROOT).contains("json");
  }

  /** A failure to get a response: the attempt's timeout when the transport's own ran out. */
  static Throwable failure(Attempt attempt, Throwable error, long startNanos) {
    Throwable e = unwrap(error);
    if (hasCause(e, InterruptedIOException.class)
        || System.nanoTime() - startNanos >= attempt.timeout().toNanos()) {
      AttemptTimeoutException timeout =
          new AttemptTimeoutException(attempt.backend().id(), attempt.timeout());
      timeout.addSuppressed(e);
      return timeout;
    }
    return e;
  }

  private static Throwable unwrap(Throwable e) {
    return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
  }

  static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  /** Attempts on the caller's thread, through the real client's {@code execute}. */
  static final class Sync extends AttemptSender implements AttemptTransport<HttpResponse> {
    Sync(InterceptedRequest call, HttpClient delegate, AdapterSupport support) {
      super(call, delegate, support);
    }

    @Override
    public AttemptResponse<HttpResponse> send(Attempt attempt) throws Exception {
      long start = System.nanoTime();
      BackendAuth auth = support.auth(attempt.backend().id());
      AuthHeader sent = auth.header();
      HttpRequest request = prepare(attempt, sent);
      HttpResponse response;
      try {
        response =
            delegate.execute(request, options(attempt, attempt.streaming() || !call.balanced()));
      } catch (RuntimeException e) {
        throw interruptedOr(attempt, e, start);
      }
      AttemptResponse<HttpResponse> received;
      try {
        received = received(attempt, response);
      } catch (RuntimeException e) {
        throw interruptedOr(attempt, e, start);
      }
      return received.status() == 401 && auth.rejected(sent).join()
          ? received.withRenewedCredential()
          : received;
    }

    private static Exception interruptedOr(Attempt attempt, RuntimeException e, long start) {
      if (Thread.currentThread().isInterrupted() || hasCause(e, InterruptedException.class)) {
        InterruptedException interrupted = new InterruptedException("attempt interrupted");
        interrupted.initCause(e);
        return interrupted;
      }
      Throwable failure = failure(attempt, e, start);
      return failure instanceof Exception ex ? ex : e;
    }

    @Override
    public void discard(HttpResponse response) {
      response.close();
    }
  }

  /** Attempts without blocking the caller, through the real client's {@code executeAsync}. */
  static final class Async extends AttemptSender implements AsyncAttemptTransport<HttpResponse> {
    Async(InterceptedRequest call, HttpClient delegate, AdapterSupport support) {
      super(call, delegate, support);
    }

    @Override
    public CompletableFuture<AttemptResponse<HttpResponse>> send(Attempt attempt) {
      long start = System.nanoTime();
      CompletableFuture<AttemptResponse<HttpResponse>> result = new CompletableFuture<>();
      AtomicReference<CompletableFuture<HttpResponse>> inFlight = new AtomicReference<>();
      BackendAuth backendAuth = support.auth(attempt.backend().id());
      backendAuth
          .headerAsync()
          .whenComplete(
              (auth, authError) -> {
                if (authError != null) {
                  result.completeExceptionally(unwrap(authError));
                  return;
                }
                if (result.isDone()) {
                  return;
                }
                CompletableFuture<HttpResponse> exchange;
                try {
                  exchange =
                      delegate.executeAsync(
                          prepare(attempt, auth),
                          options(attempt, attempt.streaming() || !call.balanced()));
                } catch (RuntimeException e) {
                  result.completeExceptionally(e);
                  return;
                }
                inFlight.set(exchange);
                if (result.isCancelled()) {
                  exchange.cancel(true);
                }
                exchange.whenComplete(
                    (response, error) -> {
                      if (error != null) {
                        if (!(unwrap(error) instanceof CancellationException)) {
                          result.completeExceptionally(failure(attempt, error, start));
                        }
                        return;
                      }
                      AttemptResponse<HttpResponse> received;
                      try {
                        received = received(attempt, response);
                      } catch (RuntimeException e) {
                        response.close();
                        result.completeExceptionally(failure(attempt, e, start));
                        return;
                      }
                      if (received.status() != 401) {
                        settle(result, received);
                        return;
                      }
                      backendAuth
                          .rejected(auth)
                          .thenAccept(
                              renewed ->
                                  settle(
                                      result,
                                      renewed ? received.withRenewedCredential() : received));
                    });
              });
      result.whenComplete(
          (response, error) -> {
            CompletableFuture<HttpResponse> exchange = inFlight.get();
            if (result.isCancelled() && exchange != null) {
              exchange.cancel(true);
            }
          });
      return result;
    }

    private static void settle(
        CompletableFuture<AttemptResponse<HttpResponse>> result,
        AttemptResponse<HttpResponse> received) {
      if (!result.complete(received)) {
        received.payload().close(); // the engine gave up on this attempt
      }
    }

    @Override
    public void discard(HttpResponse response) {
      response.close();
    }
  }
}
