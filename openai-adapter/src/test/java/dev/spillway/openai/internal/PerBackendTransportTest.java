package dev.spillway.openai.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PerBackendTransportTest {
  @Test
  void originIsSchemeAndAuthorityLowerCased() {
    assertThat(
            PerBackendTransport.origin(
                "HTTPS://East.OpenAI.Azure.com/openai/deployments/d/chat/completions?api-version=1"))
        .isEqualTo("https://east.openai.azure.com");
    assertThat(PerBackendTransport.origin("http://127.0.0.1:8080?x=/y"))
        .isEqualTo("http://127.0.0.1:8080");
    assertThat(PerBackendTransport.origin("http://[::1]:9000#frag")).isEqualTo("http://[::1]:9000");
    assertThat(PerBackendTransport.origin("https://b.example")).isEqualTo("https://b.example");
  }

  @Test
  void portsAndHostsKeepBackendsApart() {
    assertThat(PerBackendTransport.origin("http://127.0.0.1:8080/a"))
        .isNotEqualTo(PerBackendTransport.origin("http://127.0.0.1:8081/a"));
    assertThat(PerBackendTransport.origin("https://a.example/v1"))
        .isNotEqualTo(PerBackendTransport.origin("https://b.example/v1"));
  }

  @Test
  void aRelativeUrlIsNamed() {
    assertThatThrownBy(() -> PerBackendTransport.origin("/openai/v1/chat"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("/openai/v1/chat");
  }
}
