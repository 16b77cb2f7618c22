package dev.spillway.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
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
        .contains("yaml", "controller", "streaming", "audit", "async", "chat-model", "models");
  }

  @Test
  void aChangedSourceLineIsNoticed() {
    String source = "a\n  // tag::x[]\n  int one = 1;\n  // end::x[]\n";
    assertThat(region(source, "x"))
        .isEqualTo("int one = 1;\n")
        .isNotEqualTo(region(source.replace("1;", "2;"), "x"));
  }

  @Test
  void theReadmesCompleteProgramCompilesAgainstSpillwayAzure() throws IOException {
    String source = compiledSnippet(Files.readString(ROOT.resolve("README.md")), "HelloSpillway");
    Path dir = Files.createTempDirectory(Path.of("target"), "readme-program");
    Path file = dir.resolve("HelloSpillway.java");
    Files.writeString(file, source);
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    try (StandardJavaFileManager files =
        compiler.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
      boolean compiled =
          compiler
              .getTask(
                  null,
                  files,
                  diagnostics,
                  List.of(
                      "--release",
                      "17",
                      "-classpath",
                      System.getProperty("java.class.path"),
                      "-d",
                      dir.toString()),
                  null,
                  files.getJavaFileObjects(file))
              .call();
      assertThat(compiled).as("%s", diagnostics.getDiagnostics()).isTrue();
    }
    assertThat(source)
        .as("the environment variables the README lists")
        .contains(
            "System.getenv(\"AOAI_PTU_ENDPOINT\")",
            "System.getenv(\"AOAI_PTU_KEY\")",
            "System.getenv(\"AOAI_PTU_DEPLOYMENT\")",
            "System.getenv(\"AOAI_PAYGO_ENDPOINT\")",
            "System.getenv(\"AOAI_PAYGO_KEY\")",
            "System.getenv(\"AOAI_PAYGO_DEPLOYMENT\")");
  }

  /**
   * The code block after {@code <!-- compiled: NAME.java -->}: a whole source file, which
   * ConsumerProjectIT also builds in a project of its own.
   */
  static String compiledSnippet(String readme, String name) {
    Matcher m =
        Pattern.compile(
                "<!-- compiled: " + Pattern.quote(name) + "\\.java -->\\R```java\\R(.*?)```",
                Pattern.DOTALL)
            .matcher(readme);
    assertThat(m.find()).as("README block compiled: %s.java", name).isTrue();
    return m.group(1);
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
