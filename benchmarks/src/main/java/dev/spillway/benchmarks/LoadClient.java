package dev.spillway.benchmarks;

import com.azure.ai.openai.models.ChatCompletionsOptions;
import reactor.core.publisher.Mono;

/**
 * One client under test: a real {@code OpenAIAsyncClient} set up as its users set it up, against
 * one simulator. Not shared between runs.
 */
interface LoadClient extends AutoCloseable {

  /**
   * @return the client key of report.json
   */
  String key();

  /**
   * Sends one chat completion.
   *
   * @param options the request
   * @param record the call's record; routers note attempts in it
   * @return completes with the answer, or errors as the SDK reports errors
   */
  Mono<?> send(ChatCompletionsOptions options, CallRecord record);

  /** Joins what the client learnt asynchronously (e.g. listener outcomes) into the records. */
  default void settle(java.util.List<CallRecord> records) {}

  /**
   * Figures only this client can give, computed after {@link #settle} and before {@link #close}
   * (the {@code fleet} clients' probe counts and store measurements).
   *
   * @param windowStartNanos when the measured window started ({@code System.nanoTime()})
   * @return figure name → value; empty by default
   */
  default java.util.Map<String, Object> extraFigures(long windowStartNanos) {
    return java.util.Map.of();
  }

  @Override
  default void close() {}
}
