/** Implementation of the Spillway engine. Not API: anything here may change in any release. */
package dev.spillway.internal;
