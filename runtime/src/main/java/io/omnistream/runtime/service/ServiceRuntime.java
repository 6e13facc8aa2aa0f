package io.omnistream.runtime.service;

import io.omnistream.runtime.config.ConfigException;
import io.omnistream.runtime.config.ConfigOption;
import io.omnistream.runtime.config.ConfigSource;
import io.omnistream.runtime.kafka.KafkaOptions;
import io.omnistream.runtime.http.HttpTimeouts;
import io.omnistream.schemas.serde.SchemaRegistries;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code main} of every standalone service (one per container image): command line, layered configuration,
 * the {@code /metrics}, {@code /healthz}, {@code /readyz} endpoint, signals and exit status.
 *
 * <pre>
 * SERVICE [--config FILE] [-D key=value ...]     run (configuration: defaults &lt; FILE &lt; OMNISTREAM_* &lt; -D)
 * SERVICE --help                                 usage with every configuration key and its variable, exit 0
 * </pre>
 *
 * <p><b>Exit status.</b> 0: {@code --help}, or a graceful stop after SIGTERM/SIGINT. 1: invalid configuration (one
 * line on stderr naming the key; in a process of its own that includes a {@code mock://} {@code schema.registry.url},
 * see {@link Placement}), start-up failure, the service stopped on its own ({@link ManagedService#failure}),
 * or a graceful stop that outlived {@code service.shutdown.timeout}. 2: a malformed command line.
 *
 * <p><b>Signals.</b> SIGTERM and SIGINT are handled (not left to the JVM's default handler, which would exit with
 * 143/130 after the shutdown hooks): they request a graceful stop; {@code main} closes the service (finishing
 * in-flight work, committing offsets, closing Kafka clients) and returns 0. Where the JVM cannot install the handlers
 * (e.g. {@code -Xrs}) a shutdown hook does the same work and the JVM exits with 143.
 *
 * <p><b>Logging</b> goes to stdout through {@code omnistream-service-log4j2.xml} unless
 * {@code -Dlog4j2.configurationFile} names another file (dependency jars ship their own {@code log4j2.xml}, so the
 * file is selected by name). Level of our own loggers: {@code -Domnistream.log.level=DEBUG} (e.g. in
 * {@code JAVA_TOOL_OPTIONS}).
 */
public final class ServiceRuntime {
    public static final ConfigOption<String> METRICS_HOST = ConfigOption.string("service.metrics.host", "0.0.0.0",
            "Address the standalone service's /metrics, /healthz and /readyz endpoint binds to.");
    public static final ConfigOption<Integer> METRICS_PORT = ConfigOption.integer("service.metrics.port", 9400, 0, 65535,
            "Port of the standalone service's /metrics, /healthz and /readyz (9400 in the images); 0 picks a free port.");
    public static final ConfigOption<Duration> SHUTDOWN_TIMEOUT = ConfigOption.duration("service.shutdown.timeout",
            Duration.ofSeconds(55), Duration.ofSeconds(1),
            "Longest graceful stop after SIGTERM (finish and commit in-flight work, close clients); beyond it the process "
                    + "halts with exit status 1. Keep it below the pod's terminationGracePeriodSeconds.");

    static final String LOG_CONFIG = "omnistream-service-log4j2.xml";
    static final int EXIT_OK = 0;
    static final int EXIT_FAILURE = 1;
    static final int EXIT_USAGE = 2;

    private ServiceRuntime() {
    }

    /** The keys of this class, shared by every standalone service. */
    public static List<ConfigOption<?>> options() {
        List<ConfigOption<?>> all = new java.util.ArrayList<>(List.of(METRICS_HOST, METRICS_PORT, SHUTDOWN_TIMEOUT));
        all.addAll(HttpTimeouts.options());
        return List.copyOf(all);
    }

    /** Builds the (not yet started) service from validated configuration; throws {@link ConfigException}. */
    @FunctionalInterface
    public interface Factory {
        ManagedService create(ConfigSource config, PrometheusRegistry registry);
    }

    /**
     * @param command  name in the usage text, e.g. {@code omnistream-ingest} (the image name)
     * @param summary  one sentence: what the service does
     * @param options  the service's own configuration keys (its config class's {@code options()})
     * @param endpoints extra lines for the usage text's endpoint list (e.g. the ingest API)
     */
    public record Definition(String command, String summary, List<ConfigOption<?>> options, List<String> endpoints,
                             Factory factory) {
        public Definition {
            Objects.requireNonNull(command);
            Objects.requireNonNull(summary);
            options = List.copyOf(options);
            endpoints = List.copyOf(endpoints);
            Objects.requireNonNull(factory);
        }
    }

    /** Where the service runs, which decides whether a {@code mock://} schema registry can work. */
    public enum Placement {
        /**
         * A process of its own ({@link #main}: the images, Helm, the multi-process stack). A service that declares
         * {@link KafkaOptions#SCHEMA_REGISTRY_URL} refuses a {@code mock://} URL there: that registry lives inside one
         * JVM, so this process and its peers would assign different schema ids to the same schema and misread each
         * other's records.
         */
        OWN_PROCESS,
        /** Inside a JVM that already holds the stack (tests next to the embedded stack): {@code mock://} is shared. */
        CALLER_JVM
    }

    /** Runs the service as a process of its own and exits the JVM with its status; for {@code main}. */
    public static void main(Definition definition, String[] args) {
        int status = run(definition, args, System.getenv(), System.out, System.err, Placement.OWN_PROCESS);
        System.exit(status);
    }

    /** {@link #run(Definition, String[], Map, PrintStream, PrintStream, Placement)} in the caller's JVM. */
    public static int run(Definition definition, String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        return run(definition, args, env, out, err, Placement.CALLER_JVM);
    }

    /**
     * Runs until the service stops; returns the exit status (see the class comment).
     *
     * @param env the process environment (the {@code OMNISTREAM_*} layer)
     */
    public static int run(Definition definition, String[] args, Map<String, String> env, PrintStream out, PrintStream err,
                          Placement placement) {
        configureLogging();
        CommandLine cli;
        try {
            cli = CommandLine.parse(args);
        } catch (IllegalArgumentException e) {
            err.println(definition.command() + ": " + e.getMessage() + " (see --help)");
            return EXIT_USAGE;
        }
        if (cli.help()) {
            out.print(usage(definition));
            out.flush();
            return EXIT_OK;
        }

        ConfigSource source;
        String metricsHost;
        int metricsPort;
        Duration shutdownTimeout;
        PrometheusRegistry registry = new PrometheusRegistry();
        ManagedService service;
        try {
            rejectUnknownKeys(definition, cli.overrides().keySet());
            source = ConfigSource.load(cli.configFile(), env, cli.overrides());
            if (placement == Placement.OWN_PROCESS) {
                requireSharedRegistry(definition, source);
            }
            configureRegistry(definition, source);
            // before any HTTP server of the process (the metrics endpoint, the service's API) exists: see HttpTimeouts
            HttpTimeouts.install(source);
            metricsHost = source.get(METRICS_HOST);
            metricsPort = source.get(METRICS_PORT);
            shutdownTimeout = source.get(SHUTDOWN_TIMEOUT);
            service = definition.factory().create(source, registry);
        } catch (ConfigException e) {
            err.println(definition.command() + ": configuration error: " + oneLine(e.getMessage()));
            return EXIT_FAILURE;
        }
        return new Lifecycle(definition.command(), service, registry, metricsHost, metricsPort, shutdownTimeout).run();
    }

    /** Selects our log4j2 file unless one was chosen; must run before the first logger is created. */
    static void configureLogging() {
        if (System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", LOG_CONFIG);
        }
    }

    private static void rejectUnknownKeys(Definition definition, Set<String> keys) {
        Set<String> known = new LinkedHashSet<>();
        definition.options().forEach(o -> known.add(o.key()));
        options().forEach(o -> known.add(o.key()));
        for (String key : keys) {
            if (!known.contains(key)) {
                throw new ConfigException("unknown configuration key '" + key + "' (from -D); " + definition.command()
                        + " --help lists the keys");
            }
        }
    }

    /**
     * Registers the registry's authentication and TLS settings ({@link KafkaOptions#registryClientConfig}) for its URL
     * before the service builds any serde, so every registry client of the process uses them.
     */
    private static void configureRegistry(Definition definition, ConfigSource source) {
        if (!definition.options().contains(KafkaOptions.SCHEMA_REGISTRY_URL)) {
            return;
        }
        SchemaRegistries.configure(source.get(KafkaOptions.SCHEMA_REGISTRY_URL), KafkaOptions.registryClientConfig(source));
    }

    /** See {@link Placement#OWN_PROCESS}. */
    private static void requireSharedRegistry(Definition definition, ConfigSource source) {
        if (!definition.options().contains(KafkaOptions.SCHEMA_REGISTRY_URL)) {
            return;
        }
        String url = source.get(KafkaOptions.SCHEMA_REGISTRY_URL);
        if (url.startsWith("mock://")) {
            throw new ConfigException("'" + KafkaOptions.SCHEMA_REGISTRY_URL.key() + "' is " + url + ", a registry "
                    + "inside one JVM; a standalone service needs the shared registry's http(s):// URL (set "
                    + KafkaOptions.SCHEMA_REGISTRY_URL.envVar() + ")");
        }
    }

    private static String oneLine(String message) {
        return String.valueOf(message).replaceAll("\\s*[\\r\\n]+\\s*", " ");
    }

    /** The {@code --help} text: synopsis, endpoints, exit codes and every key with its variable, default and rule. */
    public static String usage(Definition definition) {
        StringBuilder b = new StringBuilder();
        b.append("Usage: ").append(definition.command()).append(" [--config FILE] [-D key=value]...\n");
        b.append("       ").append(definition.command()).append(" --help\n\n");
        b.append(definition.summary()).append("\n\n");
        b.append("Configuration, later wins: defaults < --config FILE (.properties) < environment OMNISTREAM_* < -D key=value.\n");
        b.append("Environment variable of a key: OMNISTREAM_ + the key upper-cased, '.' and '-' replaced by '_'.\n\n");
        b.append("Endpoints:\n");
        for (String line : definition.endpoints()) {
            b.append("  ").append(line).append('\n');
        }
        b.append("  GET /metrics, /healthz (liveness), /readyz (readiness)   on service.metrics.host:service.metrics.port\n\n");
        b.append("Exit status: 0 --help or stopped by SIGTERM/SIGINT; 1 invalid configuration, start-up failure, service\n");
        b.append("failed, or shutdown timeout; 2 malformed command line.\n\n");
        appendOptions(b, "Keys of " + definition.command(), definition.options());
        appendOptions(b, "Keys of every standalone service", options());
        return b.toString();
    }

    private static void appendOptions(StringBuilder b, String title, List<ConfigOption<?>> options) {
        b.append(title).append(":\n");
        for (ConfigOption<?> o : options) {
            b.append("  ").append(o.key()).append("  (").append(o.envVar()).append(")\n");
            b.append("      ").append(o.description()).append('\n');
            b.append("      default: ").append(o.defaultValue() == null ? "none, required" : defaultText(o.defaultValue()))
                    .append("; ").append(o.constraint()).append('\n');
        }
        b.append('\n');
    }

    private static String defaultText(Object value) {
        if (value instanceof Duration d) {
            return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
        }
        String s = value.toString();
        return s.isEmpty() ? "(empty)" : s;
    }

    /** Parsed command line: {@code --help}, {@code --config FILE}, {@code -D key=value} / {@code -Dkey=value}. */
    record CommandLine(boolean help, Path configFile, Map<String, String> overrides) {
        static CommandLine parse(String[] args) {
            boolean help = false;
            Path config = null;
            Map<String, String> overrides = new LinkedHashMap<>();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.equals("--help") || a.equals("-h")) {
                    help = true;
                } else if (a.equals("--config")) {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException("--config needs a FILE");
                    }
                    config = Path.of(args[++i]);
                } else if (a.startsWith("--config=")) {
                    config = Path.of(a.substring("--config=".length()));
                } else if (a.equals("-D")) {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException("-D needs key=value");
                    }
                    put(overrides, args[++i]);
                } else if (a.startsWith("-D")) {
                    put(overrides, a.substring(2));
                } else {
                    throw new IllegalArgumentException("unknown argument '" + a + "'");
                }
            }
            return new CommandLine(help, config, overrides);
        }

        private static void put(Map<String, String> overrides, String keyValue) {
            int eq = keyValue.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("-D expects key=value, got '" + keyValue + "'");
            }
            overrides.put(keyValue.substring(0, eq).trim(), keyValue.substring(eq + 1));
        }
    }

    /** Start, wait, stop: everything after the configuration was validated. */
    private static final class Lifecycle {
        private final String command;
        private final ManagedService service;
        private final PrometheusRegistry registry;
        private final String metricsHost;
        private final int metricsPort;
        private final Duration shutdownTimeout;
        private final ShutdownSignal shutdown = new ShutdownSignal();
        /** Counted down when main has finished the graceful stop; the shutdown hook waits for it. */
        private final CountDownLatch finished = new CountDownLatch(1);
        private final Logger log;

        Lifecycle(String command, ManagedService service, PrometheusRegistry registry, String metricsHost,
                  int metricsPort, Duration shutdownTimeout) {
            this.command = command;
            this.service = service;
            this.registry = registry;
            this.metricsHost = metricsHost;
            this.metricsPort = metricsPort;
            this.shutdownTimeout = shutdownTimeout;
            this.log = LoggerFactory.getLogger(ServiceRuntime.class);
        }

        int run() {
            installSignalHandlers();
            Thread hook = new Thread(this::onJvmShutdown, command + "-shutdown-hook");
            Runtime.getRuntime().addShutdownHook(hook);
            HealthEndpoints endpoints = null;
            int status;
            try {
                endpoints = HealthEndpoints.start(metricsHost, metricsPort, registry, service::liveness, service::readiness);
                log.info("{}: /metrics, /healthz, /readyz on http://{}:{}", command, metricsHost, endpoints.port());
                status = startAndWait();
            } catch (IOException e) {
                log.error("{}: cannot serve /metrics on {}:{}: {}", command, metricsHost, metricsPort, e.toString());
                status = EXIT_FAILURE;
            }
            status = stop(endpoints, status);
            finished.countDown();
            return status;
        }

        private int startAndWait() {
            try {
                service.start(shutdown);
            } catch (Exception e) {
                log.error("{}: start-up failed: {}", command, e.toString(), e);
                return EXIT_FAILURE;
            }
            if (!shutdown.requested()) {
                log.info("{} started in {} ms (since JVM start)", command, sinceJvmStartMs());
            }
            while (!shutdown.await(Duration.ofMillis(500))) {
                Optional<Throwable> failure = service.failure();
                if (failure.isPresent()) {
                    log.error("{}: stopped working, exiting so that it is restarted: {}", command,
                            failure.get().toString(), failure.get());
                    return EXIT_FAILURE;
                }
            }
            return EXIT_OK;
        }

        private int stop(HealthEndpoints endpoints, int status) {
            log.info("{}: stopping ({}), at most {} s", command,
                    shutdown.requested() ? shutdown.reason() : "after a failure", shutdownTimeout.toSeconds());
            Thread watchdog = new Thread(() -> {
                try {
                    Thread.sleep(shutdownTimeout.toMillis());
                } catch (InterruptedException e) {
                    return;
                }
                log.error("{}: graceful stop did not finish within {} s; halting", command, shutdownTimeout.toSeconds());
                Runtime.getRuntime().halt(EXIT_FAILURE);
            }, command + "-shutdown-watchdog");
            watchdog.setDaemon(true);
            watchdog.start();
            long t0 = System.nanoTime();
            try {
                service.close();
            } catch (RuntimeException e) {
                log.error("{}: error while stopping: {}", command, e.toString(), e);
                status = EXIT_FAILURE;
            }
            if (endpoints != null) {
                endpoints.close();
            }
            watchdog.interrupt();
            log.info("{} stopped in {} ms, exit status {}", command,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), status);
            return status;
        }

        /** SIGTERM (Kubernetes, docker stop) and SIGINT (Ctrl-C) request a graceful stop instead of JVM shutdown. */
        private void installSignalHandlers() {
            for (String name : List.of("TERM", "INT")) {
                try {
                    sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> shutdown.request("SIG" + name));
                } catch (IllegalArgumentException | UnsupportedOperationException e) {
                    // -Xrs or a platform without the signal: the shutdown hook below covers it (exit status 143/130)
                    log.debug("cannot handle SIG{}: {}", name, e.toString());
                }
            }
        }

        /** JVM shutdown not started by us (an unhandled signal, System.exit elsewhere): stop gracefully first. */
        private void onJvmShutdown() {
            if (finished.getCount() == 0) {
                return; // main already stopped the service and is exiting
            }
            shutdown.request("JVM shutdown");
            try {
                finished.await(shutdownTimeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private static long sinceJvmStartMs() {
            return System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
        }
    }
}
