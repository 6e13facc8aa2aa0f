package io.omnistream.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The layout is a picture of the runtime: ingest, encoder workers, Milvus sink, Flink jobs and the quality service are
 * peers joined only by Kafka, standing on the schemas/runtime floor; the launcher wires them together. This test holds
 * the one table of which module may know which (with the runtime reason) and checks it twice: against the
 * non-test dependencies declared in every module's POM, and against the {@code io.omnistream.*} imports of every
 * module's main code (so a dependency arriving transitively cannot be used without being in the table either).
 */
class ModuleDependenciesTest {
    /** Module → the modules its main code may use directly, each with the reason it has to. */
    static final Map<String, Map<String, String>> ALLOWED = new LinkedHashMap<>();

    static {
        allow("schemas");
        allow("runtime", "schemas", "DeadLetters builds FailedEvent records");
        allow("kafka-broker");
        allow("ingest", "schemas", "produces MediaEvent records", "runtime", "service shell, config, Kafka keys");
        allow("replay", "schemas", "benchmark markers and Judgment records",
                "ingest", "publishes through the media-event producer; reads corpora with the loaders");
        allow("encoder-workers", "schemas", "reads MediaEvent, writes EmbeddingEvent", "runtime",
                "service shell, config, failure taxonomy");
        allow("milvus", "schemas", "reads EmbeddingEvent", "runtime", "service shell, config, failure taxonomy");
        allow("search", "encoder-workers", "embeds the query with the workers' model",
                "milvus", "searches the model version's collection", "schemas", "the tenant vocabulary",
                "runtime", "the HTTP API's credentials, TLS and config");
        allow("flink-jobs", "schemas", "reads embeddings/judgments, writes metrics/alerts", "runtime",
                "typed config of the jobs", "milvus", "the served path searches Milvus like users do");
        allow("quality-service", "schemas", "reads quality.metrics.v1 and quality.alerts.v1", "runtime",
                "service shell, config, Kafka keys");
        allow("launcher", "kafka-broker", "the embedded stack's broker", "schemas", "wiring", "runtime", "wiring", "ingest", "wiring", "replay", "wiring",
                "encoder-workers", "wiring", "milvus", "wiring", "search", "wiring", "flink-jobs", "wiring",
                "quality-service", "wiring");
        allow("benchmarks", "launcher", "runs the embedded stack as the system under test", "flink-jobs",
                "the ranking benchmark measures the job's ranking core", "encoder-workers", "raw ONNX Runtime baseline",
                "schemas", "records", "runtime", "config", "ingest", "loaders", "replay", "benchmark media",
                "milvus", "searchable latency", "kafka-broker", "the benchmarks' broker");
        allow("helm");
        allow("monitoring");
        allow("architecture");
        allow("images");
    }

    private static void allow(String module, String... targetsAndReasons) {
        Map<String, String> targets = new TreeMap<>();
        for (int i = 0; i < targetsAndReasons.length; i += 2) {
            targets.put(targetsAndReasons[i], targetsAndReasons[i + 1]);
        }
        ALLOWED.put(module, targets);
    }

    /** The peers: joined only by Kafka, none may use another (flink-jobs → milvus is the served path, allowed above). */
    static final Set<String> PEERS = Set.of("ingest", "encoder-workers", "milvus", "flink-jobs", "quality-service");

    static final Map<String, String> PACKAGE_OF = Map.ofEntries(
            Map.entry("schemas", "io.omnistream.schemas"), Map.entry("runtime", "io.omnistream.runtime"),
            Map.entry("kafka-broker", "io.omnistream.kafka.broker"),
            Map.entry("ingest", "io.omnistream.ingest"), Map.entry("replay", "io.omnistream.replay"),
            Map.entry("encoder-workers", "io.omnistream.encoder"), Map.entry("milvus", "io.omnistream.milvus"),
            Map.entry("search", "io.omnistream.search"), Map.entry("flink-jobs", "io.omnistream.flink"),
            Map.entry("quality-service", "io.omnistream.quality"), Map.entry("launcher", "io.omnistream.launcher"),
            Map.entry("benchmarks", "io.omnistream.benchmarks"));

    static Path root() {
        return Path.of(System.getProperty("omnistream.repo.dir", "..")).toAbsolutePath().normalize();
    }

    @Test
    void everyModuleIsInTheTable() throws Exception {
        assertThat(modules(root().resolve("pom.xml"))).containsExactlyInAnyOrderElementsOf(ALLOWED.keySet());
    }

