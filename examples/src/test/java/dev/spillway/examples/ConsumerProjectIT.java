package dev.spillway.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.simulator.Simulator;
import dev.spillway.simulator.SimulatorConfigs;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * A new user's project, generated and built with the wrapper against this build's artifacts (the
 * repository {@code maven-invoker-plugin:install} filled in pre-integration-test): one that depends
 * on {@code spillway-azure} alone resolves the tested azure-core; one that also imports {@code
 * spillway-bom} resolves the tested Netty, compiles the README's plain-Java program, and runs it
 * against the simulator without a Netty-versions or retry warning.
 *
 * <p>On in the JDK 17 build (property {@code consumer-it}), off in CI's JDK 25 tests-only pass.
 */
@EnabledIfSystemProperty(named = "spillway.consumer-it", matches = "true")
class ConsumerProjectIT {
  private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
  private static final Path WORK = Path.of(System.getProperty("user.dir"), "target", "consumer-it");

  @Test
  void aConsumerOfSpillwayAzureAloneResolvesTheTestedAzureCore() throws Exception {
    Path project = consumer("plain", false);

    String tree = build(project);

    assertThat(tree)
        .contains("com.azure:azure-core:jar:" + version("azure-core") + ":compile")
        .contains(
            "com.azure:azure-core-http-netty:jar:" + version("azure-core-http-netty") + ":compile");
  }

  @Test
  void aConsumerImportingTheBomRunsTheReadmeProgramQuietly() throws Exception {
    Path project = consumer("bom", true);

    String tree = build(project);

    assertThat(tree).contains("com.azure:azure-core:jar:" + version("azure-core") + ":compile");
    List<String> netty =
        tree.lines()
            .filter(l -> l.contains("io.netty:") && !l.contains("io.netty:netty-tcnative"))
            .toList();
    assertThat(netty)
        .isNotEmpty()
        .allMatch(l -> l.contains(":" + version("netty") + ":"), "Netty " + version("netty"));

    try (Simulator simulator = Simulator.start(SimulatorConfigs.benchmarkPool(42))) {
      Map<String, String> env =
          Map.of(
              "AOAI_PTU_ENDPOINT", simulator.resource("ptu-a").baseUrl(),
              "AOAI_PTU_KEY", "key-ptu-a",
              "AOAI_PTU_DEPLOYMENT", "gpt-4o",
              "AOAI_PAYGO_ENDPOINT", simulator.resource("paygo-1").baseUrl(),
              "AOAI_PAYGO_KEY", "key-paygo-1",
              "AOAI_PAYGO_DEPLOYMENT", "gpt-4o");
      String classpath =
          project.resolve("target/classes")
              + File.pathSeparator
              + Files.readString(project.resolve("classpath.txt")).strip();
      Path java = Path.of(System.getProperty("java.home"), "bin", "java");
      Result run = exec(project, env, java.toString(), "-cp", classpath, "HelloSpillway");

      assertThat(run.exitCode).as("the call succeeded:%n%s", run.output).isZero();
      assertThat(run.output)
          .doesNotContain("Netty versions")
          .doesNotContain("Retry attempts have been exhausted")
          .doesNotContain("SLF4J(W)")
          .doesNotContain("ERROR")
          .doesNotContain("WARN");
    }
  }

