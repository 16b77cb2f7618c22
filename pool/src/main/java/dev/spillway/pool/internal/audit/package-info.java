/** Implementation of audit records: capture, reassembly, JSON, queue and sinks. Not API. */
package dev.spillway.pool.internal.audit;
