package dev.spillway.azure;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;

import com.azure.json.JsonProviders;
import com.azure.json.JsonReader;
import com.azure.json.JsonWriter;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import dev.spillway.testing.AzureRecordings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One entry of a recorded Azure OpenAI exchange (test-proxy format) from core's test resources,
 * {@code azure-recordings/} (see {@link AzureRecordings}).
 */
final class Recording {
  /** Headers WireMock sets itself, or that describe the recorded transfer rather than the body. */
  private static final Set<String> TRANSPORT_HEADERS =
      Set.of("content-length", "transfer-encoding", "connection");

  final String requestUri;
  final int status;
  final Map<String, Object> responseHeaders;
  final String responseBody;

  private Recording(Map<String, Object> entry) {
    this.requestUri = (String) entry.get("RequestUri");
    this.status = ((Number) entry.get("StatusCode")).intValue();
    @SuppressWarnings("unchecked")
    Map<String, Object> headers = (Map<String, Object>) entry.get("ResponseHeaders");
    this.responseHeaders = headers;
    this.responseBody = body(entry.get("ResponseBody"));
  }

  static Recording load(String file, int entry) {
    try (InputStream in = AzureRecordings.open(file);
        JsonReader reader = JsonProviders.createReader(in)) {
      @SuppressWarnings("unchecked")
      Map<String, Object> root = (Map<String, Object>) reader.readUntyped();
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> entries = (List<Map<String, Object>>) root.get("Entries");
      return new Recording(entries.get(entry));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An SSE body is stored as the list of its frames; a JSON body as the object. */
  private static String body(Object body) {
    if (body instanceof List<?> frames && !frames.isEmpty() && frames.get(0) instanceof String) {
      StringBuilder sse = new StringBuilder();
      frames.forEach(sse::append);
      return sse.toString();
    }
    if (body instanceof String s) {
      return s;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonWriter writer = JsonProviders.createWriter(out)) {
      writer.writeUntyped(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  ResponseDefinitionBuilder response() {
    ResponseDefinitionBuilder response = aResponse().withStatus(status).withBody(responseBody);
    responseHeaders.forEach(
        (name, value) -> {
          if (!TRANSPORT_HEADERS.contains(name.toLowerCase(java.util.Locale.ROOT))) {
            response.withHeader(name, String.valueOf(value));
          }
        });
    return response;
  }
}
