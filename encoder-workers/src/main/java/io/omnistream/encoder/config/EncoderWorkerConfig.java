package io.omnistream.encoder.config;

import io.omnistream.encoder.asr.WhisperSettings;
import io.omnistream.encoder.cascade.ToolSandbox;
import io.omnistream.encoder.fetch.FetchSettings;
import io.omnistream.encoder.fetch.HostAllowList;
import io.omnistream.encoder.model.EncoderSettings;
import io.omnistream.encoder.model.ExecutionProvider;
import io.omnistream.encoder.model.ModelRegistry;
import io.omnistream.encoder.model.ModelRegistryException;
import io.omnistream.encoder.model.ModelSpec;
import io.omnistream.runtime.config.ConfigException;
import io.omnistream.runtime.config.ConfigOption;
import io.omnistream.runtime.config.ConfigSource;
import io.omnistream.runtime.kafka.KafkaConnection;
import io.omnistream.runtime.kafka.KafkaOptions;
import io.omnistream.runtime.stage.StageOptions;
import io.omnistream.runtime.stage.StagePolicy;
import io.omnistream.schemas.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Configuration of an encoder worker: one typed, validated value per {@link #options() option}. Built from a
 * {@link ConfigSource} (defaults &lt; file &lt; environment {@code OMNISTREAM_*} &lt; overrides); every value is read
 * and checked in the constructor, so a bad configuration fails at start-up with the key, value and rule.
 */
public final class EncoderWorkerConfig {
    public static final ConfigOption<String> MODEL = ConfigOption.string("encoder.model", "bge-small-en-v1.5",
            "Id of the model (in the model registry) this worker serves; its vectors go to embeddings.<id>.v1");
    public static final ConfigOption<String> MODELS_FILE = ConfigOption.string("encoder.models.file",
            "classpath:" + ModelRegistry.BUNDLED,
            "Model registry YAML: a file path, file:PATH or classpath:NAME (default: the registry bundled in the worker)");
    public static final ConfigOption<String> GROUP_ID = ConfigOption.string("encoder.group.id", "omnistream-encoder",
            "Kafka consumer group id; workers of one model share it to split the input partitions");
    public static final ConfigOption<String> INPUT_TOPIC = ConfigOption.string("encoder.input.topic", Topics.MEDIA_EVENTS,
            "Topic of MediaEvent records to embed");
    public static final ConfigOption<String> DLQ_TOPIC = ConfigOption.string("encoder.dlq.topic", Topics.DLQ,
            "Dead-letter topic for records that cannot be embedded (FailedEvent)");
    public static final ConfigOption<Integer> DEDUP_CAPACITY = ConfigOption.integer("encoder.dedup.capacity", 100_000,
            0, 100_000_000, "Content ids whose last embedded content hash the worker remembers (about 200 bytes each): an "
            + "event whose contentHash equals the last one embedded for its id is not embedded again (outcome "
            + "'unchanged'). 0 = embed every event.");
    public static final ConfigOption<Long> BENCHMARK_SKIP_BEFORE_MS = ConfigOption.longValue(
            "encoder.benchmark.skip-before-ms", 0L, 0L, Long.MAX_VALUE, "Benchmark replay events with an event time "
            + "before this instant (ms since the Unix epoch) are not embedded (outcome 'skipped_history'). Set by "
            + "`upgrade start` on a shadow worker group: it re-reads the whole source topic for users' content, and joins "
            + "the benchmark at the next replay epoch instead of re-embedding every past one. 0 = embed all.");
    public static final ConfigOption<Integer> BATCH_MAX_SIZE = ConfigOption.integer("encoder.batch.max-size", 32, 1, 4096,
            "Most events per inference batch (also the consumer's max.poll.records), events");
    public static final ConfigOption<Long> RECOGNITION_MAX_BATCH_PIXELS = ConfigOption.longValue(
            "encoder.recognition.max-batch-pixels", 20_000_000L, 1L, Long.MAX_VALUE, "Most image pixels (PDF pages, "
            + "images, kept video frames) of a batch's events that go to the OCR engine in one call: the recognisers "
            + "run once per batch, not per event, and these images are in memory together (about 4 bytes a pixel "
            + "decoded, 12 more as the engine's float planes: 20 M = about 9 A4 pages at 150 dpi, 320 MB). An event "
            + "whose images alone exceed it still goes in one call. Pixels");
    public static final ConfigOption<Duration> MAX_POLL_INTERVAL = ConfigOption.duration("encoder.max-poll-interval",
            Duration.ofMinutes(30), Duration.ofSeconds(10),
            "Kafka max.poll.interval.ms: the longest one batch may take from poll to commit (media recognition included) "
                    + "before the broker gives the worker's partitions to another member; must exceed batch.max-size x "
                    + "the slowest item (OCR of a video: ~10-20 s on 2 cores), duration");
    public static final ConfigOption<Duration> BATCH_MAX_WAIT = ConfigOption.duration("encoder.batch.max-wait",
            Duration.ofMillis(50), Duration.ZERO,
            "Longest time the first event of a batch waits for the batch to fill before it is encoded anyway, duration");
    public static final ConfigOption<Double> BATCH_MAX_PADDING_RATIO = new ConfigOption<>("encoder.batch.max-padding-ratio",
            (double) EncoderSettings.BY_PROVIDER,
            "Length bucketing: a batch is split into ONNX Runtime runs whose padded token count is at most this multiple of"
                    + " their real token count (ratio; 'inf' = never split; 0 = by provider: 1.0 on CPU, where every run"
                    + " holds texts of one length, 1.5 on CUDA)",
            s -> s.trim().equalsIgnoreCase("inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(s.trim()),
            v -> v >= 1.0 || v == EncoderSettings.BY_PROVIDER, "0, a number >= 1 or inf");
    public static final ConfigOption<ExecutionProvider> EXECUTION_PROVIDER = ConfigOption.enumValue(
            "encoder.execution-provider", ExecutionProvider.class, ExecutionProvider.AUTO,
            "ONNX Runtime execution provider: AUTO (CUDA if usable, else CPU with a warning), CUDA (or fail), CPU");
    public static final ConfigOption<Integer> CUDA_DEVICE_ID = ConfigOption.integer("encoder.cuda.device-id", 0, 0, 64,
            "CUDA device ordinal used when the CUDA provider is tried");
    public static final ConfigOption<Integer> INTRA_OP_THREADS = ConfigOption.integer("encoder.intra-op-threads", 0, 0, 1024,
            "ONNX Runtime intra-op threads per run; 0 = 1 when runs go side by side (encoder.ort.concurrent-runs), else "
                    + "ONNX Runtime's default (one per physical core), threads");
    public static final ConfigOption<Integer> ORT_CONCURRENT_RUNS = ConfigOption.integer("encoder.ort.concurrent-runs",
            1, 1, 256,
            "ONNX Runtime runs one batch executes at the same time, each on its own thread (a batch is split into runs by "
                    + "length bucketing, or one per text for per-text models); above 1 with encoder.intra-op-threads 0, "
                    + "each run is single-threaded, so N runs use N cores without synchronising inside operators (on 2 "
                    + "cores: ~4 % less CPU per item on a full backlog, about twice the latency of a lone event), runs");
    public static final ConfigOption<Boolean> ORT_SPIN_WAIT = ConfigOption.bool("encoder.ort.spin-wait",
            EncoderSettings.DEFAULT_SPIN_WAIT,
            "Let ONNX Runtime's intra-op threads spin between operators instead of sleeping (session.intra_op."
                    + "allow_spinning): only worth it when the worker has its cores to itself; spinning threads take the "
                    + "CPU the Kafka clients, the JVM and co-located processes need");
    public static final ConfigOption<Long> TOOLS_MAX_MEMORY = ConfigOption.longValue("encoder.tools.max-memory",
            ToolSandbox.Limits.DEFAULT_MAX_ADDRESS_SPACE_BYTES, 1L << 20, Long.MAX_VALUE,
            "Address-space rlimit (RLIMIT_AS, via prlimit) of every media tool run (ffmpeg, ffprobe, tesseract, "
                    + "pocketsphinx): its allocations past it fail, bytes");
    public static final ConfigOption<Long> TOOLS_MAX_CPU = ConfigOption.longValue("encoder.tools.max-cpu-seconds",
            ToolSandbox.Limits.DEFAULT_MAX_CPU_SECONDS, 1, 86_400,
            "CPU-time rlimit (RLIMIT_CPU, all threads) of every media tool run; past it the tool is killed (SIGXCPU) "
                    + "and the record dead-lettered, seconds");
    public static final ConfigOption<Long> TOOLS_MAX_FILE_SIZE = ConfigOption.longValue("encoder.tools.max-file-size",
            ToolSandbox.Limits.DEFAULT_MAX_FILE_BYTES, 1, Long.MAX_VALUE,
            "File-size rlimit (RLIMIT_FSIZE) of every media tool run: the largest file it may write (decoded audio); "
                    + "past it the tool is killed (SIGXFSZ) and the record dead-lettered, bytes");
    public static final ConfigOption<Integer> TOOLS_MAX_OPEN_FILES = ConfigOption.integer("encoder.tools.max-open-files",
            ToolSandbox.Limits.DEFAULT_MAX_OPEN_FILES, 3, 1_048_576,
            "Open-descriptor rlimit (RLIMIT_NOFILE) of every media tool run, files");
    public static final ConfigOption<Boolean> TOOLS_ISOLATE_NETWORK = ConfigOption.bool("encoder.tools.isolate-network",
            true, "Run every media tool in a network namespace of its own ('unshare -rn': no interface but a loopback "
                    + "that is down); probed once at start-up, with one WARN and network access where the host forbids "
                    + "unprivileged user namespaces");
    public static final ConfigOption<Integer> TOOLS_STDERR_TAIL = ConfigOption.integer("encoder.tools.stderr-tail-bytes",
            ToolSandbox.Limits.DEFAULT_STDERR_TAIL_BYTES, 256, 16 << 20,
            "How much of a media tool's stderr is kept (the last bytes, in memory) for error messages, bytes");
    public static final ConfigOption<String> TOOLS_TEMP_DIR = ConfigOption.string("encoder.tools.temp-dir", "",
            "Directory for the temp files media tools read (one per record, deleted when it is done); empty = a fresh "
                    + "directory of this worker under java.io.tmpdir");
    public static final ConfigOption<String> FETCH_ALLOWED_HOSTS = new ConfigOption<>("encoder.fetch.allowed-hosts", "",
            "Hosts whose uri media the worker fetches, comma-separated: an exact host (media.example.com, an IP literal)"
                    + " or *.suffix (every name strictly below suffix). Default empty: fetching is disabled and uri events"
                    + " are dead-lettered (stage fetch) saying so. The addresses a host resolves to are checked"
                    + " independently (see encoder.fetch.allow-private-addresses)",
            String::trim, s -> true, "comma-separated host names, IP literals or *.suffix; empty = fetching disabled");
    public static final ConfigOption<Boolean> FETCH_ALLOW_HTTP = ConfigOption.bool("encoder.fetch.allow-http", false,
            "Also fetch plain http:// uri media (default false: https only). file: and other schemes are never fetched");
    public static final ConfigOption<Boolean> FETCH_ALLOW_PRIVATE_ADDRESSES = ConfigOption.bool(
            "encoder.fetch.allow-private-addresses", false,
            "Also fetch from hosts that resolve to loopback, link-local (169.254/16: cloud metadata, fe80::/10),"
                    + " private (10/8, 172.16/12, 192.168/16, fc00::/7), carrier-grade NAT (100.64/10), multicast or"
                    + " reserved addresses (default false: such a host is refused even when allow-listed; enable only for"
                    + " tests or an in-cluster media store)");
    public static final ConfigOption<Long> FETCH_MAX_BYTES = ConfigOption.longValue("encoder.fetch.max-bytes",
            FetchSettings.DEFAULT_MAX_BYTES, 1, 512L * 1024 * 1024,
            "Largest fetched body (default 20 MiB, ingest's inline limit); a larger Content-Length is refused before"
                    + " the body is read, a longer body as soon as it passes the limit (permanent failure), bytes");
    public static final ConfigOption<Duration> FETCH_CONNECT_TIMEOUT = ConfigOption.duration("encoder.fetch.connect-timeout",
            FetchSettings.DEFAULT_CONNECT_TIMEOUT, Duration.ofMillis(1),
            "Longest TCP connect to one address of a media host (default 5s); a timeout is transient (retried), duration");
    public static final ConfigOption<Duration> FETCH_TIMEOUT = ConfigOption.duration("encoder.fetch.timeout",
            FetchSettings.DEFAULT_TIMEOUT, Duration.ofMillis(1),
            "Total time budget of one fetch, redirects, TLS, headers and body included (default 60s); a fetch over it"
                    + " is a permanent failure (dead-lettered), duration");
    public static final ConfigOption<Integer> FETCH_MAX_REDIRECTS = ConfigOption.integer("encoder.fetch.max-redirects",
            FetchSettings.DEFAULT_MAX_REDIRECTS, 0, 10,
            "Redirects followed at most per fetch (default 3), each target re-checked like the event's uri; redirects");
    public static final ConfigOption<String> FETCH_TRUSTSTORE = new ConfigOption<>("encoder.fetch.truststore", "",
            "PKCS12 or JKS trust store with the CAs trusted for https media (default empty: the JVM's default trust)",
            String::trim, s -> true, "file path or empty");
    public static final ConfigOption<String> FETCH_TRUSTSTORE_PASSWORD = new ConfigOption<>(
            "encoder.fetch.truststore-password", "",
            "Password of encoder.fetch.truststore (default empty: none)", s -> s, s -> true, "any string");
    /**
     * The stage keys every Kafka stage shares, with the worker's prefix: {@code encoder.batch.max-bytes} and
     * {@code encoder.errors.*}. The byte bound's default (64 MiB) keeps a batch of media events with inline payloads
     * within the memory one worker can hold.
     */
    /**
     * The stage keys. The retry timeout is bounded (10 minutes), unlike the sink's: the worker has no downstream to
     * wait for but Kafka (whose refusals stop the stage), so a failure that persists is its own (a recogniser, the
     * model) and must not stall every record behind it for ever; after 10 minutes the batch is dead-lettered.
     */
    public static final StageOptions STAGE = StageOptions.withPrefix("encoder", 64L * 1024 * 1024,
            Duration.ofMinutes(10));

    private final String bootstrapServers;
    private final KafkaConnection kafka;
    private final String schemaRegistryUrl;
    private final String model;
    private final String modelsFile;
    private final String groupId;
    private final String inputTopic;
    private final String dlqTopic;
    private final int batchMaxSize;
    private final int dedupCapacity;
    private final long recognitionMaxBatchPixels;
    private final long benchmarkSkipBeforeMs;
    private final Duration batchMaxWait;
    private final double batchMaxPaddingRatio;
    private final ExecutionProvider executionProvider;
    private final int cudaDeviceId;
    private final int intraOpThreads;
    private final boolean ortSpinWait;
    private final int ortConcurrentRuns;
    private final StagePolicy errors;
    private final Duration maxPollInterval;
    private final ToolSandbox.Limits toolLimits;
    private final FetchSettings fetch;
    private final WhisperSettings whisper;

    /** Reads and validates every option; throws {@link ConfigException} naming the first bad one. */
    public EncoderWorkerConfig(ConfigSource source) {
        bootstrapServers = source.get(KafkaOptions.BOOTSTRAP_SERVERS);
        schemaRegistryUrl = source.get(KafkaOptions.SCHEMA_REGISTRY_URL);
        kafka = KafkaConnection.from(source);
        model = source.get(MODEL);
        modelsFile = source.get(MODELS_FILE);
        groupId = source.get(GROUP_ID);
        inputTopic = source.get(INPUT_TOPIC);
        dlqTopic = source.get(DLQ_TOPIC);
        batchMaxSize = source.get(BATCH_MAX_SIZE);
        dedupCapacity = source.get(DEDUP_CAPACITY);
        recognitionMaxBatchPixels = source.get(RECOGNITION_MAX_BATCH_PIXELS);
        benchmarkSkipBeforeMs = source.get(BENCHMARK_SKIP_BEFORE_MS);
        batchMaxWait = source.get(BATCH_MAX_WAIT);
        batchMaxPaddingRatio = source.get(BATCH_MAX_PADDING_RATIO);
        executionProvider = source.get(EXECUTION_PROVIDER);
        cudaDeviceId = source.get(CUDA_DEVICE_ID);
        intraOpThreads = source.get(INTRA_OP_THREADS);
        ortSpinWait = source.get(ORT_SPIN_WAIT);
        ortConcurrentRuns = source.get(ORT_CONCURRENT_RUNS);
        errors = STAGE.read(source);
        maxPollInterval = source.get(MAX_POLL_INTERVAL);
        String tempDir = source.get(TOOLS_TEMP_DIR).trim();
        toolLimits = new ToolSandbox.Limits(source.get(TOOLS_MAX_MEMORY), source.get(TOOLS_MAX_CPU),
                source.get(TOOLS_MAX_FILE_SIZE), source.get(TOOLS_MAX_OPEN_FILES), source.get(TOOLS_ISOLATE_NETWORK),
                source.get(TOOLS_STDERR_TAIL), tempDir.isEmpty() ? null : Path.of(tempDir));
        String truststore = source.get(FETCH_TRUSTSTORE);
        String truststorePassword = source.get(FETCH_TRUSTSTORE_PASSWORD);
        HostAllowList allowedHosts;
        try {
            allowedHosts = HostAllowList.parse(source.get(FETCH_ALLOWED_HOSTS));
        } catch (ConfigException e) {
            throw new ConfigException("invalid value for '" + FETCH_ALLOWED_HOSTS.key() + "': " + e.getMessage(), e);
        }
        whisper = WhisperSettings.from(source);
        fetch = new FetchSettings(allowedHosts, source.get(FETCH_ALLOW_HTTP),
                source.get(FETCH_ALLOW_PRIVATE_ADDRESSES), source.get(FETCH_MAX_BYTES), source.get(FETCH_CONNECT_TIMEOUT),
                source.get(FETCH_TIMEOUT), source.get(FETCH_MAX_REDIRECTS), truststore.isEmpty() ? null : truststore,
                truststorePassword.isEmpty() ? null : truststorePassword);
        if (inputTopic.equals(dlqTopic) || inputTopic.equals(outputTopic()) || dlqTopic.equals(outputTopic())) {
            throw new ConfigException("input topic '" + inputTopic + "', DLQ topic '" + dlqTopic + "' and output topic '"
                    + outputTopic() + "' must all differ");
        }
    }

    /** Every option, in documentation order (the README's configuration table is checked against this list). */
    public static List<ConfigOption<?>> options() {
        List<ConfigOption<?>> options = new ArrayList<>(KafkaOptions.options());
        options.addAll(List.of(MODEL, MODELS_FILE, GROUP_ID, INPUT_TOPIC, DLQ_TOPIC, BATCH_MAX_SIZE,
                DEDUP_CAPACITY, BENCHMARK_SKIP_BEFORE_MS, RECOGNITION_MAX_BATCH_PIXELS,
                MAX_POLL_INTERVAL, BATCH_MAX_WAIT, BATCH_MAX_PADDING_RATIO, EXECUTION_PROVIDER, CUDA_DEVICE_ID,
                INTRA_OP_THREADS, ORT_SPIN_WAIT, ORT_CONCURRENT_RUNS, TOOLS_MAX_MEMORY, TOOLS_MAX_CPU, TOOLS_MAX_FILE_SIZE, TOOLS_MAX_OPEN_FILES,
                TOOLS_ISOLATE_NETWORK, TOOLS_STDERR_TAIL, TOOLS_TEMP_DIR, FETCH_ALLOWED_HOSTS, FETCH_ALLOW_HTTP,
                FETCH_ALLOW_PRIVATE_ADDRESSES, FETCH_MAX_BYTES, FETCH_CONNECT_TIMEOUT, FETCH_TIMEOUT, FETCH_MAX_REDIRECTS,
                FETCH_TRUSTSTORE, FETCH_TRUSTSTORE_PASSWORD));
        options.addAll(WhisperSettings.options());
        options.addAll(STAGE.options());
        return List.copyOf(options);
    }

    /** Loads the configured model registry. */
    public ModelRegistry modelRegistry() {
        try {
            return ModelRegistry.load(modelsFile);
        } catch (ModelRegistryException e) {
            throw new ConfigException("'" + MODELS_FILE.key() + "': " + e.getMessage(), e);
        }
    }

    /** The configured model's registry entry; fails if {@code encoder.model} is not in the registry. */
    public ModelSpec modelSpec() {
        ModelRegistry registry = modelRegistry();
        return registry.find(model).orElseThrow(() -> new ConfigException("invalid value '" + model + "' for '"
                + MODEL.key() + "': not in the model registry " + modelsFile + "; known: "
                + registry.models().stream().map(ModelSpec::id).toList()));
    }

    /** Settings for {@code TextEncoder.load}. */
    public EncoderSettings encoderSettings() {
        return new EncoderSettings(executionProvider, cudaDeviceId, intraOpThreads, batchMaxPaddingRatio, ortSpinWait, ortConcurrentRuns);
    }

    /** {@code embeddings.<model>.v1}. */
    public String outputTopic() {
        return Topics.embeddings(model);
    }

    public String bootstrapServers() { return bootstrapServers; }
    /** Kafka client properties (servers, security) and registry settings; every Kafka client of the worker starts from it. */
    public KafkaConnection kafka() { return kafka; }
    public String schemaRegistryUrl() { return schemaRegistryUrl; }
    public String model() { return model; }
    public String modelsFile() { return modelsFile; }
    public String groupId() { return groupId; }
    /** {@code encoder.dedup.capacity}: ids whose last embedded content hash is remembered; 0 = no suppression. */
    public int dedupCapacity() { return dedupCapacity; }
    /** {@code encoder.benchmark.skip-before-ms}: benchmark events older than this are not embedded; 0 = none skipped. */
    public long benchmarkSkipBeforeMs() { return benchmarkSkipBeforeMs; }
    public String inputTopic() { return inputTopic; }
    public String dlqTopic() { return dlqTopic; }
    public int batchMaxSize() { return batchMaxSize; }
    /** {@code encoder.recognition.max-batch-pixels}: most image pixels per OCR call across a batch's events. */
    public long recognitionMaxBatchPixels() { return recognitionMaxBatchPixels; }
    public Duration batchMaxWait() { return batchMaxWait; }
    public double batchMaxPaddingRatio() { return batchMaxPaddingRatio; }
    public ExecutionProvider executionProvider() { return executionProvider; }
    public int cudaDeviceId() { return cudaDeviceId; }
    public int intraOpThreads() { return intraOpThreads; }
    /** Error handling and batch byte bound of the worker's stage ({@link #STAGE}). */
    public StagePolicy errors() { return errors; }
    public Duration maxPollInterval() { return maxPollInterval; }
    /** Limits every media tool runs under ({@code encoder.tools.*}). */
    public ToolSandbox.Limits toolLimits() { return toolLimits; }
    /** How uri media is fetched ({@code encoder.fetch.*}). */
    public FetchSettings fetch() { return fetch; }

    /** Where and how the Whisper speech recogniser runs, for models whose AUDIO cascade names it. */
    public WhisperSettings whisper() { return whisper; }
}
