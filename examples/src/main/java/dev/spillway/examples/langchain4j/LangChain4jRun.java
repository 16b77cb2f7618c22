package dev.spillway.examples.langchain4j;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.spillway.BackendSnapshot;
import dev.spillway.pool.SpillwayPool;
import java.util.concurrent.CompletableFuture;

/** What both LangChain4j examples do with their models: one answer, one stream, the backends. */
final class LangChain4jRun {
  private LangChain4jRun() {}

  static void run(ChatModel chat, StreamingChatModel streaming, SpillwayPool pool) {
    System.out.println("answer: " + chat.chat("Say hello."));
    System.out.println("streamed: " + stream(streaming, "Tell a short story."));
    for (BackendSnapshot backend : pool.snapshot().backends()) {
      System.out.println(
          "backend " + backend.id() + ": " + backend.routes().get(0).successes() + " answered");
    }
  }

  /**
   * The streamed answer, joined.
   *
   * @throws java.util.concurrent.CompletionException if the stream failed
   */
  static String stream(StreamingChatModel model, String prompt) {
    CompletableFuture<ChatResponse> done = new CompletableFuture<>();
    StringBuilder text = new StringBuilder();
    model.chat(
        prompt,
        new StreamingChatResponseHandler() {
          @Override
          public void onPartialResponse(String partial) {
            synchronized (text) {
              text.append(partial);
            }
          }

          @Override
          public void onCompleteResponse(ChatResponse response) {
            done.complete(response);
          }

          @Override
          public void onError(Throwable error) {
            done.completeExceptionally(error);
          }
        });
    done.join();
    synchronized (text) {
      return text.toString();
    }
  }
}
