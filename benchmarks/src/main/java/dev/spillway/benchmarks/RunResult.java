package dev.spillway.benchmarks;

import dev.spillway.simulator.SimulatorStats;
import java.util.List;
import java.util.Map;

/**
 * One scenario run by one client: the measured calls and the simulator's books.
 *
 * @param scenario the scenario
 * @param client the client key
 * @param interactiveOnly whether this is {@code mixed}'s interactive-only baseline run
 * @param records the calls scheduled inside the measured window
 * @param windowStats the books at the end of the measured window (capacity fraction)
 * @param finalStats the books after the last measured call ended (429s, tokens served)
 * @param ptuUtilizationAtStart each PTU backend's utilization when the window started
 * @param ptuPresetAgeSeconds simulated seconds from presetting the saturated PTU buckets to reading
 *     {@code ptuUtilizationAtStart} (a bucket drains 1.0 per simulated minute meanwhile), or {@code
 *     null} when the scenario presets none
 * @param windowStartNanos start of the measured window ({@code System.nanoTime()})
 * @param windowNanos length of the window, wall time
 * @param faultStartNanos when the fault began, or 0
 * @param faultEndNanos when the fault ended, or 0
 * @param extra figures only the client gives ({@link LoadClient#extraFigures}), empty for most
 */
record RunResult(
    Scenario scenario,
    String client,
    boolean interactiveOnly,
    List<CallRecord> records,
    SimulatorStats windowStats,
    SimulatorStats finalStats,
    Map<String, Double> ptuUtilizationAtStart,
    Double ptuPresetAgeSeconds,
    long windowStartNanos,
    long windowNanos,
    long faultStartNanos,
    long faultEndNanos,
    Map<String, Object> extra) {

  RunResult(
      Scenario scenario,
      String client,
      boolean interactiveOnly,
      List<CallRecord> records,
      SimulatorStats windowStats,
      SimulatorStats finalStats,
      Map<String, Double> ptuUtilizationAtStart,
      Double ptuPresetAgeSeconds,
      long windowStartNanos,
      long windowNanos,
      long faultStartNanos,
      long faultEndNanos) {
    this(
        scenario,
        client,
        interactiveOnly,
        records,
        windowStats,
        finalStats,
        ptuUtilizationAtStart,
        ptuPresetAgeSeconds,
        windowStartNanos,
        windowNanos,
        faultStartNanos,
        faultEndNanos,
        Map.of());
  }
}
