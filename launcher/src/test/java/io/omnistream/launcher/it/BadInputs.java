package io.omnistream.launcher.it;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.omnistream.ingest.load.Document;
import io.omnistream.schemas.avro.EmbeddingEvent;
import io.omnistream.schemas.avro.MediaEvent;
import io.omnistream.schemas.avro.Modality;
import io.omnistream.schemas.bench.BenchContentIds;
import io.omnistream.schemas.serde.ConfluentAvroSerializer;
import io.omnistream.schemas.tenant.Tenants;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.ImageIO;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.rendering.ImageType;
import org.apache.pdfbox.rendering.PDFRenderer;

/**
 * The bad-input corpus of {@link BadInputCorpusIT}, built in memory: real content of ../shared/data truncated or
 * corrupted, and headers, bombs and hostile requests crafted byte by byte. Nothing is stored in git.
 *
 * <p>The media carry something the cascade model can read, so that only a refusal can keep them out of the index:
 * the images, the WebP and the videos are a SciFact abstract typeset by PDFBox and rendered (PNG/JPEG by ImageIO,
 * WebP/MP4/WebM by the real ffmpeg), the audio is real speech (an FSDD recording, a Tux Paint spoken description),
 * the 10,000-page PDF has the abstract on its first page. A bad input that a lenient decoder half-reads is then
 * embedded, and the test says so, instead of being dead-lettered for "no text recognised" by luck.
 *
 * <p>Every input names the id under which its dead letter (if any) is looked up; ids are unique per run so a rerun
 * against the same topics cannot match an old letter.
 */
final class BadInputs {
    /** Who a request authenticates as. */
    enum Credential { DEMO, NONE, UNKNOWN_KEY }

    /** Which topic a record is written straight onto. */
    enum Target { MEDIA, EMBEDDING }

    /** One kind of bad input; {@code group} bounds the runtime: a good event is sent and awaited after each group. */
    sealed interface BadInput permits ApiRequest, TopicRecord {
        String kind();

        String group();

        /** The content id (or, for records whose id cannot be read, the record key) a dead letter would carry. */
        String id();
    }

    /** A POST to the ingest API ({@code path}), the body as raw bytes. */
    record ApiRequest(String kind, String group, String id, String path, byte[] body, Credential credential)
            implements BadInput {}

    /**
     * A record produced straight onto a topic. {@code harmless}: the record is legal (a tombstone for an id nobody
     * holds) and must leave no dead letter at all.
     */
    record TopicRecord(String kind, String group, String id, Target target, byte[] key, byte[] value, boolean harmless)
            implements BadInput {}

    static final String IMAGES = "images";
    static final String DOCUMENTS = "documents";
    static final String VIDEO = "video";
    static final String AUDIO = "audio";
    static final String REQUESTS = "requests";
    static final String RECORDS = "records";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private final String run;
    private final String tenant;
    private final String registryUrl;
    private final String mediaTopic;
    private final String embeddingTopic;
    private final String modelVersion;
    private final int ssrfPort;
    private final Random random = new Random(14);
    private final List<BadInput> corpus = new ArrayList<>();

    private final Document content;

    private BadInputs(Document content, String run, String tenant, String registryUrl, String mediaTopic, String embeddingTopic,
                      String modelVersion, int ssrfPort) {
        this.content = content;
        this.run = run;
        this.tenant = tenant;
        this.registryUrl = registryUrl;
        this.mediaTopic = mediaTopic;
        this.embeddingTopic = embeddingTopic;
        this.modelVersion = modelVersion;
        this.ssrfPort = ssrfPort;
    }

    /**
     * Builds the corpus.
     *
     * @param content   the text the media show or say: a real abstract, not one of the good events' texts
     * @param run       unique per run, part of every id
     * @param tenant    the demo key's tenant (the tenant of topic records)
     * @param ssrfPort  a loopback port the HLS playlists point at; whoever listens there sees any fetch
     * @param maxRequestBytes the ingest's {@code ingest.max-request-bytes}; one body is made larger than it
     * @param maxBatchItems   the ingest's {@code ingest.max-batch-items}; one batch is made longer than it
     */
    static List<BadInput> build(Document content, String run, String tenant, String registryUrl, String mediaTopic, String embeddingTopic,
                                String modelVersion, int ssrfPort, long maxRequestBytes, int maxBatchItems)
            throws Exception {
        BadInputs b = new BadInputs(content, run, tenant, registryUrl, mediaTopic, embeddingTopic, modelVersion, ssrfPort);
        b.images();
        b.documents();
        b.video();
        b.audio();
        b.requests(maxRequestBytes, maxBatchItems);
        b.records();
        return Collections.unmodifiableList(b.corpus);
    }

