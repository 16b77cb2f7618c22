package dev.spillway.testing;

import dev.spillway.BackendPool;
import org.junit.jupiter.api.AfterEach;

/**
 * The fixture of the engine's behaviour tests: manual time, a listener recording every event, a
 * scripted transport on that time, and the pool under test (built by each test), closed after it.
 */
public abstract class ManualPoolTest {
  protected final ManualTime time = new ManualTime();
  protected final RecordingListener events = new RecordingListener();
  protected final ScriptedTransport t = new ScriptedTransport(time);
  protected BackendPool pool;

  @AfterEach
  void closePool() {
    if (pool != null) {
      pool.close();
    }
  }
}