    @Test
    void pomDependenciesAreTheAllowedOnes() throws Exception {
        Map<String, Set<String>> violations = new TreeMap<>();
        for (String module : ALLOWED.keySet()) {
            for (String dep : ourMainDependencies(root().resolve(module).resolve("pom.xml"))) {
                if (!ALLOWED.get(module).containsKey(dep)) {
                    violations.computeIfAbsent(module, m -> new TreeSet<>()).add(dep);
                }
            }
        }
        assertThat(violations).as("module -> non-test dependencies on our modules that the table does not allow")
                .isEmpty();
    }

    @Test
    void mainCodeImportsOnlyWhatItsModuleMayKnow() {
        Map<String, Set<String>> violations = new TreeMap<>();
        Pattern importLine = Pattern.compile("^import (?:static )?(io\\.omnistream\\.[\\w.]+);", Pattern.MULTILINE);
        for (String module : ALLOWED.keySet()) {
            Path src = root().resolve(module).resolve("src/main/java");
            if (!Files.isDirectory(src)) {
                continue;
            }
            Set<String> known = new TreeSet<>(ALLOWED.get(module).keySet());
            known.add(module);
            for (Path file : javaFiles(src)) {
                Matcher m = importLine.matcher(read(file));
                while (m.find()) {
                    String owner = ownerOf(m.group(1));
                    if (owner != null && !known.contains(owner)) {
                        violations.computeIfAbsent(module, k -> new TreeSet<>())
                                .add(root().relativize(file) + " imports " + m.group(1));
                    }
                }
            }
        }
        assertThat(violations).isEmpty();
    }

    @Test
    void peersDoNotKnowEachOtherExceptTheServedPath() {
        for (String peer : PEERS) {
            Set<String> peerTargets = new TreeSet<>(ALLOWED.get(peer).keySet());
            peerTargets.retainAll(PEERS);
            if (peer.equals("flink-jobs")) {
                assertThat(peerTargets).containsExactly("milvus");
            } else {
                assertThat(peerTargets).as(peer).isEmpty();
            }
        }
    }

    @Test
    void theTableCatchesAForbiddenImport() {
        // the check above must be able to fail: a peer importing another peer's package is attributed to that peer
        assertThat(ownerOf("io.omnistream.encoder.model.TextEncoder")).isEqualTo("encoder-workers");
        assertThat(ALLOWED.get("milvus")).doesNotContainKey(ownerOf("io.omnistream.encoder.model.TextEncoder"));
        assertThat(ownerOf("io.omnistream.schemas.avro.MediaEvent")).isEqualTo("schemas");
    }

    static String ownerOf(String importedName) {
        String best = null;
        for (Map.Entry<String, String> e : PACKAGE_OF.entrySet()) {
            if ((importedName.startsWith(e.getValue() + ".") || importedName.equals(e.getValue()))
                    && (best == null || e.getValue().length() > PACKAGE_OF.get(best).length())) {
                best = e.getKey();
            }
        }
        return best;
    }

    static List<String> modules(Path pom) throws Exception {
        NodeList nodes = parse(pom).getElementsByTagName("module");
        List<String> out = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            out.add(nodes.item(i).getTextContent().trim());
        }
        return out;
    }

    /** Our modules this POM depends on outside test scope, by folder name ({@code omnistream-X} → {@code X}). */
    static Set<String> ourMainDependencies(Path pom) throws Exception {
        Set<String> out = new TreeSet<>();
        NodeList deps = parse(pom).getElementsByTagName("dependency");
        for (int i = 0; i < deps.getLength(); i++) {
            Element dep = (Element) deps.item(i);
            if (dep.getParentNode() == null || !"dependencies".equals(dep.getParentNode().getNodeName())
                    || "dependencyManagement".equals(dep.getParentNode().getParentNode().getNodeName())) {
                continue;
            }
            String group = text(dep, "groupId");
            String artifact = text(dep, "artifactId");
            String scope = text(dep, "scope");
            if ("io.omnistream".equals(group) && !"test".equals(scope) && artifact.startsWith("omnistream-")) {
                out.add(artifact.substring("omnistream-".length()));
            }
        }
        return out;
    }

    private static String text(Element e, String child) {
        NodeList l = e.getElementsByTagName(child);
        return l.getLength() == 0 ? "" : l.item(0).getTextContent().trim();
    }

    private static Document parse(Path pom) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
    }

    private static List<Path> javaFiles(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.toString().endsWith(".java")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
