package dev.spillway;

import java.util.List;
import java.util.Objects;

/**
 * Azure OpenAI's content-filter results for one call, at every level the service reports them: the
 * prompt ({@code prompt_filter_results}), each choice ({@code content_filter_results}, for a stream
 * the worst of its chunks) and the inner error of a 400 {@code content_filter} refusal, whose
 * results are the prompt's.
 *
 * <p>Immutable and thread-safe. Holds no prompt or completion text.
 *
 * @param results every category result, prompt results first
 * @param errorCode the refusal's {@code error.innererror.code} (such as {@code
 *     ResponsibleAIPolicyViolation}), else its {@code error.code} {@code content_filter}; {@code
 *     null} when the call was not refused by the filter
 */
public record ContentFilterResults(List<ContentFilterResult> results, String errorCode) {

  /** No results: the service reported none, or the call got no response. */
  public static final ContentFilterResults NONE = new ContentFilterResults(List.of(), null);

  /** Copies the results. */
  public ContentFilterResults {
    results = List.copyOf(Objects.requireNonNull(results, "'results' cannot be null."));
  }

  /**
   * @return whether the service refused the request or cut a choice for a category
   */
  public boolean filtered() {
    return errorCode != null || results.stream().anyMatch(ContentFilterResult::filtered);
  }

  /**
   * @return whether there is nothing to report
   */
  public boolean isEmpty() {
    return results.isEmpty() && errorCode == null;
  }

  /**
   * The results of one source.
   *
   * @param source prompt or completion
   * @return its results, in order
   */
  public List<ContentFilterResult> of(ContentFilterResult.Source source) {
    return results.stream().filter(r -> r.source() == source).toList();
  }
}
