/**
 * Implementation of the Azure adapter: the azure-core {@code HttpClient} wrapper, request and
 * response handling, authentication. Not API: may change in any release.
 */
package dev.spillway.azure.internal;
