package dev.spillway.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Captures the events of one logback logger while open. */
public final class LogCapture implements AutoCloseable {
  private final Logger logger;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  private LogCapture(String name) {
    this.logger = (Logger) LoggerFactory.getLogger(name);
    appender.start();
    logger.addAppender(appender);
  }

  /** Starts capturing the logger named {@code name} (and its children). */
  public static LogCapture of(String name) {
    return new LogCapture(name);
  }

  /** Raises {@code name}'s level for the duration (closing restores it); keeps long runs quiet. */
  public static AutoCloseable quiet(String name, Level level) {
    Logger l = (Logger) LoggerFactory.getLogger(name);
    Level before = l.getLevel();
    l.setLevel(level);
    return () -> l.setLevel(before);
  }

  /** Formatted messages at {@code level}, in order. */
  @SuppressWarnings("SynchronizeOnNonFinalField") // ListAppender assigns its list once, at creation
  public List<String> messages(Level level) {
    synchronized (appender.list) {
      return appender.list.stream()
          .filter(e -> e.getLevel() == level)
          .map(ILoggingEvent::getFormattedMessage)
          .toList();
    }
  }

  /** Every formatted message and the message of every logged throwable, at any level, in order. */
  @SuppressWarnings("SynchronizeOnNonFinalField")
  public List<String> all() {
    synchronized (appender.list) {
      List<String> out = new java.util.ArrayList<>();
      for (ILoggingEvent e : appender.list) {
        out.add(e.getFormattedMessage());
        for (var t = e.getThrowableProxy(); t != null; t = t.getCause()) {
          out.add(t.getClassName() + ": " + t.getMessage());
        }
      }
      return out;
    }
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    appender.stop();
  }
}
