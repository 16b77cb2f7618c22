package dev.spillway.simulator.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spillway.simulator.DeploymentConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import java.io.IOException;

/**
 * A deployment request's body once the model layer's checks pass: a JSON object with the
 * operation's required field well-formed and a {@code max_tokens} (or {@code
 * max_completion_tokens}) in range. Immutable.
 *
 * @param json the body
 * @param maxTokens the answer's longest length and, with the prompt, its admission charge
 */
record RequestBody(JsonNode json, int maxTokens) {
  /** Largest {@code max_tokens} accepted; it bounds the work of one answer. */
  static final int MAX_OUTPUT_TOKENS = 100_000;

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** Why a body was refused, as the model layer's 400 says it. */
  static final class Invalid extends Exception {
    private static final long serialVersionUID = 1L;

    /** The body of the 400. */
    final transient byte[] body;

    Invalid(byte[] body) {
      super(null, null, false, false);
      this.body = body;
    }
  }

  /**
   * Checks a body.
   *
   * @param content the raw body
   * @param operation the operation it is for
   * @return the checked body
   * @throws Invalid with the 400's body when the model layer would refuse it
   */
  static RequestBody check(ByteBuf content, Operation operation) throws Invalid {
    JsonNode body;
    try {
      body = MAPPER.readTree(new ByteBufInputStream(content));
    } catch (IOException e) {
      body = null;
    }
    if (body == null || !body.isObject()) {
      throw new Invalid(FixedBodies.INVALID_JSON);
    }
    String problem = problem(body, operation);
    if (problem != null) {
      throw new Invalid(AzureBodies.invalidRequest(problem, operation.requiredField));
    }
    JsonNode field =
        body.hasNonNull("max_completion_tokens")
            ? body.get("max_completion_tokens")
            : body.get("max_tokens");
    if (field == null || field.isNull()) {
      return new RequestBody(body, DeploymentConfig.DEFAULT_MAX_TOKENS);
    }
    if (!field.canConvertToInt()
        || !field.isIntegralNumber()
        || field.intValue() < 1
        || field.intValue() > MAX_OUTPUT_TOKENS) {
      throw new Invalid(
          AzureBodies.invalidRequest(
              "Invalid 'max_tokens': integer between 1 and "
                  + MAX_OUTPUT_TOKENS
                  + " expected, got "
                  + field
                  + ".",
              "max_tokens"));
    }
    return new RequestBody(body, field.intValue());
  }

  /**
   * The deployment a v1 API request names: its body's {@code model}.
   *
   * @param content the raw body, left unread
   * @return the non-blank {@code model} string
   * @throws Invalid with the 400's body when the body is not a JSON object or names no model
   */
  static String model(ByteBuf content) throws Invalid {
    JsonNode body;
    try {
      body = MAPPER.readTree(new ByteBufInputStream(content.duplicate()));
    } catch (IOException e) {
      body = null;
    }
    if (body == null || !body.isObject()) {
      throw new Invalid(FixedBodies.INVALID_JSON);
    }
    JsonNode model = body.path("model");
    if (!model.isTextual() || model.asText().isBlank()) {
      throw new Invalid(AzureBodies.invalidRequest("'model' is a required property", "model"));
    }
    return model.asText();
  }

  /**
   * @return why the operation's required field is missing or malformed, or null
   */
  private static String problem(JsonNode body, Operation operation) {
    String name = operation.requiredField;
    JsonNode field = body.get(name);
    if (field == null || field.isNull()) {
      return "'" + name + "' is a required property";
    }
    boolean chat = operation == Operation.CHAT;
    boolean valid =
        chat
            ? field.isArray() && !field.isEmpty()
            : field.isTextual() || (field.isArray() && !field.isEmpty());
    if (!valid) {
      return "Invalid value for '"
          + name
          + "': expected "
          + (chat ? "a non-empty array of messages." : "a string or a non-empty array.");
    }
    if (chat) {
      for (JsonNode message : field) {
        if (!message.isObject() || !message.path("role").isTextual()) {
          return "Invalid value for 'messages': each message must be an object with a 'role'.";
        }
      }
    }
    return null;
  }
}
