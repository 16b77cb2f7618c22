/**
 * For SDK adapter authors: what an adapter needs from an application's {@link
 * dev.spillway.pool.SpillwayPool} (its engine, each backend's authentication, the home backend) and
 * the rule that tells balanced operations from stateful ones; for state store authors, the {@link
 * dev.spillway.pool.spi.StateStoreProvider} that creates the store {@code spillway.state.store}
 * names. Applications do not use this package.
 */
package dev.spillway.pool.spi;
