package dev.spillway.pool.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.Usage;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ResponseBodyTest {
  private static ResponseBody parse(String json) {
    return ResponseBody.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void readsChatUsageModelAndChoices() {
    ResponseBody body =
        parse(
            "{\"model\":\"gpt-4o-2024-08-06\",\"choices\":[{\"message\":{\"content\":\"hi\"}},{}],"
                + "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":3,\"total_tokens\":15}}");
    assertThat(body.usage()).isEqualTo(Usage.reported(12, 3));
    assertThat(body.model()).isEqualTo("gpt-4o-2024-08-06");
    assertThat(body.choices()).isEqualTo(2);
    assertThat(body.errorCode()).isNull();
  }

  @Test
  void readsTheResponsesApiUsageAndItsStreamEvents() {
    assertThat(parse("{\"usage\":{\"input_tokens\":9,\"output_tokens\":4}}").usage())
        .isEqualTo(Usage.reported(9, 4));
    ResponseBody completed =
        parse(
            "{\"type\":\"response.completed\",\"response\":{\"model\":\"gpt-4o\","
                + "\"usage\":{\"input_tokens\":20,\"output_tokens\":7}}}");
    assertThat(completed.usage()).isEqualTo(Usage.reported(20, 7));
    assertThat(completed.model()).isEqualTo("gpt-4o");
    assertThat(parse("{\"type\":\"response.output_text.delta\",\"delta\":\"héllo\"}").textBytes())
        .isEqualTo(6);
  }

  @Test
  void readsTheErrorCodeAsText() {
    assertThat(parse("{\"error\":{\"code\":\"429\",\"message\":\"x\"}}").errorCode())
        .isEqualTo("429");
    assertThat(parse("{\"error\":{\"message\":\"x\",\"code\":400}}").errorCode()).isEqualTo("400");
    assertThat(parse("{\"error\":{\"code\":\"content_filter\"}}").errorCode())
        .isEqualTo("content_filter");
    assertThat(parse("not json")).isEqualTo(ResponseBody.NONE);
  }
}
