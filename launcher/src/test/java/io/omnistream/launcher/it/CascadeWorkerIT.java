package io.omnistream.launcher.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.omnistream.encoder.cascade.Cascades;
import io.omnistream.encoder.cascade.EncodingChain;
import io.omnistream.encoder.config.EncoderWorkerConfig;
import io.omnistream.encoder.model.ProviderMetrics;
import io.omnistream.encoder.model.TextEncoder;
import io.omnistream.encoder.worker.EncoderWorker;
import io.omnistream.encoder.worker.WorkerMetrics;
import io.omnistream.ingest.load.Document;
import io.omnistream.ingest.load.SciFactCorpus;
import io.omnistream.launcher.stack.EmbeddedStack;
import io.omnistream.launcher.stack.TopicBootstrap;
import io.omnistream.runtime.config.ConfigSource;
import io.omnistream.schemas.avro.EmbeddingEvent;
import io.omnistream.schemas.avro.FailedEvent;
import io.omnistream.schemas.avro.MediaEvent;
import io.omnistream.schemas.avro.Modality;
import io.omnistream.schemas.serde.ConfluentAvroDeserializer;
import io.omnistream.schemas.serde.ConfluentAvroSerializer;
import io.omnistream.schemas.tenant.Tenants;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
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
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.rendering.ImageType;
import org.apache.pdfbox.rendering.PDFRenderer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Every modality through Kafka and an encoder worker serving {@code bge-small-en-v1.5-cascade-ppocr-whisper} (PP-OCRv4 on ONNX
 * Runtime in the worker's JVM for the PDF page, the PNG and the slide video; Whisper tiny.en in its managed Python
 * process for the WAV and the OGG): real media from
 * ../shared/data (a SciFact abstract as text and as a rendered PDF page and slide video, a Tux Paint photo-less
 * clip-art stamp, a real spoken Tux Paint description in OGG/Vorbis, an FSDD recording in WAV) each comes out as an
 * EmbeddingEvent stamped with the chain's model version — or, where the media holds nothing to read, as a dead
 * letter saying exactly that — and a deliberately broken file of each modality is dead-lettered with stage
 * "preprocess" and the precise reason.
 */
class CascadeWorkerIT {

