package dev.spillway.simulator.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TokensTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @ParameterizedTest
  @ValueSource(strings = {"gpt-4o-2024-08-06", "gpt-4"})
  void everyVocabularyPieceIsOneToken(String model) {
    Tokenizer tokenizer = Tokenizer.forModel(model);
    assertThat(TextGenerator.vocabulary())
        .allSatisfy(piece -> assertThat(tokenizer.count(piece)).isEqualTo(1));
  }

  @ParameterizedTest
  @ValueSource(strings = {"gpt-4o-2024-08-06", "gpt-35-turbo-instruct"})
  void generatedTextCountsExactlyTheTokensReported(String model) {
    Tokenizer tokenizer = Tokenizer.forModel(model);
    for (int seed = 0; seed < 40; seed++) {
      for (int n : new int[] {1, 2, 3, 7, 17, 50, 300}) {
        List<String> pieces = TextGenerator.tokens(new SplittableRandom(seed), n);
        assertThat(pieces).hasSize(n);
        assertThat(tokenizer.count(String.join("", pieces)))
            .as("seed %d, n %d", seed, n)
            .isEqualTo(n);
      }
    }
  }

  @Test
  void promptCountsMatchTheRecordings() throws Exception {
    Tokenizer gpt4o = Tokenizer.forModel("gpt-4o-2024-08-06");
    // Recording 1: {completion 9, prompt 11}; recording 2: prompt 22.
    assertThat(
            gpt4o.countChat(JSON.readTree("[{\"role\":\"user\",\"content\":\"hello, world!\"}]")))
        .isEqualTo(11);
    assertThat(
            gpt4o.countChat(
                JSON.readTree(
                    "[{\"role\":\"system\",\"content\":\"You are a curmudgeon\"},"
                        + "{\"role\":\"user\",\"content\":\"Hello, assistant!\"}]")))
        .isEqualTo(22);
    assertThat(
            gpt4o.countChat(
                JSON.readTree(
                    "[{\"role\":\"user\",\"content\":[{\"type\":\"text\","
                        + "\"text\":\"hello, world!\"}]}]")))
        .isEqualTo(11);
    // Recording 5 (completions): 5 prompt tokens; recording 4 (embeddings): 4.
    Tokenizer instruct = Tokenizer.forModel("gpt-35-turbo-instruct");
    assertThat(instruct.countInput(JSON.readTree("[\"Say this is a test\"]"))).isEqualTo(5);
    assertThat(
            Tokenizer.forModel("text-embedding-ada-002")
                .countInput(JSON.readTree("\"sample text to embed\"")))
        .isEqualTo(4);
  }
}
