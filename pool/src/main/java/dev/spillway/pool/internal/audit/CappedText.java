package dev.spillway.pool.internal.audit;

import dev.spillway.pool.audit.AuditRecord;

/**
 * A captured text field, cut at a cap: what arrives past it is counted, not kept, and the value
 * ends with {@link AuditRecord#TRUNCATION_MARKER} and the count. Deltas of a stream append. Not
 * thread-safe.
 */
final class CappedText {
  private final int cap;
  private StringBuilder text;
  private long cut;

  CappedText(int cap) {
    this.cap = cap;
  }

  /** Appends {@code s}; {@code null} appends nothing. */
  void append(String s) {
    if (s == null) {
      return;
    }
    if (text == null) {
      text = new StringBuilder(Math.min(s.length(), cap));
    }
    int room = cap - text.length();
    if (s.length() <= room) {
      text.append(s);
    } else {
      text.append(s, 0, Math.max(0, room));
      cut += s.length() - Math.max(0, room);
    }
  }

  /** The text, or {@code null} when nothing non-empty was appended. */
  String value() {
    if (text == null || (text.length() == 0 && cut == 0)) {
      return null;
    }
    return cut == 0 ? text.toString() : text + AuditRecord.TRUNCATION_MARKER + cut + " chars]";
  }

  /** {@code s} cut at {@code cap}. */
  static String of(String s, int cap) {
    CappedText t = new CappedText(cap);
    t.append(s);
    return t.value();
  }
}
