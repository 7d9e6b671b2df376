package io.tresor.freeze.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PrometheusRule manifest read for tests: its alerting rules, the metric names their PromQL expressions use, and
 * the sample names a {@code /metrics} scrape exports (so that a rule on a misspelt or unexported metric fails).
 */
public final class AlertRules {
  /** Series Prometheus makes itself, never exported by a target. */
  public static final Set<String> SYNTHETIC = Set.of("up");

  private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "offset", "bool", "by", "without", "on",
      "ignoring", "group_left", "group_right", "inf", "nan");
  private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
  private static final Pattern GROUPING =
      Pattern.compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
  /** A name that is no part of a number or duration (10m, 1e3), and whether a call's parenthesis follows it. */
  private static final Pattern NAME = Pattern.compile("(?<![A-Za-z0-9_:.])([A-Za-z_:][A-Za-z0-9_:]*)(\\s*\\()?");
  private static final Pattern SAMPLE = Pattern.compile("^([A-Za-z_:][A-Za-z0-9_:]*)[{ ]", Pattern.MULTILINE);

  private final JsonNode manifest;

  private AlertRules(JsonNode manifest) {
    this.manifest = manifest;
  }

  public static AlertRules read(Path prometheusRule) throws IOException {
    return new AlertRules(new YAMLMapper().readTree(prometheusRule.toFile()));
  }

  public JsonNode manifest() {
    return manifest;
  }

  /** Every rule of every group. */
  public List<JsonNode> rules() {
    List<JsonNode> out = new ArrayList<>();
    manifest.path("spec").path("groups").forEach(g -> g.path("rules").forEach(out::add));
    return out;
  }

  /** The metric names of every rule's expression, without the synthetic ones. */
  public Set<String> metricNames() {
    Set<String> names = new TreeSet<>();
    for (JsonNode rule : rules()) {
      names.addAll(metricNames(rule.path("expr").asText()));
    }
    names.removeAll(SYNTHETIC);
    return names;
  }

  /** Metric names in one PromQL expression: identifiers that are no function, keyword or label name. */
  public static Set<String> metricNames(String expr) {
    String s = STRING.matcher(expr).replaceAll("\"\"");
    s = s.replaceAll("\\{[^}]*}", " ").replaceAll("\\[[^]]*]", " ");
    s = GROUPING.matcher(s).replaceAll(" ");
    Set<String> names = new TreeSet<>();
    Matcher m = NAME.matcher(s);
    while (m.find()) {
      if (m.group(2) == null && !KEYWORDS.contains(m.group(1).toLowerCase())) {
        names.add(m.group(1));
      }
    }
    return names;
  }

  /**
   * The sample names of a Prometheus text scrape, as a query sees them: a histogram's {@code _bucket}, {@code _count}
   * and {@code _sum}, a counter's {@code _total}; never the bare family name of a histogram or counter.
   */
  public static Set<String> exported(String scrape) {
    Set<String> names = new TreeSet<>();
    Matcher m = SAMPLE.matcher(scrape);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  /** The value of a sample without labels (a gauge), if the scrape has it. */
  public static Optional<Double> value(String scrape, String sample) {
    Matcher m = Pattern.compile("^" + Pattern.quote(sample) + " (\\S+)$", Pattern.MULTILINE).matcher(scrape);
    return m.find() ? Optional.of(Double.parseDouble(m.group(1))) : Optional.empty();
  }
}
