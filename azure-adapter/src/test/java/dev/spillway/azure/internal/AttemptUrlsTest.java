package dev.spillway.azure.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URL;
import org.junit.jupiter.api.Test;

class AttemptUrlsTest {
  static final String CHAT =
      "https://sweden.openai.azure.com/openai/deployments/gpt4o-ptu/chat/completions"
          + "?api-version=2024-10-21";

  @Test
  void aUrlIsParsedOnceAndKeptAsAzureCoreParsesIt() {
    AttemptUrls urls = new AttemptUrls();

    URL first = urls.of(CHAT);

    assertThat(first).hasToString(CHAT);
    assertThat(first.getHost()).isEqualTo("sweden.openai.azure.com");
    assertThat(first.getPath()).isEqualTo("/openai/deployments/gpt4o-ptu/chat/completions");
    assertThat(first.getQuery()).isEqualTo("api-version=2024-10-21");
    assertThat(urls.of(new String(CHAT))).isSameAs(first);
  }

  @Test
  void aBadUrlFailsAsAzureCoresOwnAndIsNotKept() {
    AttemptUrls urls = new AttemptUrls();

    assertThatThrownBy(() -> urls.of("no-scheme/openai/deployments/x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(urls.size()).isZero();
  }

  @Test
  void urlsThatChangeFromCallToCallNeverKeepMoreThanTheBound() {
    AttemptUrls urls = new AttemptUrls();

    for (int i = 0; i < 3 * AttemptUrls.MAX; i++) {
      urls.of(CHAT + "&call=" + i);
      assertThat(urls.size()).isLessThanOrEqualTo(AttemptUrls.MAX);
    }
    assertThat(urls.of(CHAT + "&call=0")).hasToString(CHAT + "&call=0");
  }
}
