package dev.spillway.pool.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.pool.spi.Operation.Placement;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The operation-based rule: which requests the pool may balance, and what each is called. */
class OperationTest {

  @ParameterizedTest(name = "{0} {1} -> {2} {3}")
  @CsvSource({
    // legacy deployment paths name the logical model and are balanced
    "POST, /openai/deployments/gpt-4o/chat/completions, DEPLOYMENT_IN_PATH, chat",
    "POST, /openai/deployments/gpt-4o/completions, DEPLOYMENT_IN_PATH, text_completion",
    "POST, /openai/deployments/emb/embeddings, DEPLOYMENT_IN_PATH, embeddings",
    "POST, /openai/deployments/whisper/audio/transcriptions, DEPLOYMENT_IN_PATH,"
        + " audio.transcriptions",
    // the v1 API carries the deployment in the body's model
    "POST, /openai/v1/chat/completions, DEPLOYMENT_IN_BODY, chat",
    "POST, /openai/v1/completions, DEPLOYMENT_IN_BODY, text_completion",
    "POST, /openai/v1/embeddings, DEPLOYMENT_IN_BODY, embeddings",
    // the Responses API: balanced only when stateless, decided from the body
    "POST, /openai/v1/responses, RESPONSES, responses",
    "POST, /openai/responses, RESPONSES, responses",
    // stateful: the resource, never an id, names the operation
    "GET, /openai/v1/responses/resp_123, HOME, responses",
    "GET, /openai/files, HOME, files",
    "GET, /openai/files/file-abc/content, HOME, files",
    "POST, /openai/v1/files, HOME, files",
    "POST, /openai/batches, HOME, batches",
    "POST, /openai/fine_tuning/jobs, HOME, fine_tuning",
    "POST, /openai/assistants, HOME, assistants",
    "POST, /openai/threads/thread_1/runs, HOME, threads",
    "GET, /openai/v1/vector_stores/vs_1, HOME, vector_stores",
    "GET, /openai/v1/chat/completions, HOME, chat",
    "POST, /openai/deployments/, HOME, deployments",
    // under a deployment: the Responses API, and state that openai-java's legacy mode puts there
    "POST, /openai/deployments/gpt-4o/responses, RESPONSES, responses",
    "GET, /openai/deployments/gpt-4o/responses/resp_1, HOME, responses",
    "POST, /openai/deployments/gpt-4o/threads/thread_1/runs, HOME, threads",
    "POST, /openai/deployments/gpt-4o, HOME, unknown",
  })
  void classifiesByOperation(String method, String path, Placement placement, String name) {
    Operation operation = Operation.of(method, path);
    assertThat(operation.placement()).isEqualTo(placement);
    assertThat(operation.name()).isEqualTo(name);
    assertThat(operation.balanced())
        .isEqualTo(
            placement == Placement.DEPLOYMENT_IN_PATH || placement == Placement.DEPLOYMENT_IN_BODY);
  }

  @ParameterizedTest(name = "{0} -> model {1}, tail {2}")
  @CsvSource({
    "/openai/deployments/gpt-4o/chat/completions, gpt-4o, /chat/completions",
    "/openai/deployments/my%20model/embeddings, my model, /embeddings",
    "/openai/deployments/gpt-4o, gpt-4o, ''",
  })
  void aDeploymentPathGivesItsModelAndTail(String path, String model, String tail) {
    Operation operation = Operation.of("POST", path);
    assertThat(operation.pathModel()).isEqualTo(model);
    assertThat(operation.tail()).isEqualTo(tail);
  }

  @ParameterizedTest(name = "store={0} previous={1} conversation={2} -> {3}")
  @CsvSource({
    "false, false, false, true",
    ", false, false, false", // absent store: the service stores by default
    "true, false, false, false",
    "false, true, false, false",
    "false, false, true, false",
  })
  void aResponseIsStatelessOnlyWithStoreFalseAndNoChain(
      Boolean store, boolean previous, boolean conversation, boolean stateless) {
    assertThat(Operation.statelessResponse(store, previous, conversation)).isEqualTo(stateless);
  }
}
