/** Implementation of the pool module. Not API: may change in any release. */
package dev.spillway.pool.internal;
