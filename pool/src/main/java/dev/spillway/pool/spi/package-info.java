/**
 * For SDK adapter authors: what an adapter needs from an application's {@link
 * dev.spillway.pool.SpillwayPool} (its engine, each backend's authentication, the home backend) and
 * the rule that tells balanced operations from stateful ones. Applications do not use this package.
 */
package dev.spillway.pool.spi;
