package dev.spillway.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spillway.PoolSettings;
import dev.spillway.pool.BackendConfig;
import dev.spillway.pool.DeploymentConfig;
import dev.spillway.pool.PoolConfig;
import dev.spillway.pool.SpillwayPool;
import dev.spillway.pool.StateConfig;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.convert.DurationStyle;

/**
 * The configuration metadata the processor generated: every {@code spillway.*} property is there,
 * with a description, and matches the adapter's schema.
 */
class SpillwayMetadataTest {
  private static final Map<String, JsonNode> properties = new HashMap<>();

  @BeforeAll
  static void readMetadata() throws IOException {
    try (InputStream in =
        SpillwayMetadataTest.class.getResourceAsStream(
            "/META-INF/spring-configuration-metadata.json")) {
      assertThat(in).as("generated metadata").isNotNull();
      new ObjectMapper()
          .readTree(in)
          .get("properties")
          .forEach(p -> properties.put(p.get("name").asText(), p));
    }
  }

  @Test
  void everySpillwayPropertyHasADescription() {
    assertThat(properties.keySet())
        .filteredOn(n -> n.contains("spillway"))
        .isNotEmpty()
        .allSatisfy(
            name ->
                assertThat(properties.get(name).path("description").asText())
                    .as(name)
                    .isNotBlank()
                    .endsWith("."));
  }

  @Test
  void listsEveryProperty() {
    assertThat(properties.keySet())
        .filteredOn(n -> n.startsWith("spillway."))
        .containsExactlyInAnyOrderElementsOf(
            Stream.concat(
                    Arrays.stream(SpillwayProperties.class.getRecordComponents())
                        .map(c -> "spillway." + kebab(c.getName())),
                    Stream.concat(
                        // Spring-only, beside the shared schema
                        Arrays.stream(ConsumerResolverProperties.class.getRecordComponents())
                            .map(c -> ConsumerResolverProperties.PREFIX + "." + kebab(c.getName())),
                        // spelled out for the IDE, beside spillway.state
                        Arrays.stream(StateConfig.class.getRecordComponents())
                            .map(c -> "spillway.state." + kebab(c.getName()))))
                .toList());
  }

  @Test
  void theStateKeysHaveTheSchemasDefaultsAndTheStoreHintsEveryStore() throws IOException {
    assertThat(properties.get("spillway.state.store").path("defaultValue").asText())
        .isEqualTo(StateConfig.DEFAULTS.store());
    assertThat(properties.get("spillway.state.key-prefix").path("defaultValue").asText())
        .isEqualTo(StateConfig.DEFAULTS.keyPrefix());
    assertThat(defaultOf("spillway.state.command-timeout"))
        .isEqualTo(StateConfig.DEFAULTS.commandTimeout());
    try (InputStream in =
        SpillwayMetadataTest.class.getResourceAsStream(
            "/META-INF/spring-configuration-metadata.json")) {
      List<String> values = new java.util.ArrayList<>();
      new ObjectMapper()
          .readTree(in)
          .get("hints")
          .forEach(
              h -> {
                if (h.get("name").asText().equals("spillway.state.store")) {
                  h.get("values").forEach(v -> values.add(v.get("value").asText()));
                }
              });
      assertThat(values).isEqualTo(StateConfig.STORES);
    }
  }

  @Test
  void theConsumerResolverTypeHintsEveryValue() throws IOException {
    try (InputStream in =
        SpillwayMetadataTest.class.getResourceAsStream(
            "/META-INF/spring-configuration-metadata.json")) {
      JsonNode hints = new ObjectMapper().readTree(in).get("hints");
      List<String> values = new java.util.ArrayList<>();
      hints.forEach(
          h -> {
            if (h.get("name").asText().equals(ConsumerResolverProperties.PREFIX + ".type")) {
              h.get("values").forEach(v -> values.add(v.get("value").asText()));
            }
          });
      assertThat(values)
          .containsExactly(
              ConsumerResolverProperties.NONE,
              ConsumerResolverProperties.MDC,
              ConsumerResolverProperties.SPRING_SECURITY);
      assertThat(
              properties
                  .get(ConsumerResolverProperties.PREFIX + ".type")
                  .path("defaultValue")
                  .asText())
          .isEqualTo(ConsumerResolverProperties.NONE);
    }
  }

  @Test
  void propertiesAreThePoolConfigWithItsSettingsSpelledOut() {
    List<String> properties = signature(SpillwayProperties.class);
    List<String> config = signature(PoolConfig.class);
    assertThat(config).contains("settings:" + PoolSettings.class.getName());
    config.stream()
        .filter(c -> !c.startsWith("settings:"))
        .forEach(c -> assertThat(properties).contains(c));
    properties.stream()
        .filter(p -> !config.contains(p))
        .forEach(
            p -> {
              String name = p.substring(0, p.indexOf(':'));
              Class<?> type =
                  Arrays.stream(SpillwayProperties.class.getRecordComponents())
                      .filter(c -> c.getName().equals(name))
                      .findFirst()
                      .orElseThrow()
                      .getType();
              assertThat(Arrays.stream(PoolSettings.class.getMethods()))
                  .as("PoolSettings setting for property " + name)
                  .anyMatch(
                      m ->
                          m.getName().equals(name)
                              && m.getParameterCount() == 0
                              && boxed(m.getReturnType()) == type);
            });
  }

  private static Class<?> boxed(Class<?> type) {
    if (type == int.class) {
      return Integer.class;
    }
    return type == double.class ? Double.class : type;
  }

  @Test
  void backendsDescriptionNamesEveryBackendAndDeploymentKey() {
    String description = properties.get("spillway.backends").get("description").asText();
    Stream.of(BackendConfig.class, DeploymentConfig.class)
        .flatMap(type -> Arrays.stream(type.getRecordComponents()))
        .map(c -> kebab(c.getName()))
        .forEach(
            key -> assertThat(description).containsPattern("(?<![\\w-])" + key + "(?![\\w-])"));
  }

  @Test
  void defaultsAreTheEngines() {
    assertThat(defaultOf("spillway.timeout")).isEqualTo(PoolSettings.DEFAULT_TIMEOUT);
    assertThat(defaultOf("spillway.attempt-timeout"))
        .isEqualTo(PoolSettings.DEFAULT_ATTEMPT_TIMEOUT);
    assertThat(defaultOf("spillway.stream-attempt-timeout"))
        .isEqualTo(PoolSettings.DEFAULT_STREAM_ATTEMPT_TIMEOUT);
    assertThat(defaultOf("spillway.stream-idle-timeout"))
        .isEqualTo(SpillwayPool.DEFAULT_STREAM_IDLE_TIMEOUT);
    assertThat(properties.get("spillway.hedge-ratio").path("defaultValue").asDouble(-1))
        .isEqualTo(PoolSettings.DEFAULT_HEDGE_RATIO);
  }

  private static Duration defaultOf(String name) {
    return DurationStyle.detectAndParse(properties.get(name).get("defaultValue").asText());
  }

  private static List<String> signature(Class<?> record) {
    return Arrays.stream(record.getRecordComponents())
        .map((RecordComponent c) -> c.getName() + ":" + c.getGenericType().getTypeName())
        .toList();
  }

  private static String kebab(String camel) {
    return camel.replaceAll("([A-Z])", "-$1").toLowerCase(java.util.Locale.ROOT);
  }
}
