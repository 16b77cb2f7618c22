package dev.spillway.cli.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code report --prices FILE}: what tokens cost, per model and tier.
 *
 * <pre>{@code
 * currency: EUR
 * models:
 *   gpt-4o:
 *     payg: { input: 2.50, output: 10.00 }   # per million tokens, tiers 1 and up
 *     ptu: { monthly: 2600 }                 # the provisioned deployment, per 30 days (tier 0)
 * }</pre>
 *
 * <p>PAYG tokens cost their price. PTU is paid whether used or not, so each group is charged its
 * provisioned share: the PTU cost of the report's window ({@code monthly} × window / 30 days) split
 * by the group's share of that model's PTU tokens. Immutable.
 */
final class PriceTable {
  private static final double PER = 1_000_000.0;
  private static final Duration MONTH = Duration.ofDays(30);

  private final String currency;
  private final Map<String, Price> prices;

  private record Price(Double input, Double output, Double monthly) {}

  private PriceTable(String currency, Map<String, Price> prices) {
    this.currency = currency;
    this.prices = prices;
  }

  String currency() {
    return currency;
  }

  /**
   * Reads a price file.
   *
   * @param file the YAML file
   * @return the table
   * @throws UsageException naming the file and the value at fault
   */
  static PriceTable load(Path file) {
    JsonNode root;
    try {
      root = new YAMLMapper().readTree(Files.readString(file));
    } catch (IOException e) {
      throw new UsageException(
          file + ": cannot read the price table (" + e.getClass().getSimpleName() + ")", e);
    }
    if (root == null || !root.path("models").isObject()) {
      throw new UsageException(file + ": models: expected one entry per model", null);
    }
    Map<String, Price> prices = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.path("models").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> model = it.next();
      String at = "models." + model.getKey();
      prices.put(
          model.getKey(),
          new Price(
              number(file, at + ".payg.input", model.getValue().path("payg").path("input")),
              number(file, at + ".payg.output", model.getValue().path("payg").path("output")),
              number(file, at + ".ptu.monthly", model.getValue().path("ptu").path("monthly"))));
    }
    return new PriceTable(root.path("currency").asText(""), prices);
  }

  private static Double number(Path file, String at, JsonNode value) {
    if (value.isMissingNode() || value.isNull()) {
      return null;
    }
    if (!value.isNumber() || value.asDouble() < 0) {
      throw new UsageException(file + ": " + at + ": expected a number >= 0", null);
    }
    return value.asDouble();
  }

  /** Sets each group's estimated cost over {@code window}. */
  void apply(List<UsageReport.Call> calls, Map<String, UsageReport.Group> groups, Duration window) {
    Map<String, Long> ptuTokens = new HashMap<>();
    for (UsageReport.Call c : calls) {
      if (c.tier() != null && c.tier() == 0) {
        ptuTokens.merge(c.model(), c.tokens(), Long::sum);
      }
    }
    double months = (double) window.toMillis() / MONTH.toMillis();
    for (UsageReport.Group g : groups.values()) {
      g.cost = 0.0;
    }
    for (UsageReport.Call c : calls) {
      Price p = prices.get(c.model());
      if (p == null || c.tier() == null) {
        continue;
      }
      UsageReport.Group g = groups.get(c.group());
      if (c.tier() == 0) {
        long total = ptuTokens.getOrDefault(c.model(), 0L);
        if (p.monthly() != null && total > 0) {
          g.cost += p.monthly() * months * c.tokens() / total;
        }
      } else {
        g.cost +=
            (p.input() == null ? 0 : c.inputTokens() * p.input() / PER)
                + (p.output() == null ? 0 : c.outputTokens() * p.output() / PER);
      }
    }
  }
}
