package io.omnistream.encoder.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import io.omnistream.encoder.cascade.Cascades;
import io.omnistream.encoder.cascade.EncodingChain;
import io.omnistream.encoder.config.EncoderWorkerConfig;
import io.omnistream.encoder.fetch.LocalHttpsServer;
import io.omnistream.encoder.model.ProviderMetrics;
import io.omnistream.encoder.model.TextEncoder;
import io.omnistream.kafka.broker.EmbeddedKafka;
import io.omnistream.runtime.config.ConfigSource;
import io.omnistream.schemas.avro.EmbeddingEvent;
import io.omnistream.schemas.avro.FailedEvent;
import io.omnistream.schemas.avro.MediaEvent;
import io.omnistream.schemas.avro.Modality;
import io.omnistream.schemas.serde.ConfluentAvroDeserializer;
import io.omnistream.schemas.serde.ConfluentAvroSerializer;
import io.omnistream.schemas.tenant.Tenants;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Media by reference through a real broker and a worker serving {@code bge-small-en-v1.5-cascade-ppocr-whisper} (PP-OCR for
 * images): an IMAGE event whose {@code uri} names an allow-listed HTTPS server on loopback is fetched and embedded like
 * the same bytes sent inline; uri events that must not or cannot be fetched are dead-lettered with stage
 * {@code fetch} and the precise reason, and an event sent after them is still embedded.
 */
class UriMediaWorkerIT {
    private static final Path DEJAVU = Path.of("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf");
    private static final String MODEL = "bge-small-en-v1.5-cascade-ppocr-whisper";

    @TempDir
    Path dir;

