package dev.spillway.simulator.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Generates answer text token by token from a vocabulary whose every entry is exactly one token in
 * both {@code cl100k_base} and {@code o200k_base}, and whose joins never merge (each word starts
 * with a space or is a full stop), so the text of {@code n} pieces counts exactly {@code n} tokens.
 * Deterministic for a given random generator. Thread-safe (stateless).
 */
final class TextGenerator {
  private static final String FIRST = "The";
  private static final String FULL_STOP = ".";
  private static final String[] WORDS = {
    " the", " of", " and", " to", " in", " is", " that", " for", " it", " as", " with", " was",
    " on", " be", " at", " by", " this", " had", " not", " are", " but", " from", " or", " have",
    " an", " they", " which", " one", " you", " were", " all", " we", " there", " can", " more",
    " when", " time", " water", " river", " light", " stone", " small", " large", " quiet", " road",
    " city", " model", " answer", " system", " pool", " data", " number", " other", " first",
    " new", " work", " part", " place", " year", " day", " way", " long", " good", " people",
  };
  private static final String[] SENTENCE_STARTS = {" The", " It", " We", " This", " There", " A"};
  private static final int MIN_SENTENCE = 6;
  private static final int MAX_SENTENCE = 16;

  private TextGenerator() {}

  /**
   * Generates {@code n} tokens of text.
   *
   * @param random the seeded generator of this answer
   * @param n the number of tokens
   * @return the pieces, one token each; their concatenation is the answer
   */
  public static List<String> tokens(RandomGenerator random, int n) {
    List<String> pieces = new ArrayList<>(n);
    int sentenceLeft = 0;
    for (int i = 0; i < n; i++) {
      if (i == 0) {
        pieces.add(FIRST);
        sentenceLeft = random.nextInt(MIN_SENTENCE, MAX_SENTENCE);
      } else if (sentenceLeft == 0 || (i == n - 1 && sentenceLeft > 0)) {
        pieces.add(FULL_STOP);
        sentenceLeft = -1;
      } else if (sentenceLeft < 0) {
        pieces.add(SENTENCE_STARTS[random.nextInt(SENTENCE_STARTS.length)]);
        sentenceLeft = random.nextInt(MIN_SENTENCE, MAX_SENTENCE);
      } else {
        pieces.add(WORDS[random.nextInt(WORDS.length)]);
        sentenceLeft--;
      }
    }
    return pieces;
  }

  /**
   * @return every piece the generator can emit, for checks
   */
  static List<String> vocabulary() {
    List<String> all = new ArrayList<>(List.of(WORDS));
    all.addAll(List.of(SENTENCE_STARTS));
    all.add(FIRST);
    all.add(FULL_STOP);
    return all;
  }
}
