package dev.spillway.simulator.internal;

/** The three deployment operations, their Azure operation names and required fields. */
enum Operation {
  CHAT("ChatCompletions_Create", "messages"),
  COMPLETIONS("Completions_Create", "prompt"),
  EMBEDDINGS("Embeddings_Create", "input");

  /** The name Azure's 429 messages give the operation. */
  final String azureName;

  /** The body field the operation cannot do without. */
  final String requiredField;

  Operation(String azureName, String requiredField) {
    this.azureName = azureName;
    this.requiredField = requiredField;
  }

  static Operation of(String path) {
    return switch (path) {
      case "chat/completions" -> CHAT;
      case "completions" -> COMPLETIONS;
      default -> EMBEDDINGS;
    };
  }
}
