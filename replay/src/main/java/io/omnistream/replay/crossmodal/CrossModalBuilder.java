package io.omnistream.replay.crossmodal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.omnistream.ingest.load.Document;
import io.omnistream.ingest.load.Qrel;
import io.omnistream.ingest.load.Query;
import io.omnistream.ingest.load.SciFactCorpus;
import io.omnistream.schemas.avro.Modality;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Builds a small, real cross-modal benchmark from ../shared/data in which the same item exists in several modalities
 * (the OmniSET idea), as MMEB-style JSONL tasks plus a {@code tasks.json} catalog that {@code TaskCatalog} reads:
 * <ul>
 *   <li><b>SciFact</b>: {@code items} abstracts cited by validation claims, each as TEXT (title + abstract), a typeset
 *       one-page PDF (DOCUMENT), a 4-second slide video of that page (VIDEO) and espeak-ng speech of the title and
 *       first sentence (AUDIO); the claims citing them as TEXT and as synthesised speech. Tasks: text→text (the
 *       reference row), text→document, text→video, speech→text, document→text, and a mixed pool (every modality
 *       version of every abstract; the query's instruction names the target modality; gold = the cited abstract in
 *       that modality), plus {@code scifact-mixed-noinst}, the same mixed queries (same ids) without that instruction,
 *       for the instruction-effect metrics. A claim citing several abstracts is judged by its first cited one.</li>
 *   <li><b>Tux Paint</b>: up to {@code tuxItems} stamps that have a real spoken English description: image→text,
 *       text→image and speech→text (the recorded {@code *_desc.ogg}).</li>
 *   <li><b>FSDD</b>: {@code fsddPerDigit} recordings per digit, classified against the ten digit names.</li>
 * </ul>
 * Every task is GLOBAL except FSDD (each query ranked against the ten names). <b>Deterministic</b>: the choice of
 * items depends only on the seed; PDFs have fixed dates, ffmpeg runs bit-exact. <b>Cached</b>: a media file that
 * exists is not rendered again (file names are per item; delete the output directory after changing the renderer).
 */