  /** A project with {@code HelloSpillway.java} from the README, depending on spillway-azure. */
  private static Path consumer(String name, boolean importBom) throws IOException {
    Path project = WORK.resolve(name);
    Path sources = project.resolve("src/main/java");
    Files.createDirectories(sources);
    Files.writeString(
        sources.resolve("HelloSpillway.java"),
        ReadmeSnippetsTest.compiledSnippet(
            Files.readString(ROOT.resolve("README.md")), "HelloSpillway"));
    String bom =
        importBom
            ? """
              <dependencyManagement>
                <dependencies>
                  <dependency>
                    <groupId>dev.spillway</groupId>
                    <artifactId>spillway-bom</artifactId>
                    <version>%s</version>
                    <type>pom</type>
                    <scope>import</scope>
                  </dependency>
                </dependencies>
              </dependencyManagement>
            """
                .formatted(version("project"))
            : "";
    Files.writeString(
        project.resolve("pom.xml"),
        """
        <project xmlns="http://maven.apache.org/POM/4.0.0">
          <modelVersion>4.0.0</modelVersion>
          <groupId>example</groupId>
          <artifactId>consumer-%s</artifactId>
          <version>1</version>
          <properties>
            <maven.compiler.release>17</maven.compiler.release>
            <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
          </properties>
        %s
          <dependencies>
            <dependency>
              <groupId>dev.spillway</groupId>
              <artifactId>spillway-azure</artifactId>
              <version>%s</version>
            </dependency>
            <dependency>
              <groupId>org.slf4j</groupId>
              <artifactId>slf4j-simple</artifactId>
              <version>%s</version>
            </dependency>
          </dependencies>
          <build>
            <plugins>
              <plugin>
                <artifactId>maven-resources-plugin</artifactId>
                <version>3.5.0</version>
              </plugin>
              <plugin>
                <artifactId>maven-compiler-plugin</artifactId>
                <version>3.15.0</version>
              </plugin>
              <plugin>
                <artifactId>maven-dependency-plugin</artifactId>
                <version>3.11.0</version>
              </plugin>
            </plugins>
          </build>
        </project>
        """
            .formatted(name, bom, version("project"), version("slf4j")));
    // The build's own repository as a remote one, ahead of Maven Central, for what the consumer
    // needs beyond the installed artifacts (plugins): no download when it is already here. A local
    // repository has no checksum files, hence no checksum check on it.
    String outer =
        Path.of(System.getProperty("spillway.consumer-it.outer-repo")).toUri().toString();
    Files.writeString(
        project.resolve("settings.xml"),
        """
        <settings>
          <profiles>
            <profile>
              <id>build-repository</id>
              <repositories>
                <repository>
                  <id>build</id><url>%1$s</url>
                  <releases><checksumPolicy>ignore</checksumPolicy></releases>
                </repository>
              </repositories>
              <pluginRepositories>
                <pluginRepository>
                  <id>build</id><url>%1$s</url>
                  <releases><checksumPolicy>ignore</checksumPolicy></releases>
                </pluginRepository>
              </pluginRepositories>
            </profile>
          </profiles>
          <activeProfiles><activeProfile>build-repository</activeProfile></activeProfiles>
        </settings>
        """
            .formatted(outer));
    return project;
  }

  /** Compiles the project with the wrapper; returns its dependency tree. */
  private static String build(Path project) throws Exception {
    Result build =
        exec(
            ROOT,
            Map.of(),
            ROOT.resolve(isWindows() ? "mvnw.cmd" : "mvnw").toString(),
            "-B",
            "-ntp",
            "-f",
            project.resolve("pom.xml").toString(),
            "-s",
            project.resolve("settings.xml").toString(),
            "-Dmaven.repo.local=" + System.getProperty("spillway.consumer-it.repo"),
            "dependency:tree",
            "-DoutputFile=" + project.resolve("tree.txt"),
            "compile",
            "dependency:build-classpath",
            "-Dmdep.outputFile=" + project.resolve("classpath.txt"));
    assertThat(build.exitCode).as(build.output).isZero();
    return Files.readString(project.resolve("tree.txt"));
  }

  private static String version(String name) {
    return System.getProperty("spillway." + name + ".version");
  }

  private static boolean isWindows() {
    return System.getProperty("os.name").startsWith("Windows");
  }

  private record Result(int exitCode, String output) {}

  private static Result exec(Path directory, Map<String, String> env, String... command)
      throws Exception {
    Path log = Files.createTempFile(WORK, "exec", ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(directory.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().keySet().removeIf(k -> k.startsWith("AOAI_") || k.startsWith("MAVEN_"));
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    builder.environment().putAll(env);
    Process process = builder.start();
    if (!process.waitFor(10, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " ran over 10 minutes");
    }
    return new Result(process.exitValue(), Files.readString(log));
  }
}