    @Test
    void everyModalityIsEmbeddedOrDeadLetteredWithItsReason() throws Exception {
        for (String tool : List.of("ffmpeg", "ffprobe")) {
            Assumptions.assumeTrue(MediaTools.onPath(tool), tool + " not installed (scripts/install-media-tools.sh)");
        }
        Assumptions.assumeTrue(Files.exists(TestPdfs.DEJAVU), "DejaVu fonts not installed (scripts/install-media-tools.sh)");
        EmbeddedStack stack = SharedStack.get();
        String id = UUID.randomUUID().toString().substring(0, 8);
        String input = "it-cascade-" + id + ".media";
        String dlq = "it-cascade-" + id + ".dlq";
        EncoderWorkerConfig config = new EncoderWorkerConfig(ConfigSource.of(Map.of(
                "kafka.bootstrap.servers", stack.bootstrapServers(),
                "schema.registry.url", stack.registryUrl(),
                "encoder.model", "bge-small-en-v1.5-cascade-ppocr-whisper",
                "encoder.input.topic", input,
                "encoder.dlq.topic", dlq,
                "encoder.group.id", "it-cascade-" + id,
                "encoder.batch.max-size", "8")));
        try (TopicBootstrap admin = new TopicBootstrap(stack.bootstrapServers())) {
            admin.ensure(input, 1, Map.of("max.message.bytes", Integer.toString(32 << 20)));
            admin.ensure(dlq, 1, Map.of("max.message.bytes", Integer.toString(32 << 20)));
            admin.ensure(config.outputTopic(), 1, false);
        }

        // real content: the first SciFact abstract
        Document abstract0;
        try (Stream<Document> docs = new SciFactCorpus(SharedStack.sharedData().resolve("scifact/scifact.zip")).documents()) {
            abstract0 = docs.findFirst().orElseThrow();
        }
        byte[] pdf = TestPdfs.onePage(abstract0);
        List<BufferedImage> pages = render(pdf);
        byte[] pagePng = png(pages.get(0));
        byte[] video = slideVideo(pages.get(0));
        Path tux = SharedStack.sharedData().resolve("tuxpaint-stamps/animals/marsupials");
        byte[] stampPng = Files.readAllBytes(tux.resolve("wombat.png"));
        byte[] spokenOgg = Files.readAllBytes(tux.resolve("wombat_desc.ogg"));
        byte[] fsddWav = Files.readAllBytes(SharedStack.sharedData().resolve("fsdd/recordings/3_jackson_0.wav"));
        byte[] noise = new byte[8192];
        new Random(11).nextBytes(noise);

        Map<String, MediaEvent> events = new LinkedHashMap<>();
        add(events, "text", Modality.TEXT, null, abstract0.text());
        add(events, "document", Modality.DOCUMENT, pdf, null);
        add(events, "page-image", Modality.IMAGE, pagePng, null);
        add(events, "video", Modality.VIDEO, video, null);
        add(events, "spoken-description", Modality.AUDIO, spokenOgg, null);
        add(events, "stamp-image", Modality.IMAGE, stampPng, null);
        add(events, "fsdd-digit", Modality.AUDIO, fsddWav, null);
        add(events, "broken-image", Modality.IMAGE, Arrays.copyOf(pagePng, pagePng.length / 3), null);
        add(events, "broken-document", Modality.DOCUMENT, noise, null);
        add(events, "broken-video", Modality.VIDEO, Arrays.copyOf(video, 1024), null);
        add(events, "broken-audio", Modality.AUDIO, noise, null);
        // hostile events written straight onto the topic (ingest never saw them): an HLS playlist declared as MP4
        // video that points at a server on loopback, a WAV whose header claims ten hours, PNG bytes declared as JPEG
        AtomicInteger contacted = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            contacted.incrementAndGet();
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        });
        server.start();
        byte[] playlist = ("#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10.0,\nhttp://127.0.0.1:"
                + server.getAddress().getPort() + "/segment.ts\n#EXT-X-ENDLIST\n").getBytes(StandardCharsets.US_ASCII);
        events.put("hls-playlist", withMime(add(events, "hls-playlist", Modality.VIDEO, playlist, null), "video/mp4"));
        ByteBuffer tenHours = ByteBuffer.allocate(44 + 3200).order(ByteOrder.LITTLE_ENDIAN);
        tenHours.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + 1_152_000_000)
                .put("WAVEfmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1).putShort((short) 1)
                .putInt(16_000).putInt(32_000).putShort((short) 2).putShort((short) 16)
                .put("data".getBytes(StandardCharsets.US_ASCII)).putInt(1_152_000_000);
        events.put("ten-hour-wav", withMime(add(events, "ten-hour-wav", Modality.AUDIO, tenHours.array(), null),
                "audio/vnd.wave"));
        events.put("png-declared-jpeg", withMime(add(events, "png-declared-jpeg", Modality.IMAGE, pagePng, null),
                "image/jpeg"));

        TextEncoder text = TextEncoder.load(config.modelSpec(), config.encoderSettings(),
                new ProviderMetrics(new PrometheusRegistry()));
        EncodingChain chain = Cascades.chain(config.modelSpec(), text);
        try (text; chain; EncoderWorker worker = new EncoderWorker(config, chain, new WorkerMetrics(new PrometheusRegistry()))) {
            worker.start();
            produce(stack, input, events);
            Map<String, EmbeddingEvent> embedded = new HashMap<>();
            Map<String, FailedEvent> dead = new HashMap<>();
            Awaitility.await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                embedded.putAll(read(stack, config.outputTopic(), EmbeddingEvent.class, events));
                dead.putAll(read(stack, dlq, FailedEvent.class, events));
                return embedded.size() + dead.size() >= events.size();
            });

            for (String good : List.of("text", "document", "page-image", "video", "spoken-description", "fsdd-digit")) {
                EmbeddingEvent e = embedded.get(good);
                assertThat(e).as(good + " (dead letter: " + dead.get(good) + ")").isNotNull();
                assertThat(e.getModelVersion()).isEqualTo(chain.modelVersion()).contains("+cascade@");
                assertThat(e.getModality()).isEqualTo(events.get(good).getModality());
                assertThat(e.getDimension()).isEqualTo(384);
            }
            // the same abstract as text, as a PDF page and as a slide video lands close in the vector space
            assertThat(cosine(embedded.get("text"), embedded.get("document"))).isGreaterThan(0.8);
            assertThat(cosine(embedded.get("document"), embedded.get("video"))).isGreaterThan(0.8);
            assertThat(cosine(embedded.get("text"), embedded.get("page-image"))).isGreaterThan(0.8);

            // clip art without lettering: embedded if something was recognised, else dead-lettered saying that nothing
            // was — never dropped
            for (String maybe : List.of("stamp-image")) {
                if (!embedded.containsKey(maybe)) {
                    assertThat(dead.get(maybe).getReason()).as(maybe).startsWith("no text recognised in the "
                            + events.get(maybe).getModality() + " event by ");
                }
            }
            assertReason(dead, "broken-image", "image: cannot decode");
            assertReason(dead, "broken-document", "document: 8192 bytes are in no supported format");
            assertReason(dead, "broken-video", "video: ffprobe cannot read it");
            assertReason(dead, "broken-audio", "audio: 8192 bytes are in no supported format");
            assertReason(dead, "hls-playlist", "video: the payload is an HLS/M3U playlist (#EXTM3U); playlists are refused");
            assertThat(contacted.get()).as("requests the playlist's server saw").isZero();
            assertReason(dead, "ten-hour-wav", "audio is 36000.0 s (declared by its WAV header), over the 120 s budget");
            assertReason(dead, "png-declared-jpeg", "image: declared MIME type 'image/jpeg' contradicts the payload's "
                    + "bytes, which are PNG (image/png)");
        } finally {
            server.stop(0);
        }
    }

    private static void assertReason(Map<String, FailedEvent> dead, String key, String reason) {
        FailedEvent f = dead.get(key);
        assertThat(f).as(key).isNotNull();
        assertThat(f.getStage()).as(key).isEqualTo("preprocess");
        assertThat(f.getReason()).as(key).contains(reason);
        assertThat(f.getOriginalValue()).as(key + " keeps the original record").isNotNull();
    }

    private static MediaEvent add(Map<String, MediaEvent> events, String key, Modality modality, byte[] payload,
                                  String text) {
        MediaEvent event = MediaEvent.newBuilder().setContentId("it-cascade:" + key).setModality(modality)
                .setPayload(payload == null ? null : ByteBuffer.wrap(payload)).setText(text).setSource("it")
                .setEventTimeMs(System.currentTimeMillis()).build();
        events.put(key, event);
        return event;
    }

    private static MediaEvent withMime(MediaEvent event, String mimeType) {
        return MediaEvent.newBuilder(event).setMimeType(mimeType).build();
    }

    private static void produce(EmbeddedStack stack, String topic, Map<String, MediaEvent> events) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(32 << 20));
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
             ConfluentAvroSerializer<MediaEvent> values = new ConfluentAvroSerializer<>(MediaEvent.class, stack.registryUrl())) {
            for (MediaEvent e : events.values()) {
                producer.send(new ProducerRecord<>(topic, e.getContentId(), values.serialize(topic, e))).get(30, TimeUnit.SECONDS);
            }
        }
    }

    /** The records of {@code topic} whose content id is one of the events', by event key. */
    private static <T extends org.apache.avro.specific.SpecificRecord> Map<String, T> read(EmbeddedStack stack,
            String topic, Class<T> type, Map<String, MediaEvent> events) {
        Map<String, String> keyById = new HashMap<>();
        events.forEach((k, e) -> {
            keyById.put(Tenants.recordKey(e.getTenant(), e.getContentId()), k); // records are keyed by tenant and id
            keyById.put(e.getContentId(), k); // events produced straight onto the topic by this test
        });
        Map<String, T> out = new HashMap<>();
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "it-cascade-reader-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(64 << 20));
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
             ConfluentAvroDeserializer<T> values = new ConfluentAvroDeserializer<>(type, stack.registryUrl())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.currentTimeMillis() + 3000;
            while (System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(300))) {
                    if (r.value() != null && keyById.containsKey(r.key())) {
                        out.put(keyById.get(r.key()), values.deserialize(topic, r.value()));
                    }
                }
            }
        }
        return out;
    }

    private static double cosine(EmbeddingEvent a, EmbeddingEvent b) {
        double s = 0;
        for (int i = 0; i < a.getVector().size(); i++) {
            s += a.getVector().get(i) * b.getVector().get(i);
        }
        return s;
    }



    private static List<BufferedImage> render(byte[] pdf) throws Exception {
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            return List.of(new PDFRenderer(doc).renderImageWithDPI(0, 150, ImageType.RGB));
        }
    }

    private static byte[] png(BufferedImage image) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    /** The page as a 4-second H.264 slide video (the top and bottom halves, 2 s each), made by ffmpeg. */
    private static byte[] slideVideo(BufferedImage page) throws Exception {
        Path dir = Files.createTempDirectory("it-slides");
        int half = page.getHeight() / 2;
        ImageIO.write(page.getSubimage(0, 0, page.getWidth(), half), "png", dir.resolve("a.png").toFile());
        ImageIO.write(page.getSubimage(0, half, page.getWidth(), half), "png", dir.resolve("b.png").toFile());
        Path out = dir.resolve("slides.mp4");
        Process p = new ProcessBuilder("ffmpeg", "-v", "error", "-y", "-loop", "1", "-t", "2", "-i", dir.resolve("a.png").toString(),
                "-loop", "1", "-t", "2", "-i", dir.resolve("b.png").toString(), "-filter_complex",
                "[0:v]scale=1240:-2,setsar=1,fps=5[a];[1:v]scale=1240:-2,setsar=1,fps=5[b];[a][b]concat=n=2:v=1:a=0,format=yuv420p[v]",
                "-map", "[v]", "-c:v", "libx264", out.toString()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(log).isZero();
        return Files.readAllBytes(out);
    }
}
