package dev.spillway.pool.spi;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/**
 * What an Azure OpenAI request path asks for, and whether the pool may balance it. The rule is by
 * operation, not by path shape:
 *
 * <ul>
 *   <li>a legacy deployment path, {@code /openai/deployments/{deployment}/…}, names the logical
 *       model in its deployment segment; chat completions, completions, embeddings, audio and image
 *       generation there are balanced ({@link Placement#DEPLOYMENT_IN_PATH}), a {@code POST
 *       …/responses} is the Responses API below, and anything else under a deployment (a thread's
 *       runs, which openai-java's legacy mode puts there when its parameters name a model) is
 *       stateful;
 *   <li>the v1 API's chat completions, completions and embeddings ({@code /openai/v1/…}) carry the
 *       logical model as the body's {@code model} and are balanced ({@link
 *       Placement#DEPLOYMENT_IN_BODY});
 *   <li>the Responses API ({@code POST /openai/v1/responses} or {@code /openai/responses}) is
 *       balanced only when the request keeps no state on the service: {@code store: false} and
 *       neither {@code previous_response_id} nor {@code conversation} ({@link Placement#RESPONSES},
 *       decided by {@link #statelessResponse});
 *   <li>everything else (files, fine-tuning, batches, assistants, threads, vector stores, a stored
 *       response read back) is stateful ({@link Placement#HOME}): one attempt on the pool's home
 *       backend, never retried elsewhere.
 * </ul>
 *
 * <p>Immutable.
 *
 * @param name the GenAI operation name: {@code chat}, {@code text_completion}, {@code embeddings},
 *     {@code responses}; for other deployment paths the tail's words ({@code
 *     audio.transcriptions}); for stateful paths the resource they name ({@code files}, {@code
 *     batches}), never an id
 * @param placement where the request may go
 * @param pathModel the logical model a deployment path names (decoded), or {@code null}
 * @param tail for a deployment path, what follows the deployment segment (such as {@code
 *     /chat/completions}); otherwise the whole path
 */
public record Operation(String name, Placement placement, String pathModel, String tail) {

  /** The prefix of legacy deployment paths. */
  public static final String DEPLOYMENTS = "/openai/deployments/";

  private static final String V1 = "/openai/v1/";

  /** What a deployment serves without keeping state: these tails are balanced. */
  private static final Set<String> STATELESS_DEPLOYMENT_TAILS =
      Set.of(
          "/chat/completions",
          "/completions",
          "/embeddings",
          "/extensions/chat/completions",
          "/audio/transcriptions",
          "/audio/translations",
          "/audio/speech",
          "/images/generations");

  /** Where a request may go. */
  public enum Placement {
    /** Balanced; the deployment segment of the path is rewritten per attempt. */
    DEPLOYMENT_IN_PATH,
    /** Balanced; the body's {@code model} is rewritten per attempt. */
    DEPLOYMENT_IN_BODY,
    /** The Responses API: balanced (deployment in the body) only when stateless. */
    RESPONSES,
    /** Stateful: the home backend only. */
    HOME
  }

  /**
   * Classifies a request.
   *
   * @param method the HTTP method
   * @param path the raw path, without query
   * @return the operation
   */
  public static Operation of(String method, String path) {
    if (path.startsWith(DEPLOYMENTS) && path.length() > DEPLOYMENTS.length()) {
      int end = path.indexOf('/', DEPLOYMENTS.length());
      if (end < 0) {
        end = path.length();
      }
      String model =
          URLDecoder.decode(path.substring(DEPLOYMENTS.length(), end), StandardCharsets.UTF_8);
      String tail = path.substring(end);
      if (STATELESS_DEPLOYMENT_TAILS.contains(tail)) {
        return new Operation(nameOf(tail), Placement.DEPLOYMENT_IN_PATH, model, tail);
      }
      if (post(method) && tail.equals("/responses")) {
        return new Operation("responses", Placement.RESPONSES, model, tail);
      }
      return new Operation(firstSegment(tail), Placement.HOME, model, tail);
    }
    boolean post = post(method);
    String rest = path.startsWith(V1) ? path.substring(V1.length() - 1) : null;
    if (rest != null && post) {
      switch (rest) {
        case "/chat/completions":
        case "/completions":
        case "/embeddings":
          return new Operation(nameOf(rest), Placement.DEPLOYMENT_IN_BODY, null, path);
        case "/responses":
          return new Operation("responses", Placement.RESPONSES, null, path);
        default:
          break;
      }
    }
    if (post && path.equals("/openai/responses")) {
      return new Operation("responses", Placement.RESPONSES, null, path);
    }
    return new Operation(
        firstSegment(rest != null ? rest : stripOpenAi(path)), Placement.HOME, null, path);
  }

  /**
   * Whether a Responses API request keeps no state on the service, and so may be balanced.
   *
   * @param store the body's {@code store}, or {@code null} when absent (the service stores by
   *     default)
   * @param hasPreviousResponseId whether the body has a {@code previous_response_id}
   * @param hasConversation whether the body has a {@code conversation}
   * @return {@code true} only for {@code store: false} with neither of the others
   */
  public static boolean statelessResponse(
      Boolean store, boolean hasPreviousResponseId, boolean hasConversation) {
    return Boolean.FALSE.equals(store) && !hasPreviousResponseId && !hasConversation;
  }

  /**
   * @return whether the request is balanced whatever its body says
   */
  public boolean balanced() {
    return placement == Placement.DEPLOYMENT_IN_PATH || placement == Placement.DEPLOYMENT_IN_BODY;
  }

  private static boolean post(String method) {
    return "POST".equals(method.toUpperCase(Locale.ROOT));
  }

  private static String stripOpenAi(String path) {
    return path.startsWith("/openai/") ? path.substring("/openai".length()) : path;
  }

  /**
   * The resource a stateful path names ({@code files}, {@code batches}…): ids never, so bounded.
   */
  private static String firstSegment(String path) {
    String words = path.startsWith("/") ? path.substring(1) : path;
    int slash = words.indexOf('/');
    String first = slash < 0 ? words : words.substring(0, slash);
    return first.isEmpty() ? "unknown" : first;
  }

  private static String nameOf(String tail) {
    switch (tail) {
      case "/chat/completions":
        return "chat";
      case "/completions":
        return "text_completion";
      case "/embeddings":
        return "embeddings";
      default:
        String words = tail.startsWith("/") ? tail.substring(1) : tail;
        return words.isEmpty() ? "unknown" : words.replace('/', '.');
    }
  }
}
