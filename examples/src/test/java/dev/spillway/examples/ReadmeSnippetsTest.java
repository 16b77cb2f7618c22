package dev.spillway.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every code block of the README that follows a {@code <!-- snippet: FILE#TAG -->} marker is the
 * region of FILE between {@code tag::TAG[]} and {@code end::TAG[]}, de-indented.
 */
class ReadmeSnippetsTest {
  private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
  private static final Pattern SNIPPET =
      Pattern.compile("<!-- snippet: (\\S+)#(\\S+) -->\\R```\\w*\\R(.*?)```", Pattern.DOTALL);

  @Test
  void everyReadmeSnippetIsItsTaggedSource() throws IOException {
    String readme = Files.readString(ROOT.resolve("README.md"));
    Matcher m = SNIPPET.matcher(readme);
    List<String> checked = new ArrayList<>();
    while (m.find()) {
      String source = Files.readString(ROOT.resolve(m.group(1)));
      assertThat(m.group(3))
          .as("README snippet %s#%s", m.group(1), m.group(2))
          .isEqualTo(region(source, m.group(2)));
      checked.add(m.group(2));
    }
    assertThat(checked)
        .as("snippets in the README")
        .contains("quickstart", "yaml", "controller", "streaming", "audit", "async", "chat-model");
  }

  @Test
  void aChangedSourceLineIsNoticed() {
    String source = "a\n  // tag::x[]\n  int one = 1;\n  // end::x[]\n";
    assertThat(region(source, "x"))
        .isEqualTo("int one = 1;\n")
        .isNotEqualTo(region(source.replace("1;", "2;"), "x"));
  }

  /** The lines between the tag's markers, with their common indentation removed. */
  static String region(String source, String tag) {
    List<String> lines = new ArrayList<>();
    boolean inside = false;
    for (String line : source.split("\\R", -1)) {
      if (line.contains("end::" + tag + "[]")) {
        inside = false;
      } else if (inside) {
        lines.add(line);
      } else if (line.contains("tag::" + tag + "[]")) {
        inside = true;
      }
    }
    assertThat(lines).as("tagged region %s", tag).isNotEmpty();
    int indent =
        lines.stream()
            .filter(l -> !l.isBlank())
            .mapToInt(l -> l.length() - l.stripLeading().length())
            .min()
            .orElse(0);
    StringBuilder out = new StringBuilder();
    for (String line : lines) {
      out.append(line.isBlank() ? "" : line.substring(indent)).append('\n');
    }
    return out.toString();
  }
}
