package io.omnistream.launcher.cluster;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The samples of one metric family in a Prometheus text exposition (what the quality service serves on
 * {@code /metrics}): enough to read the quality job's scores back from the read side, nothing more.
 */
public final class PrometheusText {
    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    /** One sample: its labels and value. */
    public record Sample(Map<String, String> labels, double value) {}

    private PrometheusText() {
    }

    /** Every sample of exactly {@code name} (not of {@code name_suffix} families). */
    public static List<Sample> samples(String exposition, String name) {
        List<Sample> out = new ArrayList<>();
        for (String line : exposition.split("\n")) {
            if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) {
                continue;
            }
            int close = line.lastIndexOf('}');
            Map<String, String> labels = new LinkedHashMap<>();
            if (line.startsWith(name + "{") && close > 0) {
                Matcher m = LABEL.matcher(line.substring(name.length() + 1, close));
                while (m.find()) {
                    labels.put(m.group(1), m.group(2).replace("\\\"", "\"").replace("\\\\", "\\"));
                }
            }
            String[] rest = line.substring(close > 0 ? close + 1 : name.length()).trim().split("\\s+");
            try {
                out.add(new Sample(labels, Double.parseDouble(rest[0])));
            } catch (NumberFormatException e) {
                // not a sample line
            }
        }
        return out;
    }
}