    // ---------------------------------------------------------------- media through the API (declared modality)

    private void images() throws Exception {
        BufferedImage page = page();
        byte[] png = encode(page, "png");
        byte[] jpeg = encode(page, "jpeg");
        byte[] webp = ffmpeg(png, "webp", "-i", "{png}", "-c:v", "libwebp", "{out}");

        // a third of the file: the header and part of IDAT, the zlib stream ends early
        media("png-truncated", IMAGES, Modality.IMAGE, Arrays.copyOf(png, png.length / 3));
        // signature and IHDR intact, every byte after them random (chunk lengths and CRCs included)
        media("png-corrupt", IMAGES, Modality.IMAGE, corruptAfter(png, 33));
        // everything before the start-of-scan marker: tables and frame header, no entropy-coded data at all
        media("jpeg-truncated", IMAGES, Modality.IMAGE, Arrays.copyOf(jpeg, indexOf(jpeg, new byte[] {(byte) 0xFF, (byte) 0xDA})));
        // SOI and the APP0/JFIF segment kept, the rest random
        // half the entropy-coded data: the lower half of the page never arrives
        media("jpeg-truncated-mid-scan", IMAGES, Modality.IMAGE, Arrays.copyOf(jpeg, jpeg.length / 2));
        media("jpeg-corrupt", IMAGES, Modality.IMAGE, corruptAfter(jpeg, 20));
        media("webp-truncated", IMAGES, Modality.IMAGE, Arrays.copyOf(webp, 40));
        // RIFF/WEBP/VP8 chunk headers kept, the VP8 bitstream random
        media("webp-corrupt", IMAGES, Modality.IMAGE, corruptAfter(webp, 30));
        // a header declaring 100000 x 100000 RGB (10^10 pixels, 30 GB of raster) over an IDAT of a few bytes
        media("png-pixel-bomb", IMAGES, Modality.IMAGE, png(100_000, 100_000, 2, deflateZeros(1024)));
        // 40000 x 40000 grey: the ~1.5 MB IDAT really inflates to 1.6 GB
        media("png-deflate-bomb", IMAGES, Modality.IMAGE, png(40_000, 40_000, 0, deflateZeros(40_000L * 40_001)));
    }

    private void documents() throws Exception {
        byte[] pdf = TestPdfs.onePage(content);
        // the header and the first objects only: no cross-reference table, no trailer, the page stream cut off
        media("pdf-truncated", DOCUMENTS, Modality.DOCUMENT, Arrays.copyOf(pdf, 400));
        media("pdf-corrupt", DOCUMENTS, Modality.DOCUMENT, corruptAfter(pdf, 9));
        // the abstract on page 1, then 9,999 blank pages: only a page or object budget keeps it out
        media("pdf-10000-pages", DOCUMENTS, Modality.DOCUMENT, withBlankPages(pdf, 9_999));
    }

    private void video() throws Exception {
        byte[] png = encode(page(), "png");
        byte[] mp4 = ffmpeg(png, "mp4", "-loop", "1", "-t", "1", "-i", "{png}", "-vf", "scale=1240:-2,format=yuv420p", "-r", "5",
                "-c:v", "libx264", "{out}");
        byte[] webm = ffmpeg(png, "webm", "-loop", "1", "-t", "1", "-i", "{png}", "-vf", "scale=1240:-2,format=yuv420p", "-r", "5",
                "-c:v", "libvpx", "-b:v", "200k", "{out}");
        media("mp4-truncated", VIDEO, Modality.VIDEO, Arrays.copyOf(mp4, 1024));
        // the ftyp box kept, the boxes after it random
        media("mp4-corrupt", VIDEO, Modality.VIDEO, corruptAfter(mp4, 32));
        media("webm-truncated", VIDEO, Modality.VIDEO, Arrays.copyOf(webm, 512));
        // the EBML header kept, the segment random
        media("webm-corrupt", VIDEO, Modality.VIDEO, corruptAfter(webm, 40));
        // an HLS playlist declared as video: through the API, and straight onto the topic (below)
        media("hls-playlist-api", VIDEO, Modality.VIDEO, hls("http://127.0.0.1:" + ssrfPort + "/segment0.ts"));
        mediaRecord("hls-playlist-http-topic", VIDEO, Modality.VIDEO, hls("http://127.0.0.1:" + ssrfPort + "/segment0.ts"));
        mediaRecord("hls-playlist-file-topic", VIDEO, Modality.VIDEO, hls("file:///etc/passwd"));
    }

