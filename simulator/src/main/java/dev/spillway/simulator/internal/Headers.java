package dev.spillway.simulator.internal;

import java.util.Locale;

/** Header names Azure OpenAI uses, spelled as in the recordings. Not instantiable. */
final class Headers {
  static final String API_KEY = "api-key";
  static final String APIM_REQUEST_ID = "apim-request-id";
  static final String REQUEST_ID = "x-request-id";
  static final String CLIENT_REQUEST_ID = "x-ms-client-request-id";
  static final String REGION = "x-ms-region";
  static final String POLICY_ID = "policy-id";
  static final String RETRY_AFTER_MS = "retry-after-ms";

  /**
   * PTU 429s spell it in lower case, as the documentation does; header names are case-insensitive.
   */
  static final String RETRY_AFTER_LOWER = "retry-after";

  static final String LIMIT_REQUESTS = "x-ratelimit-limit-requests";
  static final String LIMIT_TOKENS = "x-ratelimit-limit-tokens";
  static final String REMAINING_REQUESTS = "x-ratelimit-remaining-requests";
  static final String REMAINING_TOKENS = "x-ratelimit-remaining-tokens";
  static final String RESET_REQUESTS = "x-ratelimit-reset-requests";
  static final String RESET_TOKENS = "x-ratelimit-reset-tokens";
  static final String UTILIZATION = "azure-openai-deployment-utilization";

  private Headers() {}

  /**
   * Formats a utilization as {@code azure-openai-deployment-utilization} carries it here: a
   * percentage with one decimal and a percent sign, e.g. {@code 87.5%} (assumed: no recording
   * exists).
   *
   * @param utilization 1.0 for 100 %
   * @return the header value
   */
  static String percent(double utilization) {
    return String.format(Locale.ROOT, "%.1f%%", utilization * 100);
  }
}
