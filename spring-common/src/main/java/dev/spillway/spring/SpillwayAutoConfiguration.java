package dev.spillway.spring;

import com.azure.ai.openai.OpenAIAsyncClient;
import com.azure.ai.openai.OpenAIClient;
import com.azure.core.credential.TokenCredential;
import dev.spillway.PoolListener;
import dev.spillway.azure.SpillwayAzure;
import dev.spillway.pool.BackendConfig;
import dev.spillway.pool.PoolConfig;
import dev.spillway.pool.SpillwayPool;
import io.opentelemetry.api.OpenTelemetry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.ConfigurationPropertiesBindHandlerAdvisor;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configures one shared {@link SpillwayPool} from the {@code spillway.*} properties, and the
 * {@link OpenAIClient} and {@link OpenAIAsyncClient} built from it.
 *
 * <p>The pool is created when any {@code spillway.*} property is set and the application defines no
 * {@code SpillwayPool} of its own; it is closed with the context. It uses the application's {@link
 * OpenTelemetry} bean if there is one (else {@code GlobalOpenTelemetry}), its {@link
 * TokenCredential} bean for {@code credential: entra} backends and the Key Vault of {@code
 * api-key-secret} backends (else {@code DefaultAzureCredential}, created only when a backend uses
 * one of them), every {@link PoolListener} bean, and then every {@link SpillwayPoolCustomizer} bean
 * in order. The clients are built from whichever single {@code SpillwayPool} bean exists, unless
 * the application defines its own.
 */
@AutoConfiguration
@ConditionalOnClass({SpillwayPool.class, OpenAIClient.class})
public final class SpillwayAutoConfiguration {

  /**
   * The {@code OpenAIClient} of the pool: every call is load-balanced over the pool's routes.
   *
   * @param pool the pool
   * @return the client
   */
  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnSingleCandidate(SpillwayPool.class)
  public OpenAIClient openAIClient(SpillwayPool pool) {
    return SpillwayAzure.openAIClientBuilder(pool).buildClient();
  }

  /**
   * The {@code OpenAIAsyncClient} of the same pool: it shares cool-downs, circuits and counters
   * with {@link #openAIClient}.
   *
   * @param pool the pool
   * @return the client
   */
  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnSingleCandidate(SpillwayPool.class)
  public OpenAIAsyncClient openAIAsyncClient(SpillwayPool pool) {
    return SpillwayAzure.openAIClientBuilder(pool).buildAsyncClient();
  }

  /** Whether the backend sets {@code credential} (validated to be {@code entra}). */
  /** Whether a backend needs the token credential: Entra ID, or the Key Vault of its key. */
  private static boolean usesTokenCredential(BackendConfig backend) {
    return backend.usesEntra() || backend.usesKeyVault();
  }

  /**
   * Binds {@code spillway.*}, rejecting every property outside the schema, and builds the pool,
   * when the properties are present.
   */
  @Configuration(proxyBeanMethods = false)
  @Conditional(OnSpillwayPropertiesCondition.class)
  @EnableConfigurationProperties(SpillwayProperties.class)
  static class PoolConfiguration {

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    SpillwayPool spillwayPool(
        SpillwayProperties properties,
        ObjectProvider<OpenTelemetry> openTelemetry,
        ObjectProvider<TokenCredential> tokenCredential,
        ObjectProvider<PoolListener> listeners,
        ObjectProvider<SpillwayPoolCustomizer> customizers) {
      PoolConfig config = properties.toPoolConfig();
      SpillwayPool.Builder builder = SpillwayPool.builder().config(config);
      openTelemetry.ifAvailable(builder::openTelemetry);
      if (config.backends().stream().anyMatch(SpillwayAutoConfiguration::usesTokenCredential)) {
        tokenCredential.ifAvailable(builder::entraCredential);
      }
      listeners.orderedStream().forEach(builder::listener);
      customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
      return builder.build();
    }

    @Bean
    static ConfigurationPropertiesBindHandlerAdvisor spillwaySchemaBindHandlerAdvisor() {
      return parent -> new UnresolvedPlaceholderBindHandler(new SchemaBindHandler(parent));
    }
  }
}