    private void audio() throws IOException {
        Path shared = SharedStack.sharedData();
        byte[] wav = Files.readAllBytes(shared.resolve("fsdd/recordings/7_jackson_0.wav"));
        byte[] ogg = Files.readAllBytes(shared.resolve("tuxpaint-stamps/animals/marsupials/wombat_desc.ogg"));
        // RIFF header and part of the fmt chunk
        media("wav-truncated", AUDIO, Modality.AUDIO, Arrays.copyOf(wav, 30));
        // RIFF/WAVE kept, the fmt chunk and everything after random
        media("wav-corrupt", AUDIO, Modality.AUDIO, corruptAfter(wav, 12));
        // the first Ogg page only (half of it): the Vorbis setup headers never arrive
        media("ogg-truncated", AUDIO, Modality.AUDIO, Arrays.copyOf(ogg, 200));
        // the first page's capture pattern and header kept, the rest random
        media("ogg-corrupt", AUDIO, Modality.AUDIO, corruptAfter(ogg, 28));
        // a PCM header declaring 10 hours (576 MB of 8 kHz 16-bit mono) over the recording's real half second
        media("wav-10-hours-declared", AUDIO, Modality.AUDIO, wavDeclaring(10 * 3600, pcmOf(wav)));
    }

    // ---------------------------------------------------------------- hostile requests

    private void requests(long maxRequestBytes, int maxBatchItems) throws Exception {
        // invalid UTF-8 (a lone continuation byte and an overlong encoding) inside a JSON string
        ByteArrayOutputStream invalidUtf8 = new ByteArrayOutputStream();
        invalidUtf8.writeBytes(("{\"contentId\":\"" + id("invalid-utf8")).getBytes(UTF_8));
        invalidUtf8.writeBytes(new byte[] {(byte) 0x80, (byte) 0xC0, (byte) 0xAF});
        invalidUtf8.writeBytes("\",\"modality\":\"TEXT\",\"text\":\"a note\"}".getBytes(UTF_8));
        api("invalid-utf8-body", id("invalid-utf8"), "/v1/media", invalidUtf8.toByteArray(), Credential.DEMO);
        api("nul-in-id", id("nul") + "\u0000x", "/v1/media", textBody(id("nul") + "\u0000x", "a note"), Credential.DEMO);
        // "txt.exe" shown reversed: the right-to-left override makes an id look like another
        api("rtl-override-in-id", id("rtl") + "\u202Eexe.txt", "/v1/media", textBody(id("rtl") + "\u202Eexe.txt", "a note"),
                Credential.DEMO);
        api("id-over-512-bytes", id("long") + "é".repeat(300), "/v1/media", textBody(id("long") + "é".repeat(300), "a note"),
                Credential.DEMO);
        api("text-over-limit", id("long-text"), "/v1/media", textBody(id("long-text"), "a".repeat(100_001)), Credential.DEMO);
        List<Map<String, Object>> items = new ArrayList<>();
        for (int i = 0; i <= maxBatchItems; i++) {
            items.add(Map.of("contentId", id("batch") + "-" + i, "modality", "TEXT", "text", "note " + i));
        }
        api("batch-over-item-limit", id("batch") + "-0", "/v1/media:batch", JSON.writeValueAsBytes(items), Credential.DEMO);
        byte[] big = new byte[(int) (maxRequestBytes * 3 / 4) + 1024];
        random.nextBytes(big);
        api("body-over-size-limit", id("big-body"), "/v1/media", JSON.writeValueAsBytes(Map.of("contentId", id("big-body"),
                "modality", "IMAGE", "payloadBase64", Base64.getEncoder().encodeToString(big))), Credential.DEMO);
        api("bench-id-from-demo-key", BenchContentIds.PREFIX + run, "/v1/media",
                textBody(BenchContentIds.PREFIX + run, "a forged benchmark item"), Credential.DEMO);
        api("missing-credential", id("anonymous"), "/v1/media", textBody(id("anonymous"), "a note"), Credential.NONE);
        api("unknown-api-key", id("forged-key"), "/v1/media", textBody(id("forged-key"), "a note"), Credential.UNKNOWN_KEY);
        api("foreign-tenant-in-body", id("foreign-tenant"), "/v1/media", JSON.writeValueAsBytes(Map.of("contentId",
                id("foreign-tenant"), "tenant", "someone-else", "modality", "TEXT", "text", "a note")), Credential.DEMO);
        api("file-uri", id("file-uri"), "/v1/media", JSON.writeValueAsBytes(Map.of("contentId", id("file-uri"),
                "modality", "VIDEO", "uri", "file:///etc/passwd")), Credential.DEMO);
        // 100000 nested arrays: a parser without a depth limit overflows its stack
        api("deeply-nested-json", id("nested"), "/v1/media", ("{\"contentId\":\"" + id("nested") + "\",\"x\":"
                + "[".repeat(100_000) + "]".repeat(100_000) + "}").getBytes(UTF_8), Credential.DEMO);
        api("duplicate-json-keys", id("dup-keys"), "/v1/media", ("{\"contentId\":\"" + id("dup-keys")
                + "\",\"modality\":\"TEXT\",\"text\":\"a\",\"text\":\"b\"}").getBytes(UTF_8), Credential.DEMO);
        byte[] random4k = new byte[4096];
        random.nextBytes(random4k);
        api("random-bytes-as-image", id("random-image"), "/v1/media", payloadBody(id("random-image"), Modality.IMAGE,
                random4k), Credential.DEMO);
        byte[] png = Files.readAllBytes(SharedStack.sharedData().resolve("tuxpaint-stamps/animals/marsupials/wombat.png"));
        api("png-declared-as-audio", id("png-as-audio"), "/v1/media", payloadBody(id("png-as-audio"), Modality.AUDIO, png),
                Credential.DEMO);
    }

