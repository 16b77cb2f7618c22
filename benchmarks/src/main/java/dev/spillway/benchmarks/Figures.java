package dev.spillway.benchmarks;

import dev.spillway.simulator.DeploymentStats;
import dev.spillway.simulator.SimulatorStats;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The figures of docs/benchmark.md §1 for one run. Latencies are wall-clock milliseconds from the
 * scheduled send time of successful calls (multiply by F for simulated time).
 */
final class Figures {
  /** Bins of the traffic-share series over the measured window. */
  static final int BINS = 30;

  private Figures() {}

  static Map<String, Object> of(RunResult run, boolean p999) {
    List<CallRecord> records = run.records();
    long ok = 0;
    long throttled = 0;
    long timeouts = 0;
    for (CallRecord r : records) {
      switch (r.end) {
        case OK -> ok++;
        case THROTTLED -> throttled++;
        case TIMEOUT -> timeouts++;
        default -> {}
      }
    }
    long calls = records.size();
    long errors = calls - ok;
    long notSent = records.stream().filter(r -> r.startedNanos == 0).count();
    long[] sendLags =
        records.stream()
            .filter(r -> r.startedNanos != 0)
            .mapToLong(r -> r.startedNanos - r.scheduledNanos)
            .sorted()
            .toArray();
    long[] latencies =
        records.stream()
            .filter(r -> r.end == CallRecord.End.OK)
            .mapToLong(CallRecord::latencyNanos)
            .sorted()
            .toArray();
    long firstThirdEnd = run.windowStartNanos() + run.windowNanos() / 3;
    long[] firstThird =
        records.stream()
            .filter(r -> r.end == CallRecord.End.OK && r.scheduledNanos < firstThirdEnd)
            .mapToLong(CallRecord::latencyNanos)
            .sorted()
            .toArray();

    SimulatorStats fin = run.finalStats();
    long backend429 = 0;
    long servedPtu = 0;
    long served = 0;
    for (DeploymentStats d : fin.deployments()) {
      backend429 += d.throttled();
      served += d.tokensServed();
      if (d.ptu()) {
        servedPtu += d.tokensServed();
      }
    }

    Map<String, Object> m = new LinkedHashMap<>();
    Double goodput = goodputFraction(run.windowStats());
    m.put("goodput_fraction", goodput == null ? null : round(goodput, 4));
    m.put("capacity_fraction", round(run.windowStats().capacityFraction(), 4));
    m.put("caller_429_rate", rate(throttled, calls));
    m.put("caller_error_rate", rate(errors, calls));
    m.put("backend_429_per_success", ok == 0 ? null : round((double) backend429 / ok, 4));
    m.put("ptu_token_share", served == 0 ? 0.0 : round((double) servedPtu / served, 4));
    m.put("latency_p50_ms", percentileMs(latencies, 0.50));
    m.put("latency_p99_ms", percentileMs(latencies, 0.99));
    m.put("latency_p99_first_third_ms", percentileMs(firstThird, 0.99));
    m.put("latency_p999_ms", p999 ? percentileMs(latencies, 0.999) : null);
    boolean failure = run.scenario() == Scenario.FAILURE;
    m.put("failover_detect_ms", failure ? failoverDetectMs(run) : null);
    m.put("recovery_ms", failure ? recoveryMs(run) : null);
    m.put("calls", calls);
    m.put("throughput_rps", round(ok / (run.windowNanos() / 1e9), 2));
    m.put("ok", ok);
    m.put("errors", errors);
    m.put("errors_429", throttled);
    m.put("unfinished", timeouts);
    m.put("backend_429", backend429);
    m.put("ptu_utilization_at_window_start", run.ptuUtilizationAtStart());
    m.put("ptu_preset_age_s", run.ptuPresetAgeSeconds());
    m.put("not_sent", notSent);
    m.put("send_lag_p99_ms", percentileMs(sendLags, 0.99));
    if (run.scenario() == Scenario.FLEET) {
      Map<String, Long> byBackend = new java.util.TreeMap<>();
      for (DeploymentStats d : fin.deployments()) {
        byBackend.merge(d.resource(), d.throttled(), Long::sum);
      }
      m.put("time_scale", Scenario.FLEET_TIME_SCALE);
      m.put("backend_429_by_backend", byBackend);
    }
    return m;
  }

