package io.tresor.freeze.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The agent as its own JVM (FreezeAgentMain), for kill -9 and SIGTERM; always ended by close(). */
final class AgentProcess implements AutoCloseable {
  private static final String MAIN = "io.tresor.freeze.FreezeAgentMain";
  private static final String TRESOR_LEVEL = "-Dorg.slf4j.simpleLogger.log.io.tresor.freeze=";
  private static final Pattern READY = Pattern.compile("tresor-freeze-agent ready grpc=(\\d+) metrics=(\\d+)");

  final Process process;
  final int grpcPort;

  private AgentProcess(Process process, int grpcPort) {
    this.process = process;
    this.grpcPort = grpcPort;
  }

  static AgentProcess start(String apiUrl, Path podsDir, Path journal, Path log) throws Exception {
    return start(command(apiUrl, podsDir, journal), log, java.util.Map.of());
  }

  /**
   * As {@link #start(String, Path, Path, Path)} with more JVM options and environment variables; the agent's own
   * log level is then left to them (the default start pins io.tresor.freeze at info).
   */
  static AgentProcess start(String apiUrl, Path podsDir, Path journal, Path log, List<String> jvmOptions,
                            java.util.Map<String, String> env) throws Exception {
    List<String> cmd = command(apiUrl, podsDir, journal);
    cmd.removeIf(option -> option.startsWith(TRESOR_LEVEL));
    // JVM options go before the main class, where JAVA_TOOL_OPTIONS of a DaemonSet would put them
    cmd.addAll(cmd.indexOf(MAIN), jvmOptions);
    return start(cmd, log, env);
  }

  private static AgentProcess start(List<String> cmd, Path log, java.util.Map<String, String> env) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().putAll(env);
    Process p = builder.start();
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<Integer> port = CompletableFuture.supplyAsync(() -> {
      try {
        for (String line; (line = out.readLine()) != null; ) {
          Matcher m = READY.matcher(line);
          if (m.find()) {
            return Integer.parseInt(m.group(1));
          }
        }
        throw new IllegalStateException("agent exited before it was ready");
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    try {
      return new AgentProcess(p, port.get(60, TimeUnit.SECONDS));
    } catch (Exception e) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new IllegalStateException("agent did not start; log: " + log, e);
    }
  }

  /** Runs an agent that is expected to stop by itself (a start-up failure); returns its exit code. */
  static int runToExit(String apiUrl, Path podsDir, Path journal, Path log, String... extraFlags) throws Exception {
    Process p = new ProcessBuilder(command(apiUrl, podsDir, journal, extraFlags))
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new IllegalStateException("agent still running after 60 s; log: " + log);
    }
    return p.exitValue();
  }

  private static List<String> command(String apiUrl, Path podsDir, Path journal, String... extraFlags) {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd = new ArrayList<>(List.of(java, "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "--enable-native-access=ALL-UNNAMED",
        "-cp", System.getProperty("java.class.path"),
        "-Dkubernetes.master=" + apiUrl, "-Dkubernetes.auth.tryKubeConfig=false",
        "-Dkubernetes.auth.tryServiceAccount=false", "-Dkubernetes.trust.certificates=true",
        "-Djava.util.logging.config.file=" + System.getProperty("java.util.logging.config.file", ""),
        TRESOR_LEVEL + System.getProperty("bench.agent.log", "info"),
        "-Dorg.slf4j.simpleLogger.showDateTime=true", "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS",
        MAIN,
        "--kubelet-pods-dir=" + podsDir, "--journal=" + journal, "--listen-address=127.0.0.1", "--port=0",
        "--metrics-port=0", "--allowed-service-accounts=" + MockCluster.VELERO, "--node-name=" + MockCluster.NODE));
    cmd.addAll(List.of(extraFlags));
    return cmd;
  }

  /** SIGKILL: no shutdown hook runs, the journal is all that is left. */
  void kill9() throws InterruptedException {
    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
  }

  /** SIGTERM: the shutdown hook thaws; returns the exit code. */
  int sigterm() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      throw new IllegalStateException("agent did not stop within 20 s of SIGTERM");
    }
    return process.exitValue();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }
}