    // ---------------------------------------------------------------- records straight onto the topics

    private void records() throws Exception {
        // a tenant of 300 UTF-8 bytes (150 two-byte letters): the record key and the Milvus partition key would break
        String bigTenant = "é".repeat(150);
        String tenantId = id("oversize-tenant");
        corpus.add(new TopicRecord("oversize-tenant-bytes", RECORDS, tenantId, Target.MEDIA,
                (bigTenant + ":" + tenantId).getBytes(UTF_8), mediaValue(MediaEvent.newBuilder().setContentId(tenantId)
                .setTenant(bigTenant).setModality(Modality.TEXT).setText("a note").setSource("corpus")
                .setEventTimeMs(System.currentTimeMillis()).build()), false));

        // Confluent wire format (magic 0, schema id) with an id the registry never issued, then a real MediaEvent body
        String foreignId = id("foreign-schema");
        byte[] valid = mediaValue(textEvent(foreignId, "a note"));
        ByteBuffer foreign = ByteBuffer.allocate(valid.length).put(valid);
        foreign.putInt(1, 987_654);
        corpus.add(new TopicRecord("foreign-schema-id", RECORDS, Tenants.recordKey(tenant, foreignId), Target.MEDIA,
                key(foreignId), foreign.array(), false));

        String notAvro = id("not-avro");
        corpus.add(new TopicRecord("not-avro-at-all", RECORDS, Tenants.recordKey(tenant, notAvro), Target.MEDIA,
                key(notAvro), "{\"contentId\":\"not avro\"}".getBytes(UTF_8), false));

        String uriId = id("file-uri-topic");
        corpus.add(new TopicRecord("file-uri-on-topic", RECORDS, uriId, Target.MEDIA, key(uriId),
                mediaValue(MediaEvent.newBuilder().setContentId(uriId).setTenant(tenant).setModality(Modality.VIDEO)
                        .setUri("file:///etc/passwd").setSource("corpus").setEventTimeMs(System.currentTimeMillis()).build()),
                false));

        String unknown = id("never-ingested");
        corpus.add(new TopicRecord("tombstone-unknown-id", RECORDS, unknown, Target.MEDIA, key(unknown), null, true));

        float[] nan = unitVector(384);
        nan[7] = Float.NaN;
        embedding("nan-vector", nan, 384);
        float[] inf = unitVector(384);
        inf[100] = Float.POSITIVE_INFINITY;
        embedding("infinity-vector", inf, 384);
        embedding("vector-shorter-than-dimension", unitVector(12), 384);
    }

