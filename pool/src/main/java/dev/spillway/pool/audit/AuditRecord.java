package dev.spillway.pool.audit;

import dev.spillway.ContentFilterResults;
import dev.spillway.Usage;
import dev.spillway.pool.internal.audit.AuditJson;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * What one call did, after it settled (a stream: after its last chunk): the record an audit sink
 * writes. Every field is metadata except {@link #request} and {@link #response}, which only {@link
 * CaptureLevel#FULL} fills. No field ever holds a credential: auth headers are not captured at all.
 * {@link #toJson()} gives the stable JSON form every built-in sink writes (docs/audit.md lists its
 * field names).
 *
 * <p>Immutable and thread-safe.
 *
 * @param callId the call's id in its pool
 * @param operation the GenAI operation, such as {@code chat}
 * @param startedAt when the call started
 * @param firstByteAt when its final response's headers came, or {@code null} when none did
 * @param endedAt when it settled
 * @param consumerId the caller-supplied consumer id, or {@code null}
 * @param tags caller-supplied tags
 * @param model the logical model the caller asked for, or {@code null}
 * @param responseModel the model the response names, or {@code null}
 * @param deployment the deployment of the final route, or {@code null}
 * @param backendId the backend of the final route, or {@code null}
 * @param region that backend's region label, or {@code null}
 * @param tier that backend's tier, or {@code null}
 * @param streamed whether the response was a stream
 * @param status the final HTTP status, or {@code null} when no response arrived
 * @param error the class name of the exception the call failed with, or {@code null}
 * @param attempts every attempt, in order
 * @param usage the call's tokens, reported or estimated
 * @param contentFilter the content-filter results, at every capture level
 * @param capture the capture level the record was made at
 * @param responseId the response's {@code id}, or {@code null}
 * @param finishReasons each choice's finish reason, by choice index
 * @param request the request, at {@link CaptureLevel#FULL} only; else {@code null}
 * @param response the response, at {@link CaptureLevel#FULL} and when one reached the caller; else
 *     {@code null}
 */
public record AuditRecord(
    String callId,
    String operation,
    Instant startedAt,
    Instant firstByteAt,
    Instant endedAt,
    String consumerId,
    Map<String, String> tags,
    String model,
    String responseModel,
    String deployment,
    String backendId,
    String region,
    Integer tier,
    boolean streamed,
    Integer status,
    String error,
    List<Attempt> attempts,
    Usage usage,
    ContentFilterResults contentFilter,
    CaptureLevel capture,
    String responseId,
    List<String> finishReasons,
    Request request,
    Response response) {

  /** Appended to a captured text cut at the configured cap, with the count of characters cut. */
  public static final String TRUNCATION_MARKER = "…[truncated ";

  /** Checks the required fields and copies the collections. */
  public AuditRecord {
    Objects.requireNonNull(callId, "'callId' cannot be null.");
    Objects.requireNonNull(operation, "'operation' cannot be null.");
    Objects.requireNonNull(startedAt, "'startedAt' cannot be null.");
    Objects.requireNonNull(endedAt, "'endedAt' cannot be null.");
    tags = Map.copyOf(Objects.requireNonNull(tags, "'tags' cannot be null."));
    attempts = List.copyOf(Objects.requireNonNull(attempts, "'attempts' cannot be null."));
    Objects.requireNonNull(usage, "'usage' cannot be null.");
    Objects.requireNonNull(contentFilter, "'contentFilter' cannot be null.");
    Objects.requireNonNull(capture, "'capture' cannot be null.");
    finishReasons =
        List.copyOf(Objects.requireNonNull(finishReasons, "'finishReasons' cannot be null."));
  }

  /**
   * @return from start to end
   */
  public Duration latency() {
    return Duration.between(startedAt, endedAt);
  }

  /**
   * @return whether the call succeeded: a 2xx and no error
   */
  public boolean succeeded() {
    return error == null && status != null && status >= 200 && status < 300;
  }

  /**
   * This record with another request.
   *
   * @param request the request, or {@code null}
   * @return the copy
   */
  public AuditRecord withRequest(Request request) {
    return new AuditRecord(
        callId,
        operation,
        startedAt,
        firstByteAt,
        endedAt,
        consumerId,
        tags,
        model,
        responseModel,
        deployment,
        backendId,
        region,
        tier,
        streamed,
        status,
        error,
        attempts,
        usage,
        contentFilter,
        capture,
        responseId,
        finishReasons,
        request,
        response);
  }

  /**
   * This record with another response.
   *
   * @param response the response, or {@code null}
   * @return the copy
   */
  public AuditRecord withResponse(Response response) {
    return new AuditRecord(
        callId,
        operation,
        startedAt,
        firstByteAt,
        endedAt,
        consumerId,
        tags,
        model,
        responseModel,
        deployment,
        backendId,
        region,
        tier,
        streamed,
        status,
        error,
        attempts,
        usage,
        contentFilter,
        capture,
        responseId,
        finishReasons,
        request,
        response);
  }

  /**
   * This record with every captured text (message contents, tool-call arguments, prompts, inputs,
   * tool definitions and parameter values) passed through {@code redaction}; names, ids and
   * metadata unchanged. The usual redaction hook: {@code r -> r.withText(t ->
   * EMAIL.matcher(t).replaceAll("[email]"))}.
   *
   * @param redaction maps one text to its redacted form
   * @return the copy
   */
  public AuditRecord withText(UnaryOperator<String> redaction) {
    Objects.requireNonNull(redaction, "'redaction' cannot be null.");
    return withRequest(request == null ? null : request.withText(redaction))
        .withResponse(response == null ? null : response.withText(redaction));
  }

  /**
   * @return the record as one line of JSON with the documented field names
   */
  public String toJson() {
    return AuditJson.write(this);
  }

  /**
   * One attempt of the call.
   *
   * @param number 1 for the first
   * @param backendId its backend
   * @param tier that backend's tier
   * @param deployment its deployment
   * @param outcome {@code success}, {@code throttled}, {@code failed}, {@code misconfigured},
   *     {@code caller_error} or {@code cancelled}
   * @param status its HTTP status, or {@code null}
   * @param retryAfter the cool-down it applied (the server's retry hint), or {@code null}
   * @param errorType the exception class of a failed send, or {@code null}
   * @param latency from its start to its response headers or failure
   */
  public record Attempt(
      int number,
      String backendId,
      int tier,
      String deployment,
      String outcome,
      Integer status,
      Duration retryAfter,
      String errorType,
      Duration latency) {}

  /**
   * The request as the SDK sent it.
   *
   * @param messages the chat messages, with roles; empty when the request has none
   * @param prompt a completion's prompt(s); empty when none
   * @param input an embedding's (or Responses request's) input(s); empty when none
   * @param tools each tool (or function) definition as compact JSON
   * @param parameters every other top-level member as JSON text (strings unquoted), such as {@code
   *     temperature} or {@code tool_choice}
   */
  public record Request(
      List<Message> messages,
      List<String> prompt,
      List<String> input,
      List<String> tools,
      Map<String, String> parameters) {

    /** Copies the collections. */
    public Request {
      messages = List.copyOf(messages);
      prompt = List.copyOf(prompt);
      input = List.copyOf(input);
      tools = List.copyOf(tools);
      parameters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    Request withText(UnaryOperator<String> f) {
      Map<String, String> p = new LinkedHashMap<>();
      parameters.forEach((k, v) -> p.put(k, apply(f, v)));
      return new Request(
          messages.stream().map(m -> m.withText(f)).toList(),
          prompt.stream().map(t -> apply(f, t)).toList(),
          input.stream().map(t -> apply(f, t)).toList(),
          tools.stream().map(t -> apply(f, t)).toList(),
          p);
    }
  }

  /**
   * The response, or a stream reassembled into the same shape.
   *
   * @param id the response's {@code id}, or {@code null}
   * @param model its {@code model}, or {@code null}
   * @param systemFingerprint its {@code system_fingerprint}, or {@code null}
   * @param choices its choices, by index
   */
  public record Response(String id, String model, String systemFingerprint, List<Choice> choices) {

    /** Copies the choices. */
    public Response {
      choices = List.copyOf(choices);
    }

    Response withText(UnaryOperator<String> f) {
      return new Response(
          id,
          model,
          systemFingerprint,
          choices.stream()
              .map(c -> new Choice(c.index(), c.message().withText(f), c.finishReason()))
              .toList());
    }
  }

  /**
   * One choice of a response.
   *
   * @param index its index
   * @param message its message (for a legacy completion: no role, the text as content)
   * @param finishReason its {@code finish_reason}, or {@code null}
   */
  public record Choice(int index, Message message, String finishReason) {}

  /**
   * One message: of the request's conversation, or a choice's answer.
   *
   * @param role its role, or {@code null}
   * @param content its text (parts of a multi-part content joined by new lines, non-text parts as
   *     {@code [type]}), or {@code null}
   * @param name its {@code name}, or {@code null}
   * @param toolCallId a tool message's {@code tool_call_id}, or {@code null}
   * @param toolCalls its tool calls
   * @param functionCall its legacy {@code function_call}, or {@code null}
   */
  public record Message(
      String role,
      String content,
      String name,
      String toolCallId,
      List<ToolCall> toolCalls,
      ToolCall functionCall) {

    /** Copies the tool calls. */
    public Message {
      toolCalls = List.copyOf(toolCalls);
    }

    Message withText(UnaryOperator<String> f) {
      return new Message(
          role,
          apply(f, content),
          name,
          toolCallId,
          toolCalls.stream().map(t -> t.withText(f)).toList(),
          functionCall == null ? null : functionCall.withText(f));
    }
  }

  /**
   * One tool call (or a legacy function call).
   *
   * @param index its index among the message's tool calls
   * @param id its id, or {@code null}
   * @param type its type, such as {@code function}, or {@code null}
   * @param name the function's name, or {@code null}
   * @param arguments the arguments as the model wrote them (a stream's deltas joined), or {@code
   *     null}
   */
  public record ToolCall(int index, String id, String type, String name, String arguments) {
    ToolCall withText(UnaryOperator<String> f) {
      return new ToolCall(index, id, type, name, apply(f, arguments));
    }
  }

  private static String apply(UnaryOperator<String> f, String text) {
    return text == null ? null : f.apply(text);
  }
}
