package dev.spillway;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The pool's consumers and priorities: {@code spillway.consumers[]} and {@code
 * spillway.priorities.{interactive,batch}} of the configuration schema. Immutable and thread-safe.
 *
 * @param consumers the declared consumers, ids unique; {@link ConsumerPolicy#DEFAULT_ID} gives the
 *     limits of undeclared ids
 * @param interactive what interactive calls may use ({@code null}: {@link
 *     PriorityPolicy#INTERACTIVE_DEFAULTS})
 * @param batch what batch calls may use ({@code null}: {@link PriorityPolicy#BATCH_DEFAULTS})
 */
public record ConsumerSettings(
    List<ConsumerPolicy> consumers, PriorityPolicy interactive, PriorityPolicy batch) {

  /** No declared consumers and the default priorities. */
  public static final ConsumerSettings DEFAULTS = new ConsumerSettings(List.of(), null, null);

  /**
   * Validates and copies.
   *
   * @throws IllegalArgumentException if an id repeats
   */
  public ConsumerSettings {
    consumers = consumers == null ? List.of() : List.copyOf(consumers);
    Set<String> ids = new HashSet<>();
    for (ConsumerPolicy c : consumers) {
      if (!ids.add(c.id())) {
        throw new IllegalArgumentException("consumer id '" + c.id() + "' is declared twice");
      }
    }
    if (interactive == null) {
      interactive = PriorityPolicy.INTERACTIVE_DEFAULTS;
    }
    if (batch == null) {
      batch = PriorityPolicy.BATCH_DEFAULTS;
    }
  }

  /**
   * Settings with these consumers and the default priorities.
   *
   * @param consumers the consumers
   * @return the settings
   */
  public static ConsumerSettings of(ConsumerPolicy... consumers) {
    return new ConsumerSettings(List.of(consumers), null, null);
  }

  /**
   * @param priority a priority
   * @return its policy
   */
  public PriorityPolicy policy(Priority priority) {
    Objects.requireNonNull(priority, "'priority' cannot be null.");
    return priority == Priority.BATCH ? batch : interactive;
  }

  /**
   * @return the declared consumers by id
   */
  public Map<String, ConsumerPolicy> byId() {
    return consumers.stream().collect(Collectors.toMap(ConsumerPolicy::id, Function.identity()));
  }
}
