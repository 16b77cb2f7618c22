package dev.spillway.adaptertests;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;

/** WireMock answers shaped like Azure OpenAI's, shared by every adapter's tests. */
public final class Stubs {
  /** A chat completion: "Hello", 11 prompt and 9 completion tokens. */
  public static final String CHAT_BODY =
      "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1733358925,"
          + "\"model\":\"gpt-4o-2024-08-06\",\"choices\":[{\"index\":0,\"message\":{\"role\":"
          + "\"assistant\",\"content\":\"Hello\"},\"finish_reason\":\"stop\"}],"
          + "\"usage\":{\"completion_tokens\":9,\"prompt_tokens\":11,\"total_tokens\":20}}";

  private Stubs() {}

  /**
   * @param status the status
   * @param body the JSON body
   * @return the answer
   */
  public static ResponseDefinitionBuilder json(int status, String body) {
    return aResponse()
        .withStatus(status)
        .withHeader("Content-Type", "application/json")
        .withBody(body);
  }

  /**
   * @return a 200 with {@link #CHAT_BODY}
   */
  public static ResponseDefinitionBuilder ok() {
    return json(200, CHAT_BODY);
  }

  /**
   * An Azure-style error: {@code {"error":{"code":…,"message":"test …"}}}.
   *
   * @param status the status
   * @param code the error code
   * @return the answer
   */
  public static ResponseDefinitionBuilder error(int status, String code) {
    return json(
        status, "{\"error\":{\"code\":\"" + code + "\",\"message\":\"test " + code + "\"}}");
  }
}
