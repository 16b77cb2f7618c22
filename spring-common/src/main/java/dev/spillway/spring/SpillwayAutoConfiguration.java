package dev.spillway.spring;

import com.azure.ai.openai.OpenAIAsyncClient;
import com.azure.ai.openai.OpenAIClient;
import com.azure.core.credential.TokenCredential;
import com.openai.client.OpenAIClientAsync;
import dev.spillway.PoolListener;
import dev.spillway.azure.SpillwayAzure;
import dev.spillway.openai.SpillwayOpenAI;
import dev.spillway.pool.BackendConfig;
import dev.spillway.pool.ConsumerResolver;
import dev.spillway.pool.InvalidPropertyException;
import dev.spillway.pool.PoolConfig;
import dev.spillway.pool.SpillwayPool;
import dev.spillway.spring.internal.SecurityPrincipalResolver;
import io.opentelemetry.api.OpenTelemetry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.ConfigurationPropertiesBindHandlerAdvisor;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.origin.Origin;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.ClassUtils;

/**
 * Auto-configures one shared {@link SpillwayPool} from the {@code spillway.*} properties, and the
 * SDK clients built from it: azure-ai-openai's {@link OpenAIClient} and {@link OpenAIAsyncClient}
 * (beans {@code openAIClient}, {@code openAIAsyncClient}) when {@code spillway-azure} is on the
 * classpath, and openai-java's {@code com.openai.client.OpenAIClient} and {@code OpenAIClientAsync}
 * (beans {@code spillwayOpenAiClient}, {@code spillwayOpenAiClientAsync}) when {@code
 * spillway-openai} is. Both pairs share the one pool: its cool-downs, circuits and counters.
 *
 * <p>The pool is created when any {@code spillway.*} property is set and the application defines no
 * {@code SpillwayPool} of its own; it is closed with the context. It uses the application's {@link
 * OpenTelemetry} bean if there is one (else {@code GlobalOpenTelemetry}), its {@link
 * TokenCredential} bean for {@code credential: entra} backends and the Key Vault of {@code
 * api-key-secret} backends (else {@code DefaultAzureCredential}, created only when a backend uses
 * one of them), the application's {@link ConsumerResolver} bean if it declares one (else the {@link
 * SpillwayConsumerResolver} that {@code spillway.consumer-resolver.*} names, else none), every
 * {@link PoolListener} bean, and then every {@link SpillwayPoolCustomizer} bean in order. The state
 * store that {@code spillway.state.*} names is created when the pool is built (on the application's
 * Lettuce client, see {@link SpillwayStateAutoConfiguration}). The clients are built from whichever
 * single {@code SpillwayPool} bean exists; each backs off when the application defines a bean of
 * its type.
 */
@AutoConfiguration
@ConditionalOnClass(SpillwayPool.class)
public final class SpillwayAutoConfiguration {

  /** azure-ai-openai's clients on the pool, when {@code spillway-azure} is present. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({SpillwayAzure.class, OpenAIClient.class})
  @ConditionalOnSingleCandidate(SpillwayPool.class)
  static class AzureClients {

    /**
     * The {@code OpenAIClient} of the pool: every call is load-balanced over the pool's routes.
     *
     * @param pool the pool
     * @return the client
     */
    @Bean
    @ConditionalOnMissingBean
    OpenAIClient openAIClient(SpillwayPool pool) {
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
    OpenAIAsyncClient openAIAsyncClient(SpillwayPool pool) {
      return SpillwayAzure.openAIClientBuilder(pool).buildAsyncClient();
    }
  }

  /**
   * openai-java's clients on the pool, when {@code spillway-openai} is present. Always both: Spring
   * AI's {@code OpenAiChatModel}, given one, builds the other itself and asks for an API key.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({SpillwayOpenAI.class, com.openai.client.OpenAIClient.class})
  @ConditionalOnSingleCandidate(SpillwayPool.class)
  static class OpenAiClients {

    /**
     * openai-java's {@code OpenAIClient} of the pool (the Azure v1 API); closed with the context.
     *
     * @param pool the pool
     * @return the client
     */
    @Bean
    @ConditionalOnMissingBean
    com.openai.client.OpenAIClient spillwayOpenAiClient(SpillwayPool pool) {
      return SpillwayOpenAI.client(pool);
    }

