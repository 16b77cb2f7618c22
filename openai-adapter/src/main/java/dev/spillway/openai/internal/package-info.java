/**
 * Implementation of the openai-java adapter: the {@code com.openai.core.http.HttpClient} over the
 * engine, request and response handling. Not API: may change in any release.
 */
package dev.spillway.openai.internal;
