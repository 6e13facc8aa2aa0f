package io.omnistream.replay;

import io.omnistream.ingest.dedup.ContentHasher;
import io.omnistream.ingest.validate.MediaTypes;
import io.omnistream.schemas.avro.BenchmarkMarker;
import io.omnistream.schemas.avro.BenchmarkRole;
import io.omnistream.schemas.avro.GradedCandidate;
import io.omnistream.schemas.avro.Judgment;
import io.omnistream.schemas.avro.MediaEvent;
import io.omnistream.schemas.avro.Modality;
import io.omnistream.schemas.bench.BenchContentIds;
import io.omnistream.schemas.tenant.Tenants;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What the benchmark replayer publishes for one epoch of one task, without Kafka: every candidate as a
 * {@link MediaEvent}, then every query as a {@link MediaEvent} followed by its {@link Judgment}.
 *
 * <p><b>Content ids</b>: {@code bench:<taskId>:<epoch>:c:<itemId>} for candidates and {@code ...:q:<itemId>} for
 * queries ({@link BenchContentIds}, shared with the quality jobs that read them back): stable per (task, epoch, role,
 * item), injective, and free of characters ingest forbids. The
 * Judgment refers to the <i>item</i> ids (queryItemId, candidateItemId) as the BenchmarkMarker does, not to content ids.
 *
 * <p><b>Media</b>: ingest refuses {@code file:} URIs, so media items carry their file's bytes inline
 * ({@code payload}), read only when the event is built (one at a time while streaming). Files larger than
 * {@code maxPayloadBytes} (ingest.max-payload-bytes, default 20 MiB) fail with a {@link PayloadTooLargeException}
 * naming the task, item, file and limit; the size is checked before reading. The MIME type is detected from the
 * bytes with ingest's {@link MediaTypes} and must belong to the item's modality (same rule as ingest's validator),
 * else an {@link IllegalArgumentException}. TEXT items need non-blank text.
 *
 * <p>Each event gets {@code source = "replayer"} (configurable), the tenant, the instruction (the task's candidate
 * instruction for candidates, the query's for queries), the {@link ContentHasher} hash ingest would compute, and a
 * {@link BenchmarkMarker} (taskId, role, itemId, epoch). {@code eventTimeMs} comes from the clock.
 *
 * <p><b>Judgment</b>: candidateCount = the pool size for GLOBAL scope (counted by streaming the candidates, which
 * {@link #stream} does anyway before the first query), the query's own list size for LOCAL; candidateIds = null for
 * GLOBAL, the own list for LOCAL; gold = every graded judgment (relevance 0 kept, see {@link RetrievalTaskReader}).
 *
 * <p><b>Memory</b>: {@link #stream} holds one candidate at a time (the reader's stream; BEIR/SciFact corpora are read
 * from disk, MMEB tasks are held by their reader) plus the query list, which every reader returns whole (SciFact's 300
 * and the MMEB files here are small). {@link #events()}/{@link #judgments()} materialise everything and are meant for
 * tests and small tasks.
 */
public final class ReplayPlan {
    public static final long DEFAULT_MAX_PAYLOAD_BYTES = 20L * 1024 * 1024;
    public static final String DEFAULT_SOURCE = "replayer";

    /** Receives the plan in publishing order. */
    public interface Sink {
        void event(MediaEvent event);

        void judgment(Judgment judgment);
    }

    /** A media file is over the payload limit. */
    public static final class PayloadTooLargeException extends IllegalStateException {
        public PayloadTooLargeException(String message) {
            super(message);
        }
    }

    private final BenchmarkTask task;
    private final int epoch;
    private final String tenant;
    private final String source;
    private final long maxPayloadBytes;
    private final Clock clock;
    private final MediaTypes mediaTypes;
    /** Every task of this epoch's replay, stated on each judgment. */
    private final List<String> epochTasks;

    public ReplayPlan(BenchmarkTask task, int epoch) {
        this(task, epoch, List.of(task.id()));
    }

    /** @param epochTasks every task replayed in this epoch (stated on each judgment, see {@link #judgment}) */
    public ReplayPlan(BenchmarkTask task, int epoch, List<String> epochTasks) {
        this(task, epoch, Tenants.BENCHMARK, DEFAULT_SOURCE, DEFAULT_MAX_PAYLOAD_BYTES, Clock.systemUTC(), new MediaTypes(),
                epochTasks);
    }

    public ReplayPlan(BenchmarkTask task, int epoch, String tenant, String source, long maxPayloadBytes, Clock clock,
                      MediaTypes mediaTypes) {
        this(task, epoch, tenant, source, maxPayloadBytes, clock, mediaTypes, List.of(task.id()));
    }

    private ReplayPlan(BenchmarkTask task, int epoch, String tenant, String source, long maxPayloadBytes, Clock clock,
                       MediaTypes mediaTypes, List<String> epochTasks) {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must be >= 0, got " + epoch);
        }
        if (maxPayloadBytes <= 0) {
            throw new IllegalArgumentException("maxPayloadBytes must be > 0");
        }
        this.task = Objects.requireNonNull(task, "task");
        this.epoch = epoch;
        this.tenant = Objects.requireNonNull(tenant, "tenant");
        this.source = Objects.requireNonNull(source, "source");
        this.maxPayloadBytes = maxPayloadBytes;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.mediaTypes = Objects.requireNonNull(mediaTypes, "mediaTypes");
        this.epochTasks = List.copyOf(epochTasks);
        if (!this.epochTasks.contains(task.id())) {
            throw new IllegalArgumentException("epoch tasks " + epochTasks + " do not include " + task.id());
        }
    }

    public BenchmarkTask task() {
        return task;
    }

    public int epoch() {
        return epoch;
    }

    /** {@code bench:<taskId>:<epoch>:<c|q>:<itemId, escaped>}: see {@link BenchContentIds}. */
    public static String contentId(String taskId, int epoch, BenchmarkRole role, String itemId) {
        return BenchContentIds.contentId(taskId, epoch, role, itemId);
    }

    /** Emits the whole plan in order: candidates, then (query event, judgment) per query. */
    public void stream(Sink sink) {
        long pool = 0;
        try (Stream<BenchItem> candidates = task.candidates()) {
            var it = candidates.iterator();
            while (it.hasNext()) {
                BenchItem c = it.next();
                sink.event(event(BenchmarkRole.CANDIDATE, c.itemId(), c.modality(), c.text(), c.mediaPath(),
                        task.candidateInstruction()));
                pool++;
            }
        }
        List<BenchQuery> queries = task.queries();
        for (BenchQuery q : queries) {
            sink.event(event(BenchmarkRole.QUERY, q.itemId(), q.modality(), q.text(), q.mediaPath(), q.instruction()));
            sink.judgment(judgment(q, pool, queries.size()));
        }
    }

    /** All events in publishing order (materialised; for tests and small tasks). */
    public List<MediaEvent> events() {
        List<MediaEvent> out = new ArrayList<>();
        stream(new Sink() {
            @Override
            public void event(MediaEvent event) {
                out.add(event);
            }

            @Override
            public void judgment(Judgment judgment) {}
        });
        return out;
    }

    /** The judgments in query order; reads no media (the GLOBAL pool size is counted from the candidate stream). */
    public List<Judgment> judgments() {
        long pool = task.scope() == RankingScope.GLOBAL ? task.candidatePoolSize() : 0;
        List<Judgment> out = new ArrayList<>();
        List<BenchQuery> queries = task.queries();
        for (BenchQuery q : queries) {
            out.add(judgment(q, pool, queries.size()));
        }
        return out;
    }

    /** @param taskQueries the task's number of queries in this epoch (stated on the judgment) */
    Judgment judgment(BenchQuery q, long poolSize, int taskQueries) {
        List<GradedCandidate> gold = q.gold().stream()
                .map(g -> new GradedCandidate(g.candidateId(), g.relevance())).toList();
        boolean local = task.scope() == RankingScope.LOCAL;
        if (local && q.candidateIds() == null) {
            throw new IllegalStateException("task " + task.id() + " is LOCAL but query " + q.itemId()
                    + " has no candidate list");
        }
        long count = local ? q.candidateIds().size() : poolSize;
        return Judgment.newBuilder()
                .setTaskId(task.id())
                .setQueryItemId(q.itemId())
                .setEpoch(epoch)
                .setMetaTask(task.metaTask().displayName())
                .setQueryModality(task.queryModality())
                .setTargetModality(task.targetModality())
                .setPrimaryMetric(task.primaryMetric())
                .setCandidateCount(Math.toIntExact(count))
                .setCandidateIds(local ? new ArrayList<>(q.candidateIds()) : null)
                .setTaskQueries(taskQueries)
                .setEpochTasks(new ArrayList<>(epochTasks))
                .setGold(new ArrayList<>(gold))
                .build();
    }

    MediaEvent event(BenchmarkRole role, String itemId, Modality modality, String text, Path media, String instruction) {
        String where = "task " + task.id() + " " + role.name().toLowerCase() + " " + itemId;
        byte[] payload = null;
        String mime;
        if (modality == Modality.TEXT) {
            if (text == null || text.isBlank()) {
                throw new IllegalArgumentException(where + ": TEXT item has no text");
            }
            mime = "text/plain";
        } else {
            payload = read(where, media);
            mime = mediaTypes.detect(payload);
            Set<Modality> allowed = MediaTypes.modalitiesOf(mime);
            if (!allowed.contains(modality)) {
                throw new IllegalArgumentException(where + ": " + media + " is detected as " + mime
                        + ", which modality " + modality + " does not accept (accepted by " + allowed + ")");
            }
        }
        String contentId = contentId(task.id(), epoch, role, itemId);
        return MediaEvent.newBuilder()
                .setContentId(contentId)
                .setTenant(tenant)
                .setModality(modality)
                .setPayload(payload == null ? null : ByteBuffer.wrap(payload))
                .setUri(null)
                .setMimeType(mime)
                .setText(text)
                .setInstruction(instruction)
                .setSource(source)
                .setEventTimeMs(clock.millis())
                .setContentHash(ContentHasher.hash(tenant, modality, payload, null, text, instruction))
                .setBenchmark(new BenchmarkMarker(task.id(), role, itemId, epoch))
                .build();
    }

    private byte[] read(String where, Path file) {
        try {
            long size = Files.size(file);
            if (size > maxPayloadBytes) {
                throw new PayloadTooLargeException(where + ": " + file + " is " + size + " bytes; the inline payload "
                        + "limit is " + maxPayloadBytes + " bytes (ingest.max-payload-bytes)");
            }
            byte[] bytes = Files.readAllBytes(file);
            if (bytes.length > maxPayloadBytes) { // grew since the size check
                throw new PayloadTooLargeException(where + ": " + file + " is " + bytes.length
                        + " bytes; the inline payload limit is " + maxPayloadBytes + " bytes");
            }
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(where + ": cannot read " + file, e);
        }
    }
}
