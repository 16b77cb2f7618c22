/** Implementation of the Redis store. Not API: anything here may change in any release. */
package dev.spillway.redis.internal;
