package dev.spillway;

import java.util.Objects;

/**
 * One category of Azure OpenAI's content filter for one prompt or one choice: whether the service
 * filtered it, and its severity (harm categories: {@code hate}, {@code sexual}, {@code violence},
 * {@code self_harm}) or whether it was detected (detection categories: {@code jailbreak}, {@code
 * protected_material_text}, {@code protected_material_code}, {@code profanity}…). For a stream the
 * result is the worst of its chunks: filtered or detected in any chunk, the highest severity seen.
 *
 * <p>Immutable and thread-safe. Holds no prompt or completion text.
 *
 * @param source whether it judged the prompt or a completion
 * @param index the {@code prompt_index} of a prompt result, the choice's {@code index} of a
 *     completion result
 * @param category the category as the service names it, such as {@code violence}
 * @param filtered whether the service filtered the content for it
 * @param severity {@code safe}, {@code low}, {@code medium} or {@code high}; {@code null} for a
 *     detection category
 * @param detected whether a detection category fired; {@code null} for a harm category
 */
public record ContentFilterResult(
    Source source,
    int index,
    String category,
    boolean filtered,
    String severity,
    Boolean detected) {

  /** What the filter judged. */
  public enum Source {
    /** The request: {@code prompt_filter_results}, or the inner error of a 400. */
    PROMPT,
    /** A choice of the response: its {@code content_filter_results}. */
    COMPLETION;

    /**
     * @return the lower-case name used on spans, metrics and records
     */
    public String attributeValue() {
      return this == PROMPT ? "prompt" : "completion";
    }
  }

  /** Validates the fields. */
  public ContentFilterResult {
    Objects.requireNonNull(source, "'source' cannot be null.");
    Objects.requireNonNull(category, "'category' cannot be null.");
  }

  /**
   * Whether the result is worth counting: filtered, detected, or a severity above {@code safe}.
   *
   * @return {@code true} for a hit
   */
  public boolean hit() {
    return filtered
        || Boolean.TRUE.equals(detected)
        || (severity != null && !severity.equals("safe"));
  }
}
