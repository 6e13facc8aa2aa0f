package io.omnistream.runtime.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.omnistream.runtime.config.ConfigException;
import io.omnistream.runtime.config.ConfigOption;
import io.omnistream.runtime.kafka.KafkaOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Command line, usage and configuration errors of the services' main: everything that ends before the service
 * starts. The running lifecycle (signals, probes, exit status 0 after SIGTERM) is exercised on the packaged
 * entrypoints by the images module's integration tests, in their own JVMs.
 */
class ServiceRuntimeTest {
    private static final ConfigOption<String> REQUIRED = ConfigOption.string("demo.endpoint", null, "Where to connect (required).");
    private static final ConfigOption<Integer> SIZE = ConfigOption.integer("demo.batch.max-size", 8, 1, 64, "Records per batch.");

    private final AtomicInteger created = new AtomicInteger();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private ServiceRuntime.Definition definition() {
        return new ServiceRuntime.Definition("omnistream-demo", "A demo service.", List.of(REQUIRED, SIZE),
                List.of("POST /v1/demo on 8080"), (config, registry) -> {
                    config.get(REQUIRED);
                    config.get(SIZE);
                    created.incrementAndGet();
                    throw new AssertionError("these tests never get as far as starting a service");
                });
    }

    private int run(Map<String, String> env, String... args) {
        return ServiceRuntime.run(definition(), args, env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private List<String> stderrLines() {
        return err.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void helpListsEveryKeyWithItsVariableAndDefaultAndExitsZeroWithoutCreatingTheService() {
        assertThat(run(Map.of(), "--help")).isZero();
        assertThat(stdout()).startsWith("Usage: omnistream-demo [--config FILE] [-D key=value]...")
                .contains("demo.endpoint  (OMNISTREAM_DEMO_ENDPOINT)", "default: none, required",
                        "demo.batch.max-size  (OMNISTREAM_DEMO_BATCH_MAX_SIZE)", "default: 8; integer in [1, 64]",
                        "service.metrics.port  (OMNISTREAM_SERVICE_METRICS_PORT)", "default: 9400",
                        "service.shutdown.timeout  (OMNISTREAM_SERVICE_SHUTDOWN_TIMEOUT)", "default: 55s",
                        "POST /v1/demo on 8080", "/readyz");
        assertThat(created).hasValue(0);
        assertThat(err.size()).isZero();
    }

    @Test
    void missingRequiredKeyIsOneLineOnStderrNamingKeyAndVariable() {
        assertThat(run(Map.of())).isEqualTo(1);
        assertThat(stderrLines()).hasSize(1);
        assertThat(stderrLines().get(0)).startsWith("omnistream-demo: configuration error: ")
                .contains("'demo.endpoint'", "OMNISTREAM_DEMO_ENDPOINT");
    }

    @Test
    void invalidValueNamesKeyValueRuleAndLayer() {
        assertThat(run(Map.of("OMNISTREAM_DEMO_ENDPOINT", "x:1", "OMNISTREAM_DEMO_BATCH_MAX_SIZE", "500"))).isEqualTo(1);
        assertThat(stderrLines()).singleElement().asString()
                .contains("'500'", "'demo.batch.max-size'", "environment variable OMNISTREAM_DEMO_BATCH_MAX_SIZE",
                        "integer in [1, 64]");
    }

    @Test
    void commandLineOverridesTheEnvironment() {
        // -D wins over the (valid) environment value, so the error names the command-line layer
        assertThat(run(Map.of("OMNISTREAM_DEMO_ENDPOINT", "x:1", "OMNISTREAM_SERVICE_METRICS_PORT", "9400"),
                "-D", "service.metrics.port=70000")).isEqualTo(1);
        assertThat(stderrLines()).singleElement().asString().contains("'70000'", "'service.metrics.port'", "from override");
    }

    /** A service that declares the registry key; its factory stops with a marker error once reached. */
    private int runRegistryService(ServiceRuntime.Placement placement, String registryUrl) {
        ServiceRuntime.Definition withRegistry = new ServiceRuntime.Definition("omnistream-demo", "A demo service.",
                List.of(KafkaOptions.SCHEMA_REGISTRY_URL), List.of(), (config, registry) -> {
                    created.incrementAndGet();
                    throw new ConfigException("factory reached");
                });
        return ServiceRuntime.run(withRegistry, new String[] {"-D", "schema.registry.url=" + registryUrl}, Map.of(),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                placement);
    }

    @Test
    void aProcessOfItsOwnRefusesAMockRegistryInOneLineNamingTheKey() {
        assertThat(runRegistryService(ServiceRuntime.Placement.OWN_PROCESS, "mock://x")).isEqualTo(1);
        assertThat(stderrLines()).singleElement().asString()
                .startsWith("omnistream-demo: configuration error: ")
                .contains("'schema.registry.url'", "mock://x", "http(s)://", "OMNISTREAM_SCHEMA_REGISTRY_URL");
        assertThat(created).hasValue(0);
    }

    @Test
    void aProcessOfItsOwnAcceptsAnHttpRegistry() {
        assertThat(runRegistryService(ServiceRuntime.Placement.OWN_PROCESS, "http://127.0.0.1:8080/apis/ccompat/v7"))
                .isEqualTo(1);
        assertThat(stderrLines()).singleElement().asString().endsWith("factory reached");
        assertThat(created).hasValue(1);
    }

    @Test
    void inTheCallersJvmAMockRegistryIsShared() {
        runRegistryService(ServiceRuntime.Placement.CALLER_JVM, "mock://x");
        assertThat(created).hasValue(1);
    }

    @Test
    void unknownKeyOnTheCommandLineIsAConfigurationError() {
        assertThat(run(Map.of("OMNISTREAM_DEMO_ENDPOINT", "x:1"), "-Ddemo.batch.maxsize=4")).isEqualTo(1);
        assertThat(stderrLines()).singleElement().asString().contains("unknown configuration key 'demo.batch.maxsize'");
        assertThat(created).hasValue(0);
    }

    @Test
    void unreadableConfigFileIsAConfigurationError() {
        assertThat(run(Map.of(), "--config", "/nonexistent/omnistream.properties")).isEqualTo(1);
        assertThat(stderrLines()).singleElement().asString().contains("cannot read config file /nonexistent/omnistream.properties");
    }

    @Test
    void malformedCommandLineExitsTwo() {
        assertThat(run(Map.of(), "--bogus")).isEqualTo(2);
        assertThat(stderrLines()).singleElement().asString().contains("unknown argument '--bogus'", "--help");
        assertThat(run(Map.of(), "-D", "novalue")).isEqualTo(2);
        assertThat(run(Map.of(), "--config")).isEqualTo(2);
    }

    @Test
    void parsesBothDefineFormsAndBothConfigForms() {
        ServiceRuntime.CommandLine cli = ServiceRuntime.CommandLine.parse(new String[] {
                "-D", "a.b=1", "-Dc.d=x=y", "--config=/etc/o.properties"});
        assertThat(cli.help()).isFalse();
        assertThat(cli.overrides()).containsExactly(Map.entry("a.b", "1"), Map.entry("c.d", "x=y"));
        assertThat(cli.configFile()).isEqualTo(Path.of("/etc/o.properties"));
        assertThat(ServiceRuntime.CommandLine.parse(new String[] {"--config", "f.properties", "-h"}))
                .satisfies(c -> {
                    assertThat(c.help()).isTrue();
                    assertThat(c.configFile()).isEqualTo(Path.of("f.properties"));
                });
        assertThatThrownBy(() -> ServiceRuntime.CommandLine.parse(new String[] {"-D=1"}))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
