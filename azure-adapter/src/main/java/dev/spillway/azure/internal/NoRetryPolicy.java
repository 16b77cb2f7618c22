package dev.spillway.azure.internal;

import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelineNextPolicy;
import com.azure.core.http.HttpPipelineNextSyncPolicy;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.RetryPolicy;
import reactor.core.publisher.Mono;

/**
 * The SDK's retry step, replaced by a pass-through: Spillway retries, so each SDK request is one
 * HTTP request, and azure-core's {@code RetryPolicy}, which logs "Retry attempts have been
 * exhausted" at ERROR for every throttled response even with zero retries, is not in the pipeline.
 * {@code OpenAIClientBuilder.retryPolicy} takes a {@link RetryPolicy}, hence the subclass.
 */
public final class NoRetryPolicy extends RetryPolicy {
  @Override
  public Mono<HttpResponse> process(HttpPipelineCallContext context, HttpPipelineNextPolicy next) {
    return next.process();
  }

  @Override
  public HttpResponse processSync(
      HttpPipelineCallContext context, HttpPipelineNextSyncPolicy next) {
    return next.processSync();
  }
}
