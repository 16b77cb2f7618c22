package dev.spillway.adaptertests;

import dev.spillway.Priority;

/**
 * The calls a scenario makes, through one SDK's real client. Each method raises what the SDK
 * raises; {@link #status} and {@link #header} read the SDK's own exception.
 */
public interface SdkClient extends AutoCloseable {
  /**
   * One chat completion.
   *
   * @param model the logical model
   * @param prompt the user message
   * @param maxTokens the output limit
   * @return the answer's text
   */
  String chat(String model, String prompt, int maxTokens);

  /**
   * One chat completion for a consumer, with a priority, both carried the SDK's own way
   * (azure-ai-openai: {@code SpillwayContext}; openai-java: the {@code x-spillway-…} headers).
   *
   * @param consumerId the consumer id, or {@code null}
   * @param priority the call's priority, or {@code null} for the consumer's
   * @param model the logical model
   * @param prompt the user message
   * @param maxTokens the output limit
   * @return the answer's text
   */
  String chatAs(String consumerId, Priority priority, String model, String prompt, int maxTokens);

  /**
   * One streamed chat completion, read to its end.
   *
   * @param model the logical model
   * @param prompt the user message
   * @param maxTokens the output limit
   * @return what the caller saw
   */
  Streamed stream(String model, String prompt, int maxTokens);

  /**
   * Reads the first chunk of a streamed chat completion, then closes the stream.
   *
   * @param model the logical model
   * @param prompt the user message
   * @return the first chunk's text
   */
  String streamFirstChunkThenClose(String model, String prompt);

  /**
   * One embeddings call.
   *
   * @param model the logical model
   * @param input the text
   * @return the number of vectors returned
   */
  int embed(String model, String input);

  /** Lists files: a stateful operation. */
  void listFiles();

  /**
   * @param error what the SDK raised
   * @return the HTTP status the SDK's exception carries, or -1 when it carries none
   */
  int status(Throwable error);

  /**
   * @param error what the SDK raised
   * @param name a response header
   * @return its value on the SDK's exception, or {@code null}
   */
  String header(Throwable error, String name);

  @Override
  void close();

  /**
   * What a caller saw of a stream.
   *
   * @param text the concatenated content
   * @param chunks the chunks delivered
   * @param usageChunks the chunks among them that carried usage
   */
  record Streamed(String text, int chunks, int usageChunks) {}
}
