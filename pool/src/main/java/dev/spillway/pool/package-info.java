/**
 * The pool as applications build it, for every SDK adapter: {@link dev.spillway.pool.SpillwayPool}
 * from code or from the configuration schema ({@link dev.spillway.pool.PoolConfig}), with each
 * backend's {@link dev.spillway.pool.Credential}. SDK clients come from the adapters, such as the
 * Azure adapter's {@code SpillwayAzure.openAIClientBuilder(pool)}.
 */
package dev.spillway.pool;
