package dev.spillway.pool.internal.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spillway.testing.AzureRecordings;

/** Bodies of the recorded exchanges (core's test-jar). */
final class AuditRecordings {
  private static final ObjectMapper JSON = new ObjectMapper();

  private AuditRecordings() {}

  static String response(String recording) throws Exception {
    return JSON.readTree(AzureRecordings.read(recording))
        .path("Entries")
        .get(0)
        .path("ResponseBody")
        .toString();
  }

  static byte[] request(String recording) throws Exception {
    return JSON.writeValueAsBytes(
        JSON.readTree(AzureRecordings.read(recording)).path("Entries").get(0).path("RequestBody"));
  }
}
