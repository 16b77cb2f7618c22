package dev.spillway.azure;

/** The two ways every behaviour is exercised: the SDK's sync client and its async client. */
enum Mode {
  SYNC,
  ASYNC
}