    /**
     * openai-java's {@code OpenAIClientAsync} of the same pool; closed with the context.
     *
     * @param pool the pool
     * @return the client
     */
    @Bean
    @ConditionalOnMissingBean
    OpenAIClientAsync spillwayOpenAiClientAsync(SpillwayPool pool) {
      return SpillwayOpenAI.asyncClient(pool);
    }
  }

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
  @EnableConfigurationProperties({SpillwayProperties.class, ConsumerResolverProperties.class})
  static class PoolConfiguration {
    private static final String PREFIX = "spillway";

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    SpillwayPool spillwayPool(
        SpillwayProperties properties,
        ConsumerResolverProperties resolverProperties,
        ApplicationContext context,
        ObjectProvider<OpenTelemetry> openTelemetry,
        ObjectProvider<TokenCredential> tokenCredential,
        ObjectProvider<ConsumerResolver> consumerResolver,
        ObjectProvider<PoolListener> listeners,
        ObjectProvider<SpillwayPoolCustomizer> customizers) {
      PoolConfig config = properties.toPoolConfig();
      SpillwayPool.Builder builder = SpillwayPool.builder().config(config);
      openTelemetry.ifAvailable(builder::openTelemetry);
      if (config.backends().stream().anyMatch(SpillwayAutoConfiguration::usesTokenCredential)) {
        tokenCredential.ifAvailable(builder::entraCredential);
      }
      ConsumerResolver resolver =
          consumerResolver.getIfAvailable(() -> consumerResolver(resolverProperties, context));
      if (resolver != null) {
        builder.consumerResolver(resolver);
      }
      listeners.orderedStream().forEach(builder::listener);
      customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
      try {
        return builder.build();
      } catch (InvalidPropertyException e) {
        // spillway.state.store names a store whose module is not on the classpath
        ConfigurationPropertyName name = ConfigurationPropertyName.of(PREFIX + "." + e.property());
        throw new InvalidSpillwayPropertyException(
            name, origin(name, context), e.getMessage(), null);
      }
    }

    /**
     * The resolver {@code spillway.consumer-resolver.*} names, or {@code null} for none.
     *
     * @throws InvalidSpillwayPropertyException for {@code spring-security} without Spring Security
     */
    private static ConsumerResolver consumerResolver(
        ConsumerResolverProperties properties, ApplicationContext context) {
      return switch (properties.type()) {
        case ConsumerResolverProperties.MDC -> SpillwayConsumerResolver.mdc(properties.mdcKey());
        case ConsumerResolverProperties.SPRING_SECURITY -> {
          if (!ClassUtils.isPresent(
              SecurityPrincipalResolver.SECURITY_CONTEXT_HOLDER, context.getClassLoader())) {
            ConfigurationPropertyName type =
                ConfigurationPropertyName.of(ConsumerResolverProperties.PREFIX + ".type");
            throw new InvalidSpillwayPropertyException(
                type,
                origin(type, context),
                "spring-security needs Spring Security (spring-security-core) on the classpath",
                null);
          }
          yield SpillwayConsumerResolver.springSecurity();
        }
        default -> null;
      };
    }

    private static Origin origin(ConfigurationPropertyName name, ApplicationContext context) {
      for (ConfigurationPropertySource source :
          ConfigurationPropertySources.get(context.getEnvironment())) {
        ConfigurationProperty property = source.getConfigurationProperty(name);
        if (property != null) {
          return property.getOrigin();
        }
      }
      return null;
    }

    @Bean
    static ConfigurationPropertiesBindHandlerAdvisor spillwaySchemaBindHandlerAdvisor() {
      return parent -> new UnresolvedPlaceholderBindHandler(new SchemaBindHandler(parent));
    }
  }
}
