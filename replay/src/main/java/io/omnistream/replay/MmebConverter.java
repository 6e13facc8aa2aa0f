package io.omnistream.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Builds MMEB image-style retrieval tasks (JSONL, read back by {@link MmebTaskReader}) from the real image/caption
 * pairs in the shared data, MMEB's "I-RET" meta-task (COCO retrieval is there in MMEB):
 *
 * <ul>
 *   <li><b>COCO-mini</b> ({@link #cocoPairs}): 159 photos (79 val2017 + 80 train2017, in each annotation file's
 *       {@code images} order, val first), each with its <i>first</i> caption in annotation-file order (stripped).
 *       All 159 first captions are distinct.</li>
 *   <li><b>Tux Paint stamps</b> ({@link #tuxPairs}): every {@code NAME.png} with the first line of {@code NAME.txt}
 *       that is not a {@code <lang>.utf8=} translation, in sorted relative-path order. 785 stamps, but 216 of them
 *       share their English description with another stamp (105 descriptions: "The letter N.", colour variants);
 *       those are dropped because a text-to-image query would have several correct images and an image-to-text
 *       query two identical targets: 569 stamps remain.</li>
 * </ul>
 *
 * <p>One record per pair, in pair order. Image to text ({@link Direction#I2T}): query = the image (empty
 * {@code qry_text}), targets = its text as gold (element 0) + {@code distractors} texts of other pairs. Text to image
 * ({@link Direction#T2I}): query = the text, targets = its image + {@code distractors} other images. Distractors are
 * drawn without replacement with one {@link java.util.Random} seeded by {@code seed} (its algorithm is specified by
 * the JDK, so output is identical across JVMs), pairs in order; a pair whose text equals the gold text is never a
 * distractor. Each record carries {@code qry_id} = the pair's key (COCO {@code coco-<image id>}; Tux the stamp's
 * path without extension). Image paths are written relative to the data root, with '/' separators. Output is
 * UTF-8, one JSON object per line, fields in a fixed order, '\n' line ends: same input + seed = same bytes.
 */
public final class MmebConverter {
    public static final String COCO_DIR = "coco-mini";
    public static final String TUX_DIR = "tuxpaint-stamps";
    private static final Pattern TRANSLATION = Pattern.compile("^[A-Za-z_@]+\\.utf8=.*");

    /** Which side is the image. */
    public enum Direction { I2T, T2I }

    /** One image with its text; {@code imagePath} relative to the data root with '/' separators. */
    public record Pair(String key, String imagePath, String text) {}

    /** The conversion recipe for one task. */
    public record Spec(Direction direction, String queryInstruction, String targetInstruction, int distractors, long seed) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private MmebConverter() {}

    /** The shipped conversion sources by name ("coco-mini", "tuxpaint-stamps"). */
    public static List<Pair> pairs(String source, Path dataRoot) throws IOException {
        return switch (source) {
            case COCO_DIR -> cocoPairs(dataRoot);
            case TUX_DIR -> tuxPairs(dataRoot);
            default -> throw new IllegalArgumentException("unknown conversion source '" + source + "'; one of "
                    + COCO_DIR + ", " + TUX_DIR);
        };
    }

    /** COCO-mini image/first-caption pairs (see the class comment): 159. */
    public static List<Pair> cocoPairs(Path dataRoot) throws IOException {
        List<Pair> out = new ArrayList<>();
        for (String split : List.of("val2017", "train2017")) {
            Path ann = dataRoot.resolve(COCO_DIR).resolve("annotations").resolve("captions_" + split + ".json");
            JsonNode root = JSON.readTree(ann.toFile());
            Map<Long, String> first = new HashMap<>();
            for (JsonNode a : root.path("annotations")) {
                first.putIfAbsent(a.path("image_id").asLong(), a.path("caption").asText());
            }
            for (JsonNode img : root.path("images")) {
                long id = img.path("id").asLong();
                String caption = first.get(id);
                if (caption == null || caption.isBlank()) {
                    throw new IOException(ann + ": image " + id + " has no caption");
                }
                String rel = COCO_DIR + "/" + split + "/" + img.path("file_name").asText();
                if (!Files.isRegularFile(dataRoot.resolve(rel))) {
                    throw new IOException("COCO image missing: " + dataRoot.resolve(rel));
                }
                out.add(new Pair("coco-" + id, rel, caption.strip()));
            }
        }
        return out;
    }

    /** Tux Paint stamps with a unique English description (see the class comment): 569. */
    public static List<Pair> tuxPairs(Path dataRoot) throws IOException {
        Path base = dataRoot.resolve(TUX_DIR);
        List<Path> pngs;
        try (Stream<Path> s = Files.walk(base)) {
            pngs = s.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png"))
                    .filter(Files::isRegularFile).toList();
        }
        List<Pair> all = new ArrayList<>();
        for (Path png : pngs) {
            String name = png.getFileName().toString();
            Path txt = png.resolveSibling(name.substring(0, name.length() - 4) + ".txt");
            if (!Files.isRegularFile(txt)) {
                continue;
            }
            String english = null;
            for (String line : new String(Files.readAllBytes(txt), StandardCharsets.UTF_8).split("\\R")) {
                String l = line.strip();
                if (!l.isEmpty() && !TRANSLATION.matcher(l).matches()) {
                    english = l;
                    break;
                }
            }
            if (english == null) {
                continue;
            }
            String rel = dataRoot.relativize(png).toString().replace('\\', '/');
            String key = base.relativize(png).toString().replace('\\', '/');
            all.add(new Pair("tux-" + key.substring(0, key.length() - 4), rel, english));
        }
        all.sort((a, b) -> a.imagePath().compareTo(b.imagePath()));
        Map<String, Integer> count = new HashMap<>();
        all.forEach(p -> count.merge(p.text(), 1, Integer::sum));
        return all.stream().filter(p -> count.get(p.text()) == 1).toList();
    }

    /** Writes the task to {@code out} atomically (temp file + move); returns the number of records. */
    public static int write(List<Pair> pairs, Spec spec, Path out) throws IOException {
        Path parent = out.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, out.getFileName().toString(), ".tmp");
        try {
            int n;
            try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                n = write(pairs, spec, w);
            }
            Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return n;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Writes one JSONL record per pair; returns the number of records. */
    public static int write(List<Pair> pairs, Spec spec, Writer out) throws IOException {
        int n = pairs.size();
        long eligibleMin = n - 1L;
        if (spec.distractors() < 0 || spec.distractors() > eligibleMin) {
            throw new IllegalArgumentException("distractors must be 0.." + eligibleMin + " for " + n + " pairs, got "
                    + spec.distractors());
        }
        Random random = new Random(spec.seed());
        for (int i = 0; i < n; i++) {
            Pair q = pairs.get(i);
            Set<Integer> chosen = new LinkedHashSet<>();
            int eligible = 0;
            for (Pair p : pairs) {
                eligible += p.text().equals(q.text()) ? 0 : 1;
            }
            if (eligible < spec.distractors()) {
                throw new IllegalArgumentException("pair " + q.key() + ": only " + eligible + " possible distractors");
            }
            while (chosen.size() < spec.distractors()) {
                int j = random.nextInt(n);
                if (j != i && !pairs.get(j).text().equals(q.text())) {
                    chosen.add(j);
                }
            }
            List<Pair> targets = new ArrayList<>(spec.distractors() + 1);
            targets.add(q);
            chosen.forEach(j -> targets.add(pairs.get(j)));
            Map<String, Object> rec = new LinkedHashMap<>();
            rec.put("qry_id", q.key());
            rec.put("qry_inst", spec.queryInstruction() == null ? "" : spec.queryInstruction());
            boolean i2t = spec.direction() == Direction.I2T;
            rec.put("qry_text", i2t ? "" : q.text());
            rec.put("qry_img_path", i2t ? q.imagePath() : "");
            rec.put("tgt_inst", spec.targetInstruction() == null ? "" : spec.targetInstruction());
            rec.put("tgt_text", targets.stream().map(t -> i2t ? t.text() : "").toList());
            rec.put("tgt_img_path", targets.stream().map(t -> i2t ? "" : t.imagePath()).toList());
            out.write(JSON.writeValueAsString(rec));
            out.write('\n');
        }
        return n;
    }
}
