package dev.spillway.testing;

import dev.spillway.AttemptRecord;
import dev.spillway.CallOutcome;
import dev.spillway.CircuitState;
import dev.spillway.CoolDownReason;
import dev.spillway.PoolListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Records every event a pool reports. Thread-safe. */
public final class RecordingListener implements PoolListener {
  /** One cool-down event. */
  public record CoolDownEvent(
      String backendId, String deployment, Duration duration, CoolDownReason reason) {}

  /** One circuit transition. */
  public record CircuitEvent(String backendId, CircuitState from, CircuitState to) {}

  private final List<CallOutcome> outcomes = Collections.synchronizedList(new ArrayList<>());
  private final List<AttemptRecord> attempts = Collections.synchronizedList(new ArrayList<>());
  private final List<CoolDownEvent> coolDowns = Collections.synchronizedList(new ArrayList<>());
  private final List<CircuitEvent> circuits = Collections.synchronizedList(new ArrayList<>());

  @Override
  public void onAttempt(String callId, AttemptRecord attempt) {
    attempts.add(attempt);
  }

  @Override
  public void onCoolDown(
      String backendId, String deployment, Duration duration, CoolDownReason reason) {
    coolDowns.add(new CoolDownEvent(backendId, deployment, duration, reason));
  }

  @Override
  public void onCircuitStateChange(String backendId, CircuitState from, CircuitState to) {
    circuits.add(new CircuitEvent(backendId, from, to));
  }

  @Override
  public void onCallComplete(CallOutcome outcome) {
    outcomes.add(outcome);
  }

  public List<CallOutcome> outcomes() {
    synchronized (outcomes) {
      return List.copyOf(outcomes);
    }
  }

  /** The only outcome; fails unless exactly one call completed. */
  public CallOutcome onlyOutcome() {
    List<CallOutcome> all = outcomes();
    if (all.size() != 1) {
      throw new AssertionError("expected exactly one CallOutcome, got " + all);
    }
    return all.get(0);
  }

  public CallOutcome lastOutcome() {
    List<CallOutcome> all = outcomes();
    if (all.isEmpty()) {
      throw new AssertionError("no CallOutcome yet");
    }
    return all.get(all.size() - 1);
  }

  public List<AttemptRecord> attempts() {
    synchronized (attempts) {
      return List.copyOf(attempts);
    }
  }

  public List<CoolDownEvent> coolDowns() {
    synchronized (coolDowns) {
      return List.copyOf(coolDowns);
    }
  }

  public List<CircuitEvent> circuits() {
    synchronized (circuits) {
      return List.copyOf(circuits);
    }
  }
}