    // ---------------------------------------------------------------- builders

    private String id(String kind) {
        return "corpus-" + run + "-" + kind;
    }

    private byte[] key(String contentId) {
        return Tenants.recordKeyBytes(tenant, contentId);
    }

    private void media(String kind, String group, Modality modality, byte[] payload) throws IOException {
        api(kind, id(kind), "/v1/media", payloadBody(id(kind), modality, payload), Credential.DEMO, group);
    }

    private void mediaRecord(String kind, String group, Modality modality, byte[] payload) {
        String id = id(kind);
        corpus.add(new TopicRecord(kind, group, id, Target.MEDIA, key(id), mediaValue(MediaEvent.newBuilder()
                .setContentId(id).setTenant(tenant).setModality(modality).setPayload(ByteBuffer.wrap(payload))
                .setSource("corpus").setEventTimeMs(System.currentTimeMillis()).build()), false));
    }

    private void embedding(String kind, float[] vector, int dimension) {
        String id = id(kind);
        List<Float> values = new ArrayList<>(vector.length);
        for (float f : vector) {
            values.add(f);
        }
        EmbeddingEvent e = EmbeddingEvent.newBuilder().setContentId(id).setTenant(tenant).setModelId("corpus")
                .setModelVersion(modelVersion).setModality(Modality.TEXT).setVector(values).setDimension(dimension)
                .setSourceEventTimeMs(System.currentTimeMillis()).setEmbeddedAtMs(System.currentTimeMillis()).build();
        try (ConfluentAvroSerializer<EmbeddingEvent> s = new ConfluentAvroSerializer<>(EmbeddingEvent.class, registryUrl)) {
            corpus.add(new TopicRecord(kind, RECORDS, id, Target.EMBEDDING, key(id), s.serialize(embeddingTopic, e), false));
        }
    }

    private void api(String kind, String id, String path, byte[] body, Credential credential) {
        api(kind, id, path, body, credential, REQUESTS);
    }

    private void api(String kind, String id, String path, byte[] body, Credential credential, String group) {
        corpus.add(new ApiRequest(kind, group, id, path, body, credential));
    }

    private MediaEvent textEvent(String contentId, String text) {
        return MediaEvent.newBuilder().setContentId(contentId).setTenant(tenant).setModality(Modality.TEXT).setText(text)
                .setSource("corpus").setEventTimeMs(System.currentTimeMillis()).build();
    }

    private byte[] mediaValue(MediaEvent e) {
        try (ConfluentAvroSerializer<MediaEvent> s = new ConfluentAvroSerializer<>(MediaEvent.class, registryUrl)) {
            return s.serialize(mediaTopic, e);
        }
    }