  /**
   * The figures of {@code mixed} beside the usual ones: per priority, from the calls' final backend
   * tier and the pool's token counts; tier-0 capacity and tokens from the simulator's books of the
   * window. {@code batch_tokens_served} is tier 0's tokens served in the window minus those of the
   * interactive calls that ended in it (batch calls use tier 0 only); {@code batch_call_tokens} is
   * the tokens of the window's batch calls, whenever they were served.
   *
   * @param run the mixed run (interactive and batch calls)
   * @param interactiveOnly the interactive-only baseline run of the same harness run
   * @return figure name → value
   */
  static Map<String, Object> mixed(RunResult run, RunResult interactiveOnly) {
    long paygBatch = 0;
    long batchCallTokens = 0;
    long windowEnd = run.windowStartNanos() + run.windowNanos();
    long interactiveTier0 = 0;
    long batchErrors = 0;
    Map<String, Long> batchRejections = new java.util.TreeMap<>();
    List<Long> interactive = new java.util.ArrayList<>();
    List<Long> batch = new java.util.ArrayList<>();
    for (CallRecord r : run.records()) {
      boolean ok = r.end == CallRecord.End.OK;
      if (r.batch) {
        if (ok) {
          batch.add(r.latencyNanos());
          batchCallTokens += r.tokens;
          if (r.servedTier > 0) {
            paygBatch += r.tokens;
          }
        } else {
          batchErrors++;
          batchRejections.merge(r.rejection != null ? r.rejection : r.end.name(), 1L, Long::sum);
        }
      } else if (ok) {
        interactive.add(r.latencyNanos());
        if (r.servedTier == 0 && r.endNanos <= windowEnd) {
          interactiveTier0 += r.tokens;
        }
      }
    }
    double tier0Served = 0;
    double tier0Capacity = 0;
    for (DeploymentStats d : run.windowStats().deployments()) {
      if (d.ptu()) {
        tier0Served += d.tokensServed();
        tier0Capacity += d.tokensChargeable();
      }
    }
    long[] only =
        interactiveOnly.records().stream()
            .filter(r -> r.end == CallRecord.End.OK)
            .mapToLong(CallRecord::latencyNanos)
            .sorted()
            .toArray();
    long[] i = interactive.stream().mapToLong(Long::longValue).sorted().toArray();
    long[] b = batch.stream().mapToLong(Long::longValue).sorted().toArray();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("payg_tokens_batch", paygBatch);
    m.put("interactive_latency_p50_ms", percentileMs(i, 0.50));
    m.put("interactive_latency_p99_ms", percentileMs(i, 0.99));
    m.put("batch_latency_p50_ms", percentileMs(b, 0.50));
    m.put("batch_latency_p99_ms", percentileMs(b, 0.99));
    m.put("interactive_only_latency_p50_ms", percentileMs(only, 0.50));
    m.put("interactive_only_latency_p99_ms", percentileMs(only, 0.99));
    m.put("tier0_utilization", tier0Capacity == 0 ? null : round(tier0Served / tier0Capacity, 4));
    // Batch calls may use tier 0 only: what tier 0 served in the window beside the interactive
    // calls that ended in it is batch work (including the warm-up's batch calls served then).
    m.put("batch_tokens_served", Math.max(0, Math.round(tier0Served) - interactiveTier0));
    m.put("batch_tokens_servable", Math.round(tier0Capacity) - interactiveTier0);
    m.put("batch_errors", batchErrors);
    m.put("batch_errors_by_reason", batchRejections);
    m.put("batch_call_tokens", batchCallTokens);
    m.put("interactive_calls", run.records().stream().filter(r -> !r.batch).count());
    m.put("batch_calls", run.records().stream().filter(r -> r.batch).count());
    m.put("interactive_only_calls", interactiveOnly.records().size());
    return m;
  }

