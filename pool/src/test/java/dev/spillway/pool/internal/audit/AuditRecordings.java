package dev.spillway.pool.internal.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spillway.testing.AzureRecordings;
import java.util.List;
import java.util.stream.StreamSupport;

/** Bodies of the recorded exchanges (core's test-jar). */
public final class AuditRecordings {
  private static final ObjectMapper JSON = new ObjectMapper();

  private AuditRecordings() {}

  /** The recorded response body, as JSON text. */
  public static String response(String recording) throws Exception {
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

  /** Each recorded SSE frame's JSON, {@code [DONE]} left out. */
  public static List<String> frames(String recording) throws Exception {
    JsonNode body = JSON.readTree(AzureRecordings.read(recording)).path("Entries").get(0);
    return StreamSupport.stream(body.path("ResponseBody").spliterator(), false)
        .map(JsonNode::asText)
        .map(f -> f.substring("data: ".length()).trim())
        .filter(f -> f.startsWith("{"))
        .toList();
  }
}
