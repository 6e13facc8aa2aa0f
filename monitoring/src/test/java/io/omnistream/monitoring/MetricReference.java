package io.omnistream.monitoring;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric catalogue of {@code docs/metrics.md}: every metric a deployed process registers, generated from the same
 * reading of the main code that {@link ExportedMetrics} does for the rules and dashboards check (name, type, unit,
 * label names, the samples a scrape shows, the help text, where it is defined). {@link MetricReferenceTest} fails
 * when the document and the code disagree.
 */
final class MetricReference {
    static final String BEGIN = "<!-- metrics:begin (generated from the code; checked by monitoring MetricReferenceTest) -->";
    static final String END = "<!-- metrics:end -->";
    /** The first string literal (with any "+"-joined continuation) after a metric's name literal: its help text. */
    private static final Pattern HELP_AFTER_NAME = Pattern.compile(
            "\\s*\\)?\\s*(?:\\.\\s*help\\s*\\(|,)\\s*(\"(?:[^\"\\\\]|\\\\.)*\"(?:\\s*\\+\\s*\"(?:[^\"\\\\]|\\\\.)*\")*)");
    private static final Pattern HELP_CALL = Pattern.compile(
            "\\.\\s*help\\s*\\(\\s*(\"(?:[^\"\\\\]|\\\\.)*\"(?:\\s*\\+\\s*\"(?:[^\"\\\\]|\\\\.)*\")*)");
    private static final Pattern LITERAL = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");

    private MetricReference() {}

    /** The Markdown table (without the markers), one row per metric, grouped by the module that defines it. */
    static String markdown(Path repoRoot, ExportedMetrics metrics) {
        Map<String, ExportedMetrics.Registration> byName = new TreeMap<>();
        for (ExportedMetrics.Registration r : metrics.registrations()) {
            byName.putIfAbsent(r.name(), r);
        }
        StringBuilder md = new StringBuilder();
        md.append("| metric | type | labels | scrape shows | defined in | help |\n|---|---|---|---|---|---|\n");
        byName.values().stream()
                .sorted(Comparator.comparing((ExportedMetrics.Registration r) -> module(r.where()))
                        .thenComparing(ExportedMetrics.Registration::name))
                .forEach(r -> md.append("| `").append(r.name()).append("` | ")
                        .append(r.type()).append(r.unit() == null ? "" : " (" + r.unit().toLowerCase() + ")").append(" | ")
                        .append(r.labels().isEmpty() ? "" : "`" + String.join("`, `", r.labels()) + "`").append(" | ")
                        .append(samples(r)).append(" | ")
                        .append("`").append(module(r.where())).append("` ").append(className(r.where())).append(" | ")
                        .append(help(repoRoot, r).replace("|", "\\|")).append(" |\n"));
        return md.toString();
    }

    /** The block between the markers of {@code doc}'s text. */
    static String block(String doc) {
        int b = doc.indexOf(BEGIN);
        int e = doc.indexOf(END);
        if (b < 0 || e < b) {
            throw new IllegalStateException("docs/metrics.md lacks the markers " + BEGIN + " ... " + END);
        }
        return doc.substring(b + BEGIN.length(), e).strip() + "\n";
    }

    static String replaceBlock(String doc, String table) {
        return doc.substring(0, doc.indexOf(BEGIN) + BEGIN.length()) + "\n" + table + doc.substring(doc.indexOf(END));
    }

    private static String samples(ExportedMetrics.Registration r) {
        Set<String> names = ExportedMetrics.exposedSamples(r).keySet();
        return names.size() == 1 && names.contains(r.name()) ? "" : "`" + String.join("`, `", List.copyOf(names)) + "`";
    }

    /** "ingest/src/main/java/..../IngestMetrics.java:30" → "ingest". */
    static String module(String where) {
        return where.substring(0, where.indexOf('/'));
    }

    private static String className(String where) {
        String file = where.substring(where.lastIndexOf('/') + 1);
        return file.substring(0, file.indexOf('.'));
    }

    /** The help text at the registration (chain {@code .help("...")}) or at the helper call (second literal). */
    static String help(Path repoRoot, ExportedMetrics.Registration r) {
        String file = r.where().substring(0, r.where().lastIndexOf(':'));
        int line = Integer.parseInt(r.where().substring(r.where().lastIndexOf(':') + 1));
        List<String> lines;
        try {
            lines = Files.readAllLines(repoRoot.resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String text = String.join("\n", lines.subList(line - 1, Math.min(lines.size(), line + 15)));
        int at = text.indexOf("\"" + r.name() + "\"");
        if (at >= 0) {
            Matcher m = HELP_AFTER_NAME.matcher(text);
            if (m.find(at + r.name().length() + 2) && m.start() == at + r.name().length() + 2) {
                return join(m.group(1));
            }
        }
        Matcher m = HELP_CALL.matcher(text);
        return m.find() ? join(m.group(1)) : "";
    }

    private static String join(String literals) {
        StringBuilder s = new StringBuilder();
        Matcher m = LITERAL.matcher(literals);
        while (m.find()) {
            s.append(m.group(1).replace("\\\"", "\""));
        }
        return s.toString();
    }
}