public final class CrossModalBuilder {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] DIGITS = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"};
    private static final String BGE_QUERY = "Represent this sentence for searching relevant passages: ";

    /** What to build. */
    public record Options(Path dataRoot, Path outDir, int items, int tuxItems, int fsddPerDigit, long seed) {
        public Options {
            if (items < 2 || tuxItems < 2 || fsddPerDigit < 1) {
                throw new IllegalArgumentException("need items >= 2, tuxItems >= 2, fsddPerDigit >= 1");
            }
        }
    }

    /** What was built: tasks with their query/candidate counts, media files rendered vs reused. */
    public record Summary(Map<String, int[]> tasks, int rendered, int reused, double seconds) {}

    private final Options options;
    private final Consumer<String> progress;
    private int rendered;
    private int reused;

    public CrossModalBuilder(Options options, Consumer<String> progress) {
        this.options = options;
        this.progress = progress;
    }

    public Summary build() throws IOException {
        long t0 = System.nanoTime();
        MediaRenderer.requireTools();
        Files.createDirectories(options.outDir().resolve("media"));
        List<TaskFile> tasks = new ArrayList<>();
        tasks.addAll(scifact());
        tasks.addAll(tux());
        tasks.add(fsdd());
        ObjectNode catalog = JSON.createObjectNode();
        ArrayNode defs = catalog.putArray("tasks");
        Map<String, int[]> sizes = new LinkedHashMap<>();
        for (TaskFile t : tasks) {
            t.write(options.outDir());
            defs.add(t.definition());
            sizes.put(t.id, new int[] {t.records.size(), t.poolSize()});
        }
        writeAtomically(options.outDir().resolve("tasks.json"),
                JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(catalog));
        return new Summary(sizes, rendered, reused, (System.nanoTime() - t0) / 1e9);
    }

    // ---- SciFact ------------------------------------------------------------------------------------------------

    private List<TaskFile> scifact() throws IOException {
        SciFactCorpus corpus = new SciFactCorpus(options.dataRoot().resolve("scifact/scifact.zip"));
        Map<String, List<String>> cited = new LinkedHashMap<>();
        for (Qrel q : corpus.qrels()) {
            cited.computeIfAbsent(q.queryId(), k -> new ArrayList<>()).add(q.docId());
        }
        List<Query> claims = new ArrayList<>(corpus.queries());
        claims.removeIf(c -> !cited.containsKey(c.id()));
        Collections.shuffle(claims, new Random(options.seed()));
        Set<String> chosenDocs = new LinkedHashSet<>();
        List<Query> chosenClaims = new ArrayList<>();
        for (Query c : claims) {
            if (chosenDocs.size() >= options.items()) {
                break;
            }
            chosenDocs.add(cited.get(c.id()).get(0));
            chosenClaims.add(c);
        }
        Map<String, Document> docs = new LinkedHashMap<>();
        try (Stream<Document> all = corpus.documents()) {
            all.filter(d -> chosenDocs.contains(d.id())).forEach(d -> docs.put(d.id(), d));
        }
        Path media = options.outDir().resolve("media/scifact");
        Files.createDirectories(media);
        int n = 0;
        for (Document d : docs.values()) {
            progress.accept(String.format(Locale.ROOT, "scifact abstract %d/%d (%s): pdf, slide video, speech",
                    ++n, docs.size(), d.id()));
            Path pdf = media.resolve("doc-" + d.id() + ".pdf");
            render(pdf, p -> MediaRenderer.pdf(d.title(), d.body(), p));
            render(media.resolve("doc-" + d.id() + ".mp4"), p -> MediaRenderer.slideVideo(pdf, 2, p));
            render(media.resolve("doc-" + d.id() + ".wav"), p -> MediaRenderer.speech(spokenSummary(d), p));
        }
        for (Query c : chosenClaims) {
            render(media.resolve("claim-" + c.id() + ".wav"), p -> MediaRenderer.speech(c.text(), p));
        }

        TaskFile t2t = new TaskFile("scifact-t2t", "RET", Modality.TEXT, Modality.TEXT, BGE_QUERY,
                "SciFact claim (text) to the cited abstract (text): the reference row.");
        TaskFile t2d = new TaskFile("scifact-t2d", "VisDoc", Modality.TEXT, Modality.DOCUMENT, BGE_QUERY,
                "SciFact claim (text) to the cited abstract as a typeset PDF page.");
        TaskFile t2v = new TaskFile("scifact-t2v", "V-RET", Modality.TEXT, Modality.VIDEO, BGE_QUERY,
                "SciFact claim (text) to the cited abstract as a slide video.");
        TaskFile s2t = new TaskFile("scifact-s2t", "RET", Modality.AUDIO, Modality.TEXT, BGE_QUERY,
                "SciFact claim as synthesised speech (espeak-ng) to the cited abstract (text).");
        TaskFile d2t = new TaskFile("scifact-d2t", "VisDoc", Modality.DOCUMENT, Modality.TEXT, "",
                "An abstract as a PDF page to the same abstract as text.");
        TaskFile mixed = new TaskFile("scifact-mixed", "RET", Modality.TEXT, null, null,
                "Mixed pool: every abstract as text, PDF page, slide video and speech; the claim's instruction names "
                        + "the target modality; gold = the cited abstract in that modality.");
        // The instruction ablation of the mixed task: the same queries (same qry_id, so the bias job pairs the two
        // emissions of a query) without the modality-naming instruction; with no qry_inst and no task instruction the
        // encoder applies the model's default query instruction.
        TaskFile mixedNoInstruction = new TaskFile(MIXED_NO_INSTRUCTION, "RET", Modality.TEXT, null, null,
                "The scifact-mixed queries without the instruction that names the target modality (the model's default "
                        + "query instruction instead): the instruction effect is scifact-mixed minus this task.");
        for (Query c : chosenClaims) {
            Document d = docs.get(cited.get(c.id()).get(0));
            String id = c.id();
            t2t.add(record(id, text(c.text()), textTarget(d)));
            t2d.add(record(id, text(c.text()), mediaTarget("scifact/doc-" + d.id() + ".pdf", Modality.DOCUMENT)));
            t2v.add(record(id, text(c.text()), mediaTarget("scifact/doc-" + d.id() + ".mp4", Modality.VIDEO)));
            s2t.add(record(id, media("scifact/claim-" + id + ".wav", Modality.AUDIO), textTarget(d)));
            for (Modality target : List.of(Modality.TEXT, Modality.DOCUMENT, Modality.VIDEO, Modality.AUDIO)) {
                ObjectNode r = record(id + "-" + target.name().toLowerCase(Locale.ROOT), text(c.text()),
                        target == Modality.TEXT ? textTarget(d) : mediaTarget("scifact/doc-" + d.id() + "."
                                + switch (target) {
                                    case DOCUMENT -> "pdf";
                                    case VIDEO -> "mp4";
                                    default -> "wav";
                                }, target));
                mixedNoInstruction.add(r.deepCopy());
                r.put("qry_inst", mixedInstruction(target));
                mixed.add(r);
            }
        }
        for (Document d : docs.values()) {
            d2t.add(record("d" + d.id(), media("scifact/doc-" + d.id() + ".pdf", Modality.DOCUMENT), textTarget(d)));
        }
        return List.of(t2t, t2d, t2v, s2t, d2t, mixed, mixedNoInstruction);
    }

    /** Id of the instruction-free twin of {@code scifact-mixed}: the twin suffix is {@code -noinst}. */
    static final String MIXED_NO_INSTRUCTION = "scifact-mixed-noinst";

    static String mixedInstruction(Modality target) {
        String what = switch (target) {
            case TEXT -> "text";
            case DOCUMENT -> "PDF document page";
            case VIDEO -> "video";
            case AUDIO -> "spoken audio recording";
            default -> target.name().toLowerCase(Locale.ROOT);
        };
        return "Find the " + what + " of the scientific abstract that this claim cites: ";
    }

    /** What the synthesised speech of an abstract says: its title and first sentence. */
    static String spokenSummary(Document d) {
        String body = d.body().strip();
        int end = body.indexOf(". ");
        String first = end < 0 ? body : body.substring(0, end + 1);
        return d.title().strip() + ". " + first;
    }

    // ---- Tux Paint ----------------------------------------------------------------------------------------------

    private List<TaskFile> tux() throws IOException {
        Path root = options.dataRoot().resolve("tuxpaint-stamps");
        List<Path> spoken;
        try (Stream<Path> files = Files.walk(root)) {
            spoken = new ArrayList<>(files.filter(p -> p.getFileName().toString().endsWith("_desc.ogg")).sorted().toList());
        }
        Collections.shuffle(spoken, new Random(options.seed() + 1));
        TaskFile i2t = new TaskFile("tux-xm-i2t", "RET", Modality.IMAGE, Modality.TEXT, "",
                "Tux Paint stamp image to its English description.");
        TaskFile t2i = new TaskFile("tux-xm-t2i", "RET", Modality.TEXT, Modality.IMAGE, BGE_QUERY,
                "Tux Paint English description to the stamp image.");
        TaskFile s2t = new TaskFile("tux-xm-s2t", "RET", Modality.AUDIO, Modality.TEXT, "",
                "Tux Paint recorded spoken description (real speech, OGG/Vorbis) to the written description.");
        int taken = 0;
        for (Path ogg : spoken) {
            if (taken >= options.tuxItems()) {
                break;
            }
            String base = ogg.getFileName().toString().replace("_desc.ogg", "");
            Path png = ogg.resolveSibling(base + ".png");
            Path txt = ogg.resolveSibling(base + ".txt");
            if (!Files.exists(png) || !Files.exists(txt)) {
                continue;
            }
            String description = Files.readAllLines(txt, StandardCharsets.UTF_8).stream().findFirst().orElse("").strip();
            if (description.isEmpty()) {
                continue;
            }
            String rel = options.outDir().resolve("media").relativize(copyInto("tux", png)).toString();
            String relOgg = options.outDir().resolve("media").relativize(copyInto("tux", ogg)).toString();
            ObjectNode desc = JSON.createObjectNode().put("text", description);
            i2t.add(record(base, media(rel, Modality.IMAGE), desc));
            t2i.add(record(base, text(description), mediaTarget(rel, Modality.IMAGE)));
            s2t.add(record(base, media(relOgg, Modality.AUDIO), desc));
            taken++;
        }
        return List.of(i2t, t2i, s2t);
    }

    // ---- FSDD ---------------------------------------------------------------------------------------------------

    private TaskFile fsdd() throws IOException {
        Path dir = options.dataRoot().resolve("fsdd/recordings");
        List<Path> all;
        try (Stream<Path> files = Files.list(dir)) {
            all = new ArrayList<>(files.filter(p -> p.toString().endsWith(".wav")).sorted().toList());
        }
        Collections.shuffle(all, new Random(options.seed() + 2));
        TaskFile task = new TaskFile("fsdd-a2t", "CLS", Modality.AUDIO, Modality.TEXT, "",
                "Free Spoken Digit Dataset: a spoken digit (real recording) classified against the ten digit names.");
        task.local = true;
        int[] perDigit = new int[10];
        for (Path wav : all) {
            int digit = Character.digit(wav.getFileName().toString().charAt(0), 10);
            if (digit < 0 || perDigit[digit] >= options.fsddPerDigit()) {
                continue;
            }
            perDigit[digit]++;
            String rel = options.outDir().resolve("media").relativize(copyInto("fsdd", wav)).toString();
            ObjectNode r = JSON.createObjectNode();
            r.put("qry_id", wav.getFileName().toString().replace(".wav", ""));
            r.put("qry_media_path", rel);
            r.put("qry_modality", Modality.AUDIO.name());
            ArrayNode texts = r.putArray("tgt_text");
            texts.add(DIGITS[digit]); // gold first
            for (int d = 0; d < 10; d++) {
                if (d != digit) {
                    texts.add(DIGITS[d]);
                }
            }
            task.add(r);
        }
        return task;
    }

    // ---- records and files --------------------------------------------------------------------------------------

    private interface Render {
        void to(Path file) throws IOException;
    }

    private void render(Path file, Render how) throws IOException {
        if (Files.exists(file)) {
            reused++;
            return;
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp" + file.getFileName().toString()
                .substring(file.getFileName().toString().lastIndexOf('.')));
        how.to(tmp);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        rendered++;
    }

    private Path copyInto(String folder, Path source) throws IOException {
        Path target = options.outDir().resolve("media").resolve(folder).resolve(
                options.dataRoot().resolve(folder.equals("tux") ? "tuxpaint-stamps" : "fsdd/recordings")
                        .relativize(source).toString().replace('/', '_'));
        Files.createDirectories(target.getParent());
        render(target, p -> Files.copy(source, p, StandardCopyOption.REPLACE_EXISTING));
        return target;
    }

    private static ObjectNode text(String text) {
        return JSON.createObjectNode().put("text", text);
    }

    private static ObjectNode media(String path, Modality modality) {
        return JSON.createObjectNode().put("path", path).put("modality", modality.name());
    }

    private static ObjectNode textTarget(Document d) {
        return text(d.text());
    }

    private static ObjectNode mediaTarget(String path, Modality modality) {
        return media(path, modality);
    }

    /** One MMEB record with a single (gold) target. */
    private static ObjectNode record(String id, ObjectNode query, ObjectNode target) {
        ObjectNode r = JSON.createObjectNode();
        r.put("qry_id", id);
        if (query.has("text")) {
            r.put("qry_text", query.get("text").asText());
        } else {
            r.put("qry_media_path", query.get("path").asText());
            r.put("qry_modality", query.get("modality").asText());
        }
        if (target.has("text")) {
            r.putArray("tgt_text").add(target.get("text").asText());
        } else {
            r.putArray("tgt_media_path").add(target.get("path").asText());
            r.putArray("tgt_modality").add(target.get("modality").asText());
        }
        return r;
    }

    /** One task: its JSONL records and its catalog entry. */
    private static final class TaskFile {
        final String id;
        final String metaTask;
        final Modality queryModality;
        final Modality targetModality;
        final String queryInstruction;
        final String description;
        final List<ObjectNode> records = new ArrayList<>();
        boolean local;

        TaskFile(String id, String metaTask, Modality queryModality, Modality targetModality, String queryInstruction,
                 String description) {
            this.id = id;
            this.metaTask = metaTask;
            this.queryModality = queryModality;
            this.targetModality = targetModality;
            this.queryInstruction = queryInstruction;
            this.description = description;
        }

        void add(ObjectNode record) {
            records.add(record);
        }

        int poolSize() {
            Set<String> pool = new LinkedHashSet<>();
            for (ObjectNode r : records) {
                r.path("tgt_text").forEach(t -> pool.add("t:" + t.asText()));
                r.path("tgt_media_path").forEach(t -> pool.add("m:" + t.asText()));
            }
            return pool.size();
        }

        void write(Path outDir) throws IOException {
            StringBuilder jsonl = new StringBuilder();
            for (ObjectNode r : records) {
                jsonl.append(JSON.writeValueAsString(r)).append('\n');
            }
            writeAtomically(outDir.resolve(id + ".jsonl"), jsonl.toString());
        }

        ObjectNode definition() {
            ObjectNode d = JSON.createObjectNode();
            d.put("id", id);
            d.put("description", description);
            d.put("format", "mmeb");
            d.put("path", id + ".jsonl");
            d.put("imageRoot", "media");
            d.put("metaTask", metaTask);
            d.put("queryModality", queryModality.name());
            if (targetModality != null) {
                d.put("targetModality", targetModality.name());
            }
            if (queryInstruction != null) {
                d.put("queryInstruction", queryInstruction);
            }
            d.put("primaryMetric", "hit@1");
            d.put("scope", local ? "LOCAL" : "GLOBAL");
            return d;
        }
    }

    private static void writeAtomically(Path file, String content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            w.write(content);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
