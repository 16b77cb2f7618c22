package dev.spillway.pool.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EndpointsTest {
  @Test
  void loopbackIsRecognisedWithoutResolvingNames() {
    assertThat(Endpoints.isLoopback("localhost")).isTrue();
    assertThat(Endpoints.isLoopback("127.0.0.1")).isTrue();
    assertThat(Endpoints.isLoopback("127.8.9.10")).isTrue();
    assertThat(Endpoints.isLoopback("[::1]")).isTrue();
    assertThat(Endpoints.isLoopback("10.0.0.1")).isFalse();
    assertThat(Endpoints.isLoopback("localhost.evil.example")).isFalse();
    assertThat(Endpoints.isLoopback("a.openai.azure.com")).isFalse();
    assertThat(Endpoints.isLoopback(null)).isFalse();
  }
}