    @Test
    void uriImagesAreFetchedAndEmbeddedRefusedOnesDeadLettered() throws Exception {
        Assumptions.assumeTrue(Files.exists(DEJAVU), "DejaVu fonts not installed (scripts/install-media-tools.sh)");
        byte[] png = textPng(List.of("Vitamin D deficiency increases", "the risk of tuberculosis in adults."));

        try (EmbeddedKafka kafka = EmbeddedKafka.start();
             LocalHttpsServer media = new LocalHttpsServer(dir)) {
            media.handle("/scan.png", ex -> send(ex, 200, "image/png", png))
                    .handle("/to-elsewhere", ex -> {
                        ex.getResponseHeaders().set("Location", "https://169.254.169.254/latest/meta-data/");
                        send(ex, 302, "text/plain", new byte[0]);
                    });
            String id = UUID.randomUUID().toString().substring(0, 8);
            String input = "it-uri-" + id + ".media";
            String dlq = "it-uri-" + id + ".dlq";
            Map<String, String> settings = new HashMap<>(Map.of(
                    "kafka.bootstrap.servers", kafka.bootstrapServers(),
                    "schema.registry.url", "mock://it-uri-" + id,
                    "encoder.model", MODEL,
                    "encoder.input.topic", input,
                    "encoder.dlq.topic", dlq,
                    "encoder.group.id", "it-uri-" + id,
                    "encoder.fetch.allowed-hosts", "localhost",
                    "encoder.fetch.allow-private-addresses", "true",
                    "encoder.fetch.truststore", media.truststore().toString(),
                    "encoder.fetch.truststore-password", LocalHttpsServer.TRUSTSTORE_PASSWORD));
            settings.put("encoder.errors.retry.timeout", "5s");
            EncoderWorkerConfig config = new EncoderWorkerConfig(ConfigSource.of(settings));
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic(input, 1, (short) 1), new NewTopic(dlq, 1, (short) 1),
                        new NewTopic(config.outputTopic(), 1, (short) 1))).all().get(60, TimeUnit.SECONDS);
            }

            Map<String, MediaEvent> events = new LinkedHashMap<>();
            add(events, "inline", png, null);
            add(events, "by-uri", null, media.url("/scan.png"));
            add(events, "not-allow-listed", null, "https://media.example.com/scan.png");
            add(events, "plain-http", null, "http://localhost:" + media.port() + "/scan.png");
            add(events, "metadata-redirect", null, media.url("/to-elsewhere"));
            add(events, "not-found", null, media.url("/missing.png"));
            add(events, "by-uri-after", null, media.url("/scan.png?again"));

            TextEncoder text = TextEncoder.load(config.modelSpec(), config.encoderSettings(),
                    new ProviderMetrics(new PrometheusRegistry()));
            EncodingChain chain = Cascades.chain(config.modelSpec(), text);
            try (text; chain; EncoderWorker worker = new EncoderWorker(config, chain, new WorkerMetrics(new PrometheusRegistry()))) {
                worker.start();
                produce(kafka, config.schemaRegistryUrl(), input, events);
                Map<String, EmbeddingEvent> embedded = new HashMap<>();
                Map<String, FailedEvent> dead = new HashMap<>();
                Awaitility.await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                    embedded.putAll(read(kafka, config.schemaRegistryUrl(), config.outputTopic(), EmbeddingEvent.class, events));
                    dead.putAll(read(kafka, config.schemaRegistryUrl(), dlq, FailedEvent.class, events));
                    return embedded.size() + dead.size() >= events.size();
                });

                for (String good : List.of("inline", "by-uri", "by-uri-after")) {
                    assertThat(embedded.get(good)).as(good + " (dead letter: " + dead.get(good) + ")").isNotNull();
                    assertThat(embedded.get(good).getModality()).isEqualTo(Modality.IMAGE);
                    assertThat(embedded.get(good).getModelVersion()).isEqualTo(chain.modelVersion());
                }
                // the fetched bytes are the inline bytes: the same recognised text, the same vector
                assertThat(cosine(embedded.get("inline"), embedded.get("by-uri"))).isGreaterThan(0.9999);

                assertFetchFailure(dead, "not-allow-listed", "host media.example.com is not in encoder.fetch.allowed-hosts");
                assertFetchFailure(dead, "plain-http", "scheme http is not allowed");
                assertFetchFailure(dead, "metadata-redirect", "host 169.254.169.254 is not in encoder.fetch.allowed-hosts");
                assertFetchFailure(dead, "not-found", "HTTP 404");
                assertThat(embedded).doesNotContainKeys("not-allow-listed", "plain-http", "metadata-redirect", "not-found");
            }
        }
    }

    private static void assertFetchFailure(Map<String, FailedEvent> dead, String key, String reason) {
        FailedEvent f = dead.get(key);
        assertThat(f).as(key).isNotNull();
        assertThat(f.getStage()).as(key).isEqualTo("fetch");
        assertThat(f.getReason()).as(key).contains(reason);
    }

    private static void send(HttpExchange ex, int status, String contentType, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    private static void add(Map<String, MediaEvent> events, String key, byte[] payload, String uri) {
        events.put(key, MediaEvent.newBuilder().setContentId("it-uri:" + key).setModality(Modality.IMAGE)
                .setPayload(payload == null ? null : ByteBuffer.wrap(payload)).setUri(uri).setSource("it")
                .setEventTimeMs(System.currentTimeMillis()).build());
    }

    private static void produce(EmbeddedKafka kafka, String registry, String topic, Map<String, MediaEvent> events)
            throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
             ConfluentAvroSerializer<MediaEvent> values = new ConfluentAvroSerializer<>(MediaEvent.class, registry)) {
            for (MediaEvent e : events.values()) {
                producer.send(new ProducerRecord<>(topic, e.getContentId(), values.serialize(topic, e))).get(30, TimeUnit.SECONDS);
            }
        }
    }

    /** The records of {@code topic} whose content id is one of the events', by event key. */
    private static <T extends org.apache.avro.specific.SpecificRecord> Map<String, T> read(EmbeddedKafka kafka,
            String registry, String topic, Class<T> type, Map<String, MediaEvent> events) {
        Map<String, String> keyById = new HashMap<>();
        events.forEach((k, e) -> {
            keyById.put(Tenants.recordKey(e.getTenant(), e.getContentId()), k); // embeddings: keyed by record key
            keyById.put(e.getContentId(), k); // dead letters: keyed like the input record
        });
        Map<String, T> out = new HashMap<>();
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "it-uri-reader-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
             ConfluentAvroDeserializer<T> values = new ConfluentAvroDeserializer<>(type, registry)) {
            consumer.subscribe(List.of(topic));
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofSeconds(2))) {
                String key = keyById.get(r.key());
                if (key != null && r.value() != null) {
                    out.put(key, values.deserialize(topic, r.value()));
                }
            }
        }
        return out;
    }

    private static double cosine(EmbeddingEvent a, EmbeddingEvent b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.getVector().size(); i++) {
            double x = a.getVector().get(i);
            double y = b.getVector().get(i);
            dot += x * y;
            na += x * x;
            nb += y * y;
        }
        return dot / Math.sqrt(na * nb);
    }

    /** Black text on white, DejaVu Sans 28 px: what a scanned note looks like to OCR. */
    private static byte[] textPng(List<String> lines) throws Exception {
        BufferedImage img = new BufferedImage(720, 80 + 44 * lines.size(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setColor(Color.BLACK);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(Font.createFont(Font.TRUETYPE_FONT, DEJAVU.toFile()).deriveFont(28f));
        int y = 70;
        for (String line : lines) {
            g.drawString(line, 40, y);
            y += 44;
        }
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }
}
