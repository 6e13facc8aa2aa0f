package io.omnistream.monitoring;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.core.metrics.StateSet;
import io.prometheus.metrics.core.metrics.Summary;
import io.prometheus.metrics.core.metrics.SummaryWithCallback;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The Prometheus metrics the project's main code registers, read from its Java sources, and the sample names and label
 * names a scrape shows for them.
 *
 * <p>Reading: every {@code <Type>.builder()} of a client_java metric type in {@code <module>/src/main/java} must be
 * either a chain with a literal {@code .name("...")}, or the body of a helper method that is called with the literal
 * name as its first argument and the label names as a literal {@code List.of(...)} (as {@code QualityPrometheus} does).
 * Anything else is reported in {@link #unreadable()} so that a test fails instead of silently missing a metric.
 *
 * <p>Exposure: how a registered name appears in a scrape (a counter's {@code _total}, a histogram's {@code _bucket},
 * {@code _count}, {@code _sum} and {@code le}, an info metric's {@code _info}) is not re-implemented here: each
 * registration is rebuilt with the real client (the version the services use, from the parent POM) in a fresh
 * registry, given one sample, and written in the Prometheus text format.
 */
final class ExportedMetrics {
    /** One metric registration in the main code. {@code unit} is a {@link Unit} constant name or null. */
    record Registration(String type, String name, String unit, List<String> labels, String where) {}

    private static final Pattern BUILDER = Pattern.compile(
            "\\b(Counter|Gauge|Histogram|Summary|Info|StateSet|CounterWithCallback|GaugeWithCallback|SummaryWithCallback)"
                    + "\\s*\\.\\s*builder\\s*\\(\\s*\\)");
    private static final Pattern LITERAL_NAME = Pattern.compile("\\.\\s*name\\s*\\(\\s*\"([^\"]+)\"\\s*\\)");
    private static final Pattern UNIT = Pattern.compile("\\.\\s*unit\\s*\\(\\s*Unit\\s*\\.\\s*(\\w+)\\s*\\)");
    private static final Pattern LABEL_LIST = Pattern.compile("(?:labelNames|List\\s*\\.\\s*of)\\s*\\(");
    private static final Pattern STRING = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final List<Registration> registrations = new ArrayList<>();
    private final List<String> unreadable = new ArrayList<>();

    private ExportedMetrics() {}

    /**
     * The modules whose code runs in a deployed process (an image of IMAGES.md or the Flink jobs' jar), so what a rule
     * or dashboard may rely on being scraped: the standalone services, the quality service, the Flink jobs, and the
     * runtime every service runs on. Not the launcher: what only the embedded one-JVM stack exports does not exist in
     * a deployment.
     */
    static final List<String> DEPLOYED_MODULES = List.of("runtime", "ingest", "encoder-workers", "milvus",
            "quality-service", "flink-jobs");

    /** Reads the {@code src/main/java} tree of every {@link #DEPLOYED_MODULES deployed module}. */
    static ExportedMetrics read(Path repoRoot) {
        ExportedMetrics m = new ExportedMetrics();
        try {
            for (String name : DEPLOYED_MODULES) {
                Path module = repoRoot.resolve(name);
                if (!Files.isDirectory(module)) {
                    throw new IllegalStateException("deployed module " + name + " not found under " + repoRoot);
                }
                Path src = module.resolve("src/main/java");
                if (!Files.isDirectory(src)) {
                    continue;
                }
                try (Stream<Path> files = Files.walk(src)) {
                    for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                        m.readSource(repoRoot.relativize(f).toString(), Files.readString(f));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return m;
    }

    /** Reads the given sources (path → text): the reader's own tests. */
    static ExportedMetrics readSources(Map<String, String> sourcesByPath) {
        ExportedMetrics m = new ExportedMetrics();
        sourcesByPath.forEach(m::readSource);
        return m;
    }

    List<Registration> registrations() {
        return registrations;
    }

    /** Builders that are not a literal-named chain nor a helper called with literal names: "file:line: text". */
    List<String> unreadable() {
        return unreadable;
    }

    private void readSource(String path, String source) {
        String code = withoutComments(source);
        String masked = maskStrings(code);
        Matcher b = BUILDER.matcher(masked);
        while (b.find()) {
            int chainEnd = statementEnd(masked, b.end());
            String chain = code.substring(b.start(), chainEnd);
            Matcher name = LITERAL_NAME.matcher(chain);
            Matcher unit = UNIT.matcher(chain);
            String unitName = unit.find() ? unit.group(1) : null;
            String where = path + ":" + line(code, b.start());
            if (name.find()) {
                List<String> labels = literalList(chain, maskStrings(chain));
                if (labels == null && chain.contains("labelNames")) {
                    unreadable.add(where + ": label names of " + name.group(1) + " are not string literals");
                    continue;
                }
                registrations.add(new Registration(b.group(1), name.group(1), unitName,
                        labels == null ? List.of() : labels, where));
                continue;
            }
            // A helper: the builder inside a method whose first parameter is the name.
            String helper = enclosingMethod(masked, b.start());
            List<int[]> calls = helper == null ? List.of() : callsWithLiteralName(masked, code, helper);
            if (calls.isEmpty()) {
                unreadable.add(where + ": " + chain.lines().findFirst().orElse("").strip());
                continue;
            }
            for (int[] call : calls) {
                String args = code.substring(call[0], call[1]);
                Matcher first = STRING.matcher(args);
                first.find();
                List<String> labels = literalList(args, maskStrings(args));
                String callWhere = path + ":" + line(code, call[0]);
                if (labels == null) {
                    unreadable.add(callWhere + ": call of " + helper + " without a literal label list");
                    continue;
                }
                registrations.add(new Registration(b.group(1), first.group(1), unitName, labels, callWhere));
            }
        }
    }

    /** Index after the ';' that ends the statement containing {@code from} (parentheses balanced). */
    private static int statementEnd(String masked, int from) {
        int depth = 0;
        for (int i = from; i < masked.length(); i++) {
            char c = masked.charAt(i);
            if (c == '(' || c == '{') {
                depth++;
            } else if (c == ')' || c == '}') {
                if (--depth < 0) {
                    return i;
                }
            } else if (c == ';' && depth == 0) {
                return i + 1;
            }
        }
        return masked.length();
    }

    /** The first {@code labelNames(...)} or {@code List.of(...)} whose arguments are all string literals, or null. */
    private static List<String> literalList(String code, String masked) {
        Matcher m = LABEL_LIST.matcher(masked);
        while (m.find()) {
            int close = matchingClose(masked, m.end() - 1);
            String args = code.substring(m.end(), close).strip();
            if (args.isEmpty()) {
                continue;
            }
            List<String> values = new ArrayList<>();
            Matcher s = STRING.matcher(args);
            StringBuilder rest = new StringBuilder();
            int last = 0;
            while (s.find()) {
                values.add(s.group(1));
                rest.append(args, last, s.start());
                last = s.end();
            }
            rest.append(args.substring(last));
            if (!values.isEmpty() && rest.toString().replace(",", "").isBlank()) {
                return values;
            }
        }
        return null;
    }

    /** Name of the method declaration whose body contains {@code pos}, or null. */
    private static String enclosingMethod(String masked, int pos) {
        Matcher decl = Pattern.compile("\\b(\\w+)\\s*\\(([^()]*)\\)\\s*(?:throws[^{;]*)?\\{").matcher(masked);
        String found = null;
        while (decl.find() && decl.start() < pos) {
            int bodyEnd = matchingClose(masked, decl.end() - 1);
            String name = decl.group(1);
            if (bodyEnd > pos && !Set.of("if", "for", "while", "switch", "catch", "synchronized").contains(name)) {
                found = name;
            }
        }
        return found;
    }

    /** [start, end) of the argument text of each call {@code helper("literal", ...)}. */
    private static List<int[]> callsWithLiteralName(String masked, String code, String helper) {
        List<int[]> calls = new ArrayList<>();
        Matcher call = Pattern.compile("(?<![\\w.])" + Pattern.quote(helper) + "\\s*\\(").matcher(masked);
        while (call.find()) {
            int open = call.end() - 1;
            int close = matchingClose(masked, open);
            String args = code.substring(open + 1, close);
            if (args.stripLeading().startsWith("\"")) {
                calls.add(new int[] {open + 1, close});
            }
        }
        return calls;
    }

    private static int matchingClose(String masked, int open) {
        int depth = 0;
        for (int i = open; i < masked.length(); i++) {
            char c = masked.charAt(i);
            if (c == '(' || c == '{') {
                depth++;
            } else if ((c == ')' || c == '}') && --depth == 0) {
                return i;
            }
        }
        return masked.length();
    }

    private static int line(String code, int pos) {
        return (int) code.substring(0, pos).chars().filter(c -> c == '\n').count() + 1;
    }

    /** Removes comments, keeping line breaks and string literals. */
    static String withoutComments(String s) {
        StringBuilder out = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '"' || c == '\'') {
                int end = literalEnd(s, i);
                out.append(s, i, end);
                i = end;
            } else if (s.startsWith("//", i)) {
                while (i < s.length() && s.charAt(i) != '\n') {
                    i++;
                }
            } else if (s.startsWith("/*", i)) {
                int end = s.indexOf("*/", i + 2);
                end = end < 0 ? s.length() : end + 2;
                s.substring(i, end).chars().filter(ch -> ch == '\n').forEach(ch -> out.append('\n'));
                i = end;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    /** The same text with the contents of string and char literals replaced by '_' (positions unchanged). */
    static String maskStrings(String s) {
        StringBuilder out = new StringBuilder(s);
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '"' || c == '\'') {
                int end = literalEnd(s, i);
                for (int j = i + 1; j < end - 1; j++) {
                    out.setCharAt(j, '_');
                }
                i = end;
            } else {
                i++;
            }
        }
        return out.toString();
    }

    /** Index after the literal starting at {@code start} (a text block counts as one literal). */
    private static int literalEnd(String s, int start) {
        char q = s.charAt(start);
        if (q == '"' && s.startsWith("\"\"\"", start)) {
            int end = s.indexOf("\"\"\"", start + 3);
            return end < 0 ? s.length() : end + 3;
        }
        int i = start + 1;
        while (i < s.length() && s.charAt(i) != q) {
            i += s.charAt(i) == '\\' ? 2 : 1;
        }
        return Math.min(i + 1, s.length());
    }

    /**
     * Sample name → label names, as a scrape of these registrations shows them (labels of the registration plus those
     * the format adds, e.g. {@code le}).
     */
    Map<String, Set<String>> exposed() {
        Map<String, Set<String>> samples = new TreeMap<>();
        for (Registration r : registrations) {
            exposedSamples(r).forEach((name, labels) -> samples.merge(name, labels, (a, b) -> {
                Set<String> union = new LinkedHashSet<>(a);
                union.addAll(b);
                return union;
            }));
        }
        return samples;
    }

    /** The samples one registration shows in a scrape, from the real client. */
    static Map<String, Set<String>> exposedSamples(Registration r) {
        PrometheusRegistry registry = new PrometheusRegistry();
        String[] labels = r.labels().toArray(String[]::new);
        String[] values = r.labels().stream().map(l -> "v").toArray(String[]::new);
        Unit unit = r.unit() == null ? null : unit(r.unit());
        switch (r.type()) {
            case "Counter" -> {
                Counter.Builder b = Counter.builder().name(r.name()).help("h").labelNames(labels);
                (unit == null ? b : b.unit(unit)).register(registry).labelValues(values).inc();
            }
            case "CounterWithCallback" -> {
                CounterWithCallback.Builder b = CounterWithCallback.builder().name(r.name()).help("h")
                        .labelNames(labels).callback(cb -> cb.call(1, values));
                (unit == null ? b : b.unit(unit)).register(registry);
            }
            case "Gauge" -> {
                Gauge.Builder b = Gauge.builder().name(r.name()).help("h").labelNames(labels);
                (unit == null ? b : b.unit(unit)).register(registry).labelValues(values).set(1);
            }
            case "GaugeWithCallback" -> {
                GaugeWithCallback.Builder b = GaugeWithCallback.builder().name(r.name()).help("h")
                        .labelNames(labels).callback(cb -> cb.call(1, values));
                (unit == null ? b : b.unit(unit)).register(registry);
            }
            case "Histogram" -> {
                Histogram.Builder b = Histogram.builder().name(r.name()).help("h").labelNames(labels);
                (unit == null ? b : b.unit(unit)).register(registry).labelValues(values).observe(1);
            }
            case "Summary" -> {
                Summary.Builder b = Summary.builder().name(r.name()).help("h").labelNames(labels).quantile(0.5);
                (unit == null ? b : b.unit(unit)).register(registry).labelValues(values).observe(1);
            }
            case "SummaryWithCallback" -> throw new IllegalArgumentException(
                    "SummaryWithCallback not supported yet (" + r.where() + "): add it here");
            case "Info" -> Info.builder().name(r.name()).help("h").labelNames(labels).register(registry)
                    .addLabelValues(values);
            case "StateSet" -> StateSet.builder().name(r.name()).help("h").labelNames(labels).states("a")
                    .register(registry).labelValues(values).setFalse("a");
            default -> throw new IllegalArgumentException("unknown metric type " + r.type() + " at " + r.where());
        }
        return parseTextFormat(scrape(registry));
    }

    private static Unit unit(String constant) {
        try {
            return (Unit) Unit.class.getField(constant).get(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("not a Unit constant: " + constant, e);
        }
    }

    private static String scrape(PrometheusRegistry registry) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            new PrometheusTextFormatWriter(false).write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Sample name → label names of the Prometheus text format (comment lines skipped). */
    static Map<String, Set<String>> parseTextFormat(String text) {
        Map<String, Set<String>> samples = new TreeMap<>();
        Pattern label = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"(?:[^\"\\\\]|\\\\.)*\"");
        for (String line : text.lines().toList()) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.indexOf(' ');
            String name = line.substring(0, brace >= 0 && brace < space ? brace : space);
            Set<String> labels = samples.computeIfAbsent(name, k -> new LinkedHashSet<>());
            if (brace >= 0 && brace < space) {
                Matcher m = label.matcher(line.substring(brace, line.lastIndexOf('}') + 1));
                while (m.find()) {
                    labels.add(m.group(1));
                }
            }
        }
        return samples;
    }
}