    private static byte[] textBody(String id, String text) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("contentId", id);
        body.put("modality", "TEXT");
        body.put("text", text);
        return JSON.writeValueAsBytes(body);
    }

    private static byte[] payloadBody(String id, Modality modality, byte[] payload) throws IOException {
        return JSON.writeValueAsBytes(Map.of("contentId", id, "modality", modality.name(),
                "payloadBase64", Base64.getEncoder().encodeToString(payload)));
    }

    /** {@code bytes} with everything from {@code keep} on replaced by random bytes (same length). */
    private byte[] corruptAfter(byte[] bytes, int keep) {
        byte[] out = bytes.clone();
        byte[] noise = new byte[out.length - keep];
        random.nextBytes(noise);
        System.arraycopy(noise, 0, out, keep, noise.length);
        return out;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalArgumentException("marker not found");
    }

    /** A PNG of the given header (8-bit, colour type 0 grey or 2 RGB) whose single IDAT chunk is {@code idat}. */
    private static byte[] png(int width, int height, int colourType, byte[] idat) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(PNG_SIGNATURE);
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8).put((byte) colourType)
                .put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(out, "IHDR", ihdr.array());
        chunk(out, "IDAT", idat);
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        CRC32 crc = new CRC32();
        crc.update(type.getBytes(UTF_8));
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(type.getBytes(UTF_8));
        out.writeBytes(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    /** A zlib stream of {@code count} zero bytes (PNG filter type 0 and black pixels), fed 1 MiB at a time. */
    private static byte[] deflateZeros(long count) {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
        byte[] zeros = new byte[1 << 20];
        byte[] buffer = new byte[1 << 16];
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (long left = count; left > 0; left -= zeros.length) {
            deflater.setInput(zeros, 0, (int) Math.min(zeros.length, left));
            while (!deflater.needsInput()) {
                out.write(buffer, 0, deflater.deflate(buffer));
            }
        }
        deflater.finish();
        while (!deflater.finished()) {
            out.write(buffer, 0, deflater.deflate(buffer));
        }
        deflater.end();
        return out.toByteArray();
    }

    /** {@code pdf} followed by {@code count} blank pages (PDFBox). */
    private static byte[] withBlankPages(byte[] pdf, int count) throws IOException {
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            for (int i = 0; i < count; i++) {
                doc.addPage(new PDPage());
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            doc.save(out);
            return out.toByteArray();
        }
    }

    private static byte[] hls(String segment) {
        return ("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:10\n#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:10.0,\n"
                + segment + "\n#EXT-X-ENDLIST\n").getBytes(UTF_8);
    }

    /** The samples of a canonical PCM WAV file (the bytes of its data chunk). */
    private static byte[] pcmOf(byte[] wav) {
        int data = indexOf(wav, "data".getBytes(UTF_8));
        int length = ByteBuffer.wrap(wav, data + 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        return Arrays.copyOfRange(wav, data + 8, Math.min(wav.length, data + 8 + length));
    }

    /** An 8 kHz 16-bit mono PCM WAV whose RIFF and data sizes declare {@code seconds}, followed by {@code pcm} only. */
    private static byte[] wavDeclaring(int seconds, byte[] pcm) {
        int rate = 8000;
        int declared = seconds * rate * 2;
        ByteBuffer b = ByteBuffer.allocate(44 + pcm.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(UTF_8)).putInt(36 + declared).put("WAVE".getBytes(UTF_8));
        b.put("fmt ".getBytes(UTF_8)).putInt(16).putShort((short) 1).putShort((short) 1).putInt(rate).putInt(rate * 2)
                .putShort((short) 2).putShort((short) 16);
        b.put("data".getBytes(UTF_8)).putInt(declared).put(pcm);
        return b.array();
    }

    private float[] unitVector(int dimension) {
        float[] v = new float[dimension];
        double norm = 0;
        for (int i = 0; i < dimension; i++) {
            v[i] = (float) random.nextGaussian();
            norm += v[i] * v[i];
        }
        for (int i = 0; i < dimension; i++) {
            v[i] /= (float) Math.sqrt(norm);
        }
        return v;
    }

    /** The abstract's PDF page rendered at 100 DPI, RGB (about 830 x 1170 pixels of black text on white). */
    private BufferedImage page() throws Exception {
        try (PDDocument doc = Loader.loadPDF(TestPdfs.onePage(content))) {
            return new PDFRenderer(doc).renderImageWithDPI(0, 100, ImageType.RGB);
        }
    }

    private static byte[] encode(BufferedImage image, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!ImageIO.write(image, format, out)) {
            throw new IllegalStateException("no ImageIO writer for " + format);
        }
        return out.toByteArray();
    }

    /**
     * Runs the real ffmpeg on {@code input} (a PNG, {@code {png}} in {@code args}) writing {@code {out}} with the given
     * extension, in a scratch directory deleted afterwards; returns the output's bytes.
     */
    private static byte[] ffmpeg(byte[] input, String extension, String... args) throws IOException {
        Path dir = Files.createTempDirectory("bad-input-corpus");
        Path png = Files.write(dir.resolve("in.png"), input);
        try {
            Path out = dir.resolve("out." + extension);
            List<String> command = new ArrayList<>(List.of("ffmpeg", "-v", "error", "-y"));
            for (String a : args) {
                command.add(a.replace("{png}", png.toString()).replace("{out}", out.toString()));
            }
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes(), UTF_8);
            if (p.waitFor() != 0) {
                throw new IllegalStateException("ffmpeg failed: " + command + "\n" + log);
            }
            return Files.readAllBytes(out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(dir);
        }
    }
}