  /**
   * Tokens served to successful calls ÷ what the pool could really serve in the window: every PTU
   * deployment's drain, plus every standard deployment's TPM scaled by actual ÷ admission-estimated
   * tokens of the calls the standard deployments admitted (their books charge the estimate, so
   * sending them more cannot raise the figure). Without standard admissions the ratio of every
   * admitted call stands in.
   *
   * @param window the books of the measured window
   * @return the fraction, or null when nothing was admitted or chargeable
   */
  static Double goodputFraction(SimulatorStats window) {
    double served = 0;
    double ptuDrain = 0;
    double standardTpm = 0;
    double standardUsed = 0;
    double standardAdmitted = 0;
    double allUsed = 0;
    double allAdmitted = 0;
    for (DeploymentStats d : window.deployments()) {
      served += d.tokensServed();
      allUsed += d.tokensUsed();
      allAdmitted += d.tokensAdmitted();
      if (d.ptu()) {
        ptuDrain += d.tokensChargeable();
      } else {
        standardTpm += d.tokensChargeable();
        standardUsed += d.tokensUsed();
        standardAdmitted += d.tokensAdmitted();
      }
    }
    double ratio =
        standardAdmitted > 0
            ? standardUsed / standardAdmitted
            : allAdmitted > 0 ? allUsed / allAdmitted : Double.NaN;
    double servable = ptuDrain + standardTpm * ratio;
    return Double.isNaN(ratio) || servable <= 0 ? null : served / servable;
  }

  /**
   * From the start of the fault to the end of the first call that failed on ptu-a and was then
   * served by another backend; null when no call was ever served elsewhere (e.g. {@code single}).
   */
  static Double failoverDetectMs(RunResult run) {
    long best = Long.MAX_VALUE;
    for (CallRecord r : run.records()) {
      if (r.end == CallRecord.End.OK
          && r.failedOnPtuA
          && r.servedBy != null
          && !Target.FAILING.equals(r.servedBy)
          && r.endNanos >= run.faultStartNanos()) {
        best = Math.min(best, r.endNanos - run.faultStartNanos());
      }
    }
    return best == Long.MAX_VALUE ? null : round(best / 1e6, 1);
  }

  /** From the end of the fault to the sending of the first attempt ptu-a served; null if none. */
  static Double recoveryMs(RunResult run) {
    long best = Long.MAX_VALUE;
    for (CallRecord r : run.records()) {
      if (r.end == CallRecord.End.OK
          && Target.FAILING.equals(r.servedBy)
          && r.servedSentNanos >= run.faultEndNanos()) {
        best = Math.min(best, r.servedSentNanos - run.faultEndNanos());
      }
    }
    return best == Long.MAX_VALUE ? null : round(best / 1e6, 1);
  }

  /**
   * Share of successful calls per backend over the window, by when the answering attempt was sent.
   *
   * @return backend id → share per bin (bins without successes are all 0)
   */
  static Map<String, double[]> trafficShare(RunResult run, List<String> backends) {
    double[][] counts = new double[backends.size()][BINS];
    double[] totals = new double[BINS];
    for (CallRecord r : run.records()) {
      if (r.end != CallRecord.End.OK || r.servedBy == null) {
        continue;
      }
      int b = backends.indexOf(r.servedBy);
      long t =
          (r.servedSentNanos != 0 ? r.servedSentNanos : r.scheduledNanos) - run.windowStartNanos();
      int bin = (int) Math.min(BINS - 1, Math.max(0, t * BINS / run.windowNanos()));
      if (b >= 0) {
        counts[b][bin]++;
        totals[bin]++;
      }
    }
    Map<String, double[]> out = new LinkedHashMap<>();
    for (int b = 0; b < backends.size(); b++) {
      double[] share = new double[BINS];
      for (int i = 0; i < BINS; i++) {
        share[i] = totals[i] == 0 ? 0 : round(counts[b][i] / totals[i], 3);
      }
      out.put(backends.get(b), share);
    }
    return out;
  }

  static Double percentileMs(long[] sorted, double q) {
    if (sorted.length == 0) {
      return null;
    }
    int rank = (int) Math.ceil(q * sorted.length) - 1;
    return round(sorted[Math.max(0, Math.min(sorted.length - 1, rank))] / 1e6, 1);
  }

  static double rate(long part, long whole) {
    return whole == 0 ? 0 : round((double) part / whole, 5);
  }

  static double round(double v, int digits) {
    double p = Math.pow(10, digits);
    return Math.round(v * p) / p;
  }

  static double[] copy(double[] a) {
    return Arrays.copyOf(a, a.length);
  }
}
