package io.omnistream.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The chart in helm/omnistream, checked with the real helm CLI: lint, render (`helm template`) and values-schema
 * validation, for the default values, the GPU profile and the optional parts (KEDA, Strimzi, ServiceMonitor, more
 * Flink jobs). Skipped, with the reason, when no helm binary is installed (helm/scripts/install-helm.sh installs one).
 */
class HelmChartTest {
    /** Release name used for every render: the full name of the objects is then "rel-omnistream". */
    private static final String RELEASE = "rel";
    private static final String FULL = "rel-omnistream";
    /** Rendered against a fixed Kubernetes version so that results do not depend on how the binary was built. */
    private static final String KUBE_VERSION = "1.31.0";

    @TempDir
    static Path helmHome;

    private static HelmCli helm;
    private static Path chart;
    private static Path gpuValues;
    private static String appVersion;

    private static final String NO_HELM = "helm CLI not found (OMNISTREAM_HELM, ~/.omnistream/tools/bin/helm, PATH): "
            + "chart test skipped; install it with helm/scripts/install-helm.sh";

    @BeforeAll
    static void locateHelmAndChart() throws IOException {
        Optional<Path> binary = HelmCli.locate();
        if (binary.isEmpty()) {
            System.out.println("HelmChartTest: " + NO_HELM);
            return;
        }
        helm = HelmCli.at(binary.get(), helmHome);
        HelmCli.Result version = helm.run("version", "--template", "{{.Version}}");
        assertThat(version.ok()).as(version.describe()).isTrue();
        System.out.println("helm " + version.stdout().trim() + " at " + binary.get());

        Path moduleDir = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
        chart = moduleDir.resolve("omnistream");
        gpuValues = chart.resolve("values-gpu.yaml");
        assertThat(chart.resolve("Chart.yaml")).isRegularFile();
        assertThat(gpuValues).isRegularFile();
        appVersion = Manifests.YAML.readTree(chart.resolve("Chart.yaml").toFile()).path("appVersion").asText();
        assertThat(appVersion).isNotBlank();
    }

    /** Each test is reported as skipped, with the reason, where there is no helm (rather than silently not run). */
    @BeforeEach
    void requireHelm() {
        assumeTrue(helm != null, NO_HELM);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // lint

    @Test
    void lintPassesStrictWithDefaultValues() {
        HelmCli.Result lint = helm.run("lint", "--strict", "--kube-version", KUBE_VERSION, chart.toString());
        assertThat(lint.ok()).as(lint.describe()).isTrue();
        assertThat(lint.stdout()).contains("1 chart(s) linted, 0 chart(s) failed");
    }

    @Test
    void lintPassesStrictWithGpuProfile() {
        HelmCli.Result lint = helm.run("lint", "--strict", "--kube-version", KUBE_VERSION, chart.toString(),
                "-f", gpuValues.toString());
        assertThat(lint.ok()).as(lint.describe()).isTrue();
        assertThat(lint.stdout()).contains("1 chart(s) linted, 0 chart(s) failed");
    }

    @Test
    void lintFailsOnAValueTheSchemaRejects() {
        // control for the two tests above: lint does evaluate the values
        HelmCli.Result lint = helm.run("lint", "--strict", "--kube-version", KUBE_VERSION, chart.toString(),
                "--set", "encoder.executionProvider=TPU");
        assertThat(lint.ok()).as(lint.describe()).isFalse();
        assertThat(lint.stdout() + lint.stderr()).contains("executionProvider");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // what is deployed

    @Test
    void defaultValuesRenderEveryServiceAndTheQualityJob() {
        Manifests m = render();
        assertThat(m.ofKind("Deployment").map(d -> d.path("metadata").path("name").asText()))
                .containsExactlyInAnyOrder(FULL + "-ingest", FULL + "-encoder", FULL + "-sink", FULL + "-quality");
        assertThat(m.find("Service", FULL + "-ingest")).isPresent();
        // external endpoints by default: no Kafka, no KEDA, no Prometheus-operator objects
        assertThat(m.ofKind("Kafka")).isEmpty();
        assertThat(m.ofKind("ScaledObject")).isEmpty();
        assertThat(m.ofKind("ServiceMonitor")).isEmpty();

        JsonNode flink = m.get("FlinkDeployment", FULL + "-retrieval-quality");
        assertThat(flink.path("apiVersion").asText()).isEqualTo("flink.apache.org/v1beta1");
        assertThat(flink.at("/spec/flinkVersion").asText()).isEqualTo("v2_2");
        assertThat(flink.at("/spec/image").asText())
                .isEqualTo("ghcr.io/omnistream/omnistream-flink-jobs:" + appVersion);
        assertThat(flink.at("/spec/job/jarURI").asText()).isEqualTo("local:///opt/flink/usrlib/omnistream-flink-jobs.jar");
        assertThat(flink.at("/spec/job/entryClass").asText())
                .isEqualTo("io.omnistream.flink.quality.job.RetrievalQualityJob");
        assertThat(flink.at("/spec/job/upgradeMode").asText()).isEqualTo("savepoint");
        // the job reads its parallelism from its own config: the chart keeps it equal to the operator's
        assertThat(flink.at("/spec/job/parallelism").asInt()).isEqualTo(1);
        assertThat(texts(flink.at("/spec/job/args"))).containsExactly("quality.parallelism=1");
        assertThat(flink.at("/spec/flinkConfiguration/metrics.reporter.prom.port").asText()).isEqualTo("9400");
        for (String part : List.of("jobManager", "taskManager")) {
            JsonNode container = flink.at("/spec/" + part + "/podTemplate/spec/containers/0");
            assertThat(container.path("name").asText()).as(part).isEqualTo("flink-main-container");
            assertThat(container.at("/envFrom/0/configMapRef/name").asText()).as(part)
                    .isEqualTo(FULL + "-retrieval-quality");
        }
        JsonNode jobConfig = m.configMapData(FULL + "-retrieval-quality");
        assertThat(jobConfig.path("OMNISTREAM_KAFKA_BOOTSTRAP_SERVERS").asText()).isEqualTo("kafka:9092");
        assertThat(jobConfig.path("OMNISTREAM_MILVUS_URI").asText()).isEqualTo("http://milvus:19530");
        assertThat(jobConfig.path("OMNISTREAM_SCHEMA_REGISTRY_URL").asText()).isEqualTo("http://schema-registry:8081");
    }

    @Test
    void servicesGetTheirConfigurationAsOmnistreamVariables() {
        Manifests m = render("--set", "kafka.bootstrapServers=b1:9092\\,b2:9092",
                "--set", "schemaRegistry.url=https://sr.example:8081",
                "--set", "encoder.model=all-minilm-l6-v2",
                "--set", "ingest.config.ingest\\.max-payload-bytes=1048576",
                // the chart owns the listen address (the Service and probes depend on it): this must not win
                "--set", "ingest.config.ingest\\.http\\.host=127.0.0.1");
        JsonNode ingest = m.configMapData(FULL + "-ingest");
        assertThat(ingest.path("OMNISTREAM_KAFKA_BOOTSTRAP_SERVERS").asText()).isEqualTo("b1:9092,b2:9092");
        assertThat(ingest.path("OMNISTREAM_SCHEMA_REGISTRY_URL").asText()).isEqualTo("https://sr.example:8081");
        assertThat(ingest.path("OMNISTREAM_INGEST_MAX_PAYLOAD_BYTES").asText()).isEqualTo("1048576");
        assertThat(ingest.path("OMNISTREAM_INGEST_HTTP_HOST").asText()).isEqualTo("0.0.0.0");
        assertThat(ingest.path("OMNISTREAM_INGEST_HTTP_PORT").asText()).isEqualTo("8080");
        assertThat(ingest.path("OMNISTREAM_INGEST_TOPIC").asText()).isEqualTo("media.events.v1");

        JsonNode encoder = m.configMapData(FULL + "-encoder");
        assertThat(encoder.path("OMNISTREAM_ENCODER_MODEL").asText()).isEqualTo("all-minilm-l6-v2");
        assertThat(encoder.path("OMNISTREAM_ENCODER_EXECUTION_PROVIDER").asText()).isEqualTo("AUTO");
        assertThat(encoder.path("OMNISTREAM_ENCODER_GROUP_ID").asText()).isEqualTo("omnistream-encoder");
        // the sink follows the encoder's model: embeddings.<model>.v1
        JsonNode sink = m.configMapData(FULL + "-sink");
        assertThat(sink.path("OMNISTREAM_SINK_TOPIC").asText()).isEqualTo("embeddings.all-minilm-l6-v2.v1");
        assertThat(sink.path("OMNISTREAM_MILVUS_URI").asText()).isEqualTo("http://milvus:19530");

        for (String name : List.of("ingest", "encoder", "sink")) {
            JsonNode container = m.deploymentContainer(FULL + "-" + name);
            assertThat(container.at("/envFrom/0/configMapRef/name").asText()).isEqualTo(FULL + "-" + name);
        }
    }

    /**
     * Every OMNISTREAM_* variable the chart sets must be one the services read: docs/configuration.md (generated
     * from the config classes and checked against them by ConfigurationReferenceTest) lists them all. A typo
     * in a key would otherwise be ignored silently by the service.
     */
    @Test
    void everyOmnistreamVariableTheChartSetsIsADocumentedConfigurationKey() throws IOException {
        Set<String> documented = documentedVariables();
        assertThat(documented).contains("OMNISTREAM_KAFKA_BOOTSTRAP_SERVERS", "OMNISTREAM_ENCODER_MODEL",
                "OMNISTREAM_SINK_TOPIC", "OMNISTREAM_QUALITY_PARALLELISM");
        Manifests m = render("--set", "milvus.token=user:secret", "--set", "strimzi.enabled=true",
                "--set", "encoder.autoscaling.enabled=true", "--set", "metrics.serviceMonitor.enabled=true",
                "--set", "encoder.whisper.enabled=true");
        Set<String> rendered = new HashSet<>();
        m.ofKind("ConfigMap").forEach(cm -> cm.path("data").fieldNames().forEachRemaining(rendered::add));
        for (Manifests.PodSpec pod : m.podSpecs()) {
            for (JsonNode c : pod.containers()) {
                c.path("env").forEach(e -> rendered.add(e.path("name").asText()));
            }
        }
        Set<String> ours = rendered.stream().filter(n -> n.startsWith("OMNISTREAM_")).collect(Collectors.toSet());
        assertThat(ours).contains("OMNISTREAM_MILVUS_TOKEN", "OMNISTREAM_INGEST_HTTP_HOST", "OMNISTREAM_QUALITY_DLQ_TOPIC",
                "OMNISTREAM_BIAS_RESTART_MAX_FAILURES_PER_INTERVAL", "OMNISTREAM_QUALITY_SERVICE_WEB_PORT",
                "OMNISTREAM_ENCODER_ASR_WHISPER_URL");
        assertThat(documented).containsAll(ours);
    }

    @Test
    void milvusTokenComesFromASecret() {
        Manifests m = render("--set", "milvus.token=user:secret");
        JsonNode secret = m.get("Secret", FULL + "-milvus");
        assertThat(new String(java.util.Base64.getDecoder().decode(secret.at("/data/token").asText())))
                .isEqualTo("user:secret");
        JsonNode env = m.deploymentContainer(FULL + "-sink").path("env");
        JsonNode token = findByName(env, "OMNISTREAM_MILVUS_TOKEN");
        assertThat(token.at("/valueFrom/secretKeyRef/name").asText()).isEqualTo(FULL + "-milvus");
        assertThat(token.at("/valueFrom/secretKeyRef/key").asText()).isEqualTo("token");
        // never in a ConfigMap
        m.ofKind("ConfigMap").forEach(cm -> assertThat(cm.path("data").has("OMNISTREAM_MILVUS_TOKEN")).isFalse());

        Manifests existing = render("--set", "milvus.existingSecret=vault-milvus", "--set", "milvus.existingSecretKey=pw");
        assertThat(existing.ofKind("Secret")).noneMatch(sec -> sec.at("/metadata/name").asText().endsWith("-milvus"));
        JsonNode ref = findByName(existing.deploymentContainer(FULL + "-sink").path("env"), "OMNISTREAM_MILVUS_TOKEN");
        assertThat(ref.at("/valueFrom/secretKeyRef/name").asText()).isEqualTo("vault-milvus");
        assertThat(ref.at("/valueFrom/secretKeyRef/key").asText()).isEqualTo("pw");

        assertThat(findByNameOptional(render().deploymentContainer(FULL + "-sink").path("env"), "OMNISTREAM_MILVUS_TOKEN"))
                .isEmpty();
    }

    @Test
    void theHttpServicesReadTheirApiKeyStoreFromAReadOnlySecret() {
        Manifests m = render();
        JsonNode empty = m.get("Secret", FULL + "-api-keys");
        assertThat(new String(java.util.Base64.getDecoder().decode(empty.at("/data/api-keys.json").asText())))
                .as("without a store of the operator's, every request is refused").isEqualTo("{\"version\":1,\"keys\":[]}");
        for (String service : new String[] {FULL + "-ingest", FULL + "-quality"}) {
            JsonNode mount = findByName(m.deploymentContainer(service).path("volumeMounts"), "api-keys");
            assertThat(mount.path("mountPath").asText()).isEqualTo("/etc/omnistream/auth");
            assertThat(mount.path("readOnly").asBoolean()).isTrue();
            JsonNode volume = findByName(m.get("Deployment", service).at("/spec/template/spec/volumes"), "api-keys");
            assertThat(volume.at("/secret/secretName").asText()).isEqualTo(FULL + "-api-keys");
        }
        assertThat(m.get("ConfigMap", FULL + "-ingest").at("/data/OMNISTREAM_AUTH_KEY_STORE_FILE").asText())
                .isEqualTo("/etc/omnistream/auth/api-keys.json");
        assertThat(m.get("ConfigMap", FULL + "-ingest").at("/data/OMNISTREAM_AUTH_MODE").asText()).isEqualTo("api-key");

        Manifests existing = render("--set", "auth.apiKeys.existingSecret=team-keys");
        assertThat(existing.ofKind("Secret")).noneMatch(sec -> sec.at("/metadata/name").asText().endsWith("-api-keys"));
        assertThat(findByName(existing.get("Deployment", FULL + "-ingest").at("/spec/template/spec/volumes"), "api-keys")
                .at("/secret/secretName").asText()).isEqualTo("team-keys");

        Manifests jwt = render("--set", "auth.mode=jwt", "--set", "auth.jwt.jwksUrl=https://idp.example/jwks",
                "--set", "auth.jwt.issuer=https://idp.example", "--set", "auth.jwt.audience=omnistream");
        assertThat(jwt.ofKind("Secret")).noneMatch(sec -> sec.at("/metadata/name").asText().endsWith("-api-keys"));
        assertThat(findByNameOptional(jwt.deploymentContainer(FULL + "-ingest").path("volumeMounts"), "api-keys")).isEmpty();
        assertThat(jwt.get("ConfigMap", FULL + "-quality").at("/data/OMNISTREAM_AUTH_JWT_JWKS_URL").asText())
                .isEqualTo("https://idp.example/jwks");
    }

    @Test
    void imagesFollowTheContractAndDefaultToTheAppVersion() {
        Manifests m = render();
        assertThat(m.deploymentContainer(FULL + "-ingest").path("image").asText())
                .isEqualTo("ghcr.io/omnistream/omnistream-ingest:" + appVersion);
        assertThat(m.deploymentContainer(FULL + "-encoder").path("image").asText())
                .isEqualTo("ghcr.io/omnistream/omnistream-encoder-worker:" + appVersion);
        assertThat(m.deploymentContainer(FULL + "-sink").path("image").asText())
                .isEqualTo("ghcr.io/omnistream/omnistream-milvus-sink:" + appVersion);

        Manifests custom = render("--set", "image.registry=registry.example:5000/team", "--set", "image.tag=1.2.3",
                "--set", "sink.image.tag=1.2.4");
        assertThat(custom.deploymentContainer(FULL + "-ingest").path("image").asText())
                .isEqualTo("registry.example:5000/team/omnistream-ingest:1.2.3");
        assertThat(custom.deploymentContainer(FULL + "-sink").path("image").asText())
                .isEqualTo("registry.example:5000/team/omnistream-milvus-sink:1.2.4");
    }

    @Test
    void ingestServesItsApiOn8080WithHealthAndReadinessProbes() {
        Manifests m = render();
        JsonNode c = m.deploymentContainer(FULL + "-ingest");
        assertThat(portNumber(c, "http")).isEqualTo(8080);
        assertThat(portNumber(c, "metrics")).isEqualTo(9400);
        assertThat(c.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/healthz");
        assertThat(c.at("/livenessProbe/httpGet/port").asText()).isEqualTo("http");
        assertThat(c.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/readyz");
        JsonNode svc = m.get("Service", FULL + "-ingest");
        assertThat(svc.at("/spec/ports/0/port").asInt()).isEqualTo(8080);
        assertThat(svc.at("/spec/ports/0/targetPort").asText()).isEqualTo("http");
        for (String worker : List.of("encoder", "sink")) {
            JsonNode w = m.deploymentContainer(FULL + "-" + worker);
            assertThat(portNumber(w, "metrics")).as(worker).isEqualTo(9400);
            assertThat(w.at("/livenessProbe/httpGet/path").asText()).as(worker).isEqualTo("/healthz");
            assertThat(w.at("/readinessProbe/httpGet/path").asText()).as(worker).isEqualTo("/readyz");
            assertThat(w.at("/readinessProbe/httpGet/port").asText()).as(worker).isEqualTo("metrics");
        }
    }

    @Test
    void podsCarryPrometheusScrapeAnnotations() {
        Manifests m = render();
        List<Manifests.PodSpec> specs = m.podSpecs();
        List<JsonNode> podMeta = new ArrayList<>();
        m.ofKind("Deployment").forEach(d -> podMeta.add(d.at("/spec/template/metadata")));
        m.ofKind("FlinkDeployment").forEach(f -> {
            podMeta.add(f.at("/spec/jobManager/podTemplate/metadata"));
            podMeta.add(f.at("/spec/taskManager/podTemplate/metadata"));
        });
        assertThat(podMeta).hasSize(specs.size());
        for (JsonNode meta : podMeta) {
            assertThat(meta.at("/annotations/prometheus.io~1scrape").asText()).isEqualTo("true");
            assertThat(meta.at("/annotations/prometheus.io~1port").asText()).isEqualTo("9400");
            assertThat(meta.at("/annotations/prometheus.io~1path").asText()).isEqualTo("/metrics");
        }
    }

    @Test
    void aConfigurationChangeRollsOnlyTheAffectedPods() {
        Manifests before = render();
        Manifests after = render("--set", "encoder.config.encoder\\.batch\\.max-size=64");
        assertThat(checksum(after, "encoder")).isNotEqualTo(checksum(before, "encoder"));
        assertThat(checksum(after, "ingest")).isEqualTo(checksum(before, "ingest"));
        assertThat(checksum(after, "sink")).isEqualTo(checksum(before, "sink"));
        assertThat(after.configMapData(FULL + "-encoder").path("OMNISTREAM_ENCODER_BATCH_MAX_SIZE").asText()).isEqualTo("64");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // pod hardening, probes and resources: every container of every profile

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"default", "gpu", "everything"})
    void everyContainerHasProbesResourceLimitsAndNoPrivileges(String profile) {
        Manifests m = switch (profile) {
            case "default" -> render();
            case "gpu" -> render("-f", gpuValues.toString());
            default -> render("-f", gpuValues.toString(), "--set", "strimzi.enabled=true",
                    "--set", "encoder.autoscaling.enabled=true", "--set", "metrics.serviceMonitor.enabled=true",
                    "--set", "milvus.token=t", "--set", "encoder.whisper.enabled=true");
        };
        List<Manifests.PodSpec> pods = m.podSpecs();
        // 4 Deployments + JobManager and TaskManager of the three jobs: the loops below are not vacuous
        assertThat(pods).hasSize(10);
        int containers = 0;
        for (Manifests.PodSpec pod : pods) {
            JsonNode podSecurity = pod.spec().path("securityContext");
            assertThat(podSecurity.path("runAsNonRoot").asBoolean(false)).as(pod.where() + " runAsNonRoot").isTrue();
            assertThat(podSecurity.path("runAsUser").asInt(0)).as(pod.where() + " runAsUser").isPositive();
            assertThat(pod.spec().path("hostNetwork").asBoolean(false)).as(pod.where()).isFalse();
            assertThat(pod.containers()).as(pod.where()).isNotEmpty();
            for (JsonNode c : pod.containers()) {
                containers++;
                String where = pod.where() + " container " + c.path("name").asText();
                JsonNode sc = c.path("securityContext");
                assertThat(sc.path("privileged").asBoolean(false)).as(where + " privileged").isFalse();
                assertThat(sc.has("allowPrivilegeEscalation")).as(where + " allowPrivilegeEscalation set").isTrue();
                assertThat(sc.path("allowPrivilegeEscalation").asBoolean()).as(where + " allowPrivilegeEscalation").isFalse();
                assertThat(texts(sc.at("/capabilities/drop"))).as(where + " capabilities").contains("ALL");
                assertThat(c.has("livenessProbe")).as(where + " livenessProbe").isTrue();
                assertThat(c.has("readinessProbe")).as(where + " readinessProbe").isTrue();
            }
        }
        // one container per pod, plus the encoder's Whisper sidecar in the "everything" profile
        assertThat(containers).isEqualTo(profile.equals("everything") ? 11 : 10);

        // resources: on the Deployment containers directly ...
        m.ofKind("Deployment").forEach(d -> d.at("/spec/template/spec/containers").forEach(c -> {
            String where = d.at("/metadata/name").asText() + " container " + c.path("name").asText();
            for (String kind : List.of("requests", "limits")) {
                for (String res : List.of("cpu", "memory")) {
                    assertThat(c.at("/resources/" + kind + "/" + res).asText()).as(where + " " + kind + "." + res).isNotBlank();
                }
            }
        }));
        // ... and for Flink through spec.<part>.resource, which the operator turns into requests and limits
        m.ofKind("FlinkDeployment").forEach(f -> {
            for (String part : List.of("jobManager", "taskManager")) {
                assertThat(f.at("/spec/" + part + "/resource/cpu").asDouble()).as(part + " cpu").isPositive();
                assertThat(f.at("/spec/" + part + "/resource/memory").asText()).as(part + " memory").isNotBlank();
            }
        });
        // the services' root filesystems are read-only, with a writable /tmp (the Whisper sidecar's too)
        for (String name : List.of("ingest", "encoder", "sink")) {
            JsonNode c = m.deploymentContainer(FULL + "-" + name, name);
            assertThat(c.at("/securityContext/readOnlyRootFilesystem").asBoolean()).as(name).isTrue();
            assertThat(c.at("/volumeMounts/0/mountPath").asText()).as(name).isEqualTo("/tmp");
        }
        m.findDeploymentContainer(FULL + "-encoder", "whisper").ifPresent(c -> {
            assertThat(c.at("/securityContext/readOnlyRootFilesystem").asBoolean()).as("whisper").isTrue();
            assertThat(c.at("/volumeMounts/0/mountPath").asText()).as("whisper").isEqualTo("/tmp");
        });
        assertThat(m.findDeploymentContainer(FULL + "-encoder", "whisper").isPresent())
                .as("whisper sidecar in profile " + profile).isEqualTo(profile.equals("everything"));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // GPU profile

    @Test
    void gpuProfileRequestsAGpuForTheEncoderOnGpuNodes() {
        Manifests m = render("-f", gpuValues.toString());
        JsonNode encoder = m.deploymentContainer(FULL + "-encoder");
        assertThat(encoder.at("/resources/requests/nvidia.com~1gpu").asText()).isEqualTo("1");
        assertThat(encoder.at("/resources/limits/nvidia.com~1gpu").asText()).isEqualTo("1");
        assertThat(encoder.path("image").asText())
                .isEqualTo("ghcr.io/omnistream/omnistream-encoder-worker:" + appVersion + "-gpu");
        JsonNode pod = m.get("Deployment", FULL + "-encoder").at("/spec/template/spec");
        assertThat(pod.at("/nodeSelector/nvidia.com~1gpu.present").asText()).isEqualTo("true");
        // the label the ServiceMonitor turns into gpu="true", which monitoring/'s CPU-fallback alerts select on
        assertThat(m.get("Deployment", FULL + "-encoder").at("/spec/template/metadata/labels/omnistream.io~1gpu")
                .asText()).isEqualTo("true");
        assertThat(pod.path("tolerations").findValuesAsText("key")).contains("nvidia.com/gpu");
        assertThat(m.configMapData(FULL + "-encoder").path("OMNISTREAM_ENCODER_EXECUTION_PROVIDER").asText())
                .isEqualTo("CUDA");
        // only the encoder asks for GPUs
        for (String other : List.of("ingest", "sink")) {
            assertThat(m.deploymentContainer(FULL + "-" + other).toString()).doesNotContain("nvidia.com/gpu");
        }
    }

    @Test
    void defaultValuesRequestNoGpuAnywhere() {
        HelmCli.Result r = template();
        assertThat(r.stdout()).doesNotContain("nvidia.com/gpu");
        Manifests m = Manifests.parse(r.stdout());
        JsonNode pod = m.get("Deployment", FULL + "-encoder").at("/spec/template/spec");
        assertThat(pod.has("nodeSelector")).isFalse();
        assertThat(pod.has("tolerations")).isFalse();
        assertThat(m.get("Deployment", FULL + "-encoder").at("/spec/template/metadata/labels").has("omnistream.io/gpu"))
                .isFalse();
    }

    @Test
    void gpuCountIsConfigurable() {
        Manifests m = render("-f", gpuValues.toString(), "--set", "encoder.gpu.count=2");
        assertThat(m.deploymentContainer(FULL + "-encoder").at("/resources/limits/nvidia.com~1gpu").asText()).isEqualTo("2");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Whisper sidecar

    private static final String WHISPER_URL_VAR = "OMNISTREAM_ENCODER_ASR_WHISPER_URL";
    private static final String WHISPER_PROBE = "/opt/omnistream/whisper/whisper_probe.py";

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"default", "gpu"})
    void whisperSidecarIsOffByDefault(String profile) {
        Manifests m = profile.equals("gpu") ? render("-f", gpuValues.toString()) : render();
        // deploymentContainer(name) also asserts that the encoder pod has exactly one container
        assertThat(m.deploymentContainer(FULL + "-encoder").path("name").asText()).isEqualTo("encoder");
        assertThat(m.findDeploymentContainer(FULL + "-encoder", "whisper")).isEmpty();
        assertThat(m.configMapData(FULL + "-encoder").has(WHISPER_URL_VAR)).isFalse();
        for (Manifests.PodSpec pod : m.podSpecs()) {
            for (JsonNode c : pod.containers()) {
                assertThat(findByNameOptional(c.path("env"), WHISPER_URL_VAR)).as(pod.where()).isEmpty();
            }
        }
        m.ofKind("ConfigMap").forEach(cm -> assertThat(cm.path("data").has(WHISPER_URL_VAR))
                .as(cm.at("/metadata/name").asText()).isFalse());
    }

    @Test
    void whisperSidecarListensOnLoopbackAndSharesTheWorkersTmp() {
        Manifests m = render("--set", "encoder.whisper.enabled=true",
                "--set", "encoder.model=bge-small-en-v1.5-cascade-ppocr-whisper");
        JsonNode pod = m.get("Deployment", FULL + "-encoder").at("/spec/template/spec");
        assertThat(pod.path("containers")).hasSize(2);
        JsonNode encoder = m.deploymentContainer(FULL + "-encoder", "encoder");
        JsonNode whisper = m.deploymentContainer(FULL + "-encoder", "whisper");

        // the image, by the same convention as the other images (<registry>/<repository>:<appVersion>)
        assertThat(whisper.path("image").asText()).isEqualTo("ghcr.io/omnistream/omnistream-whisper:" + appVersion);
        assertThat(whisper.path("imagePullPolicy").asText()).isEqualTo("IfNotPresent");
        // appended to the image's entrypoint; loopback only, never 0.0.0.0, and no port exposed on the pod IP
        assertThat(whisper.has("command")).as("the image's entrypoint runs the server").isFalse();
        assertThat(texts(whisper.path("args"))).containsExactly("--host", "127.0.0.1", "--port", "9500",
                "--device", "auto", "--cpu-threads", "0", "--no-parent-watch");
        assertThat(whisper.toString()).doesNotContain("0.0.0.0");
        assertThat(whisper.has("ports")).isFalse();

        // exec probes (a kubelet httpGet cannot reach a loopback-bound server)
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            JsonNode p = whisper.path(probe);
            assertThat(texts(p.at("/exec/command"))).as(probe)
                    .containsExactly("python3", WHISPER_PROBE, "--port", "9500");
            assertThat(p.has("httpGet")).as(probe).isFalse();
            assertThat(p.path("timeoutSeconds").asInt()).as(probe).isEqualTo(5);
        }
        assertThat(whisper.at("/startupProbe/periodSeconds").asInt() * whisper.at("/startupProbe/failureThreshold").asInt())
                .as("startup allowance").isEqualTo(120);
        assertThat(whisper.at("/livenessProbe/periodSeconds").asInt()).isEqualTo(10);
        assertThat(whisper.at("/readinessProbe/failureThreshold").asInt()).isEqualTo(3);

        // hardening as the worker's, HOME on the writable /tmp, requests and limits
        assertThat(whisper.path("securityContext")).isEqualTo(encoder.path("securityContext"));
        assertThat(whisper.at("/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(findByName(whisper.path("env"), "HOME").path("value").asText()).isEqualTo("/tmp");
        assertThat(whisper.at("/resources/requests/cpu").asText()).isEqualTo("1");
        assertThat(whisper.at("/resources/requests/memory").asText()).isEqualTo("512Mi");
        assertThat(whisper.at("/resources/limits/memory").asText()).isEqualTo("1Gi");

        // the worker hands the server WAV paths under /tmp: the same emptyDir at the same path in both containers
        JsonNode tmp = findByName(pod.path("volumes"), "tmp");
        assertThat(tmp.has("emptyDir")).isTrue();
        for (JsonNode c : List.of(encoder, whisper)) {
            assertThat(findByName(c.path("volumeMounts"), "tmp").path("mountPath").asText())
                    .as(c.path("name").asText()).isEqualTo("/tmp");
        }

        // the worker finds the sidecar through encoder.asr.whisper.url, in the ConfigMap the encoder container reads
        assertThat(m.configMapData(FULL + "-encoder").path(WHISPER_URL_VAR).asText()).isEqualTo("http://127.0.0.1:9500");
        assertThat(encoder.at("/envFrom/0/configMapRef/name").asText()).isEqualTo(FULL + "-encoder");
        assertThat(m.configMapData(FULL + "-encoder").path("OMNISTREAM_ENCODER_MODEL").asText())
                .isEqualTo("bge-small-en-v1.5-cascade-ppocr-whisper");
        // ... so turning the sidecar on rolls the encoder pods (config checksum), and only them
        Manifests off = render("--set", "encoder.model=bge-small-en-v1.5-cascade-ppocr-whisper");
        assertThat(checksum(m, "encoder")).isNotEqualTo(checksum(off, "encoder"));
        assertThat(checksum(m, "sink")).isEqualTo(checksum(off, "sink"));

        HelmCli.Result lint = helm.run("lint", "--strict", "--kube-version", KUBE_VERSION, chart.toString(),
                "--set", "encoder.whisper.enabled=true");
        assertThat(lint.ok()).as(lint.describe()).isTrue();
    }

    @Test
    void whisperSidecarSettingsReachItsArgsProbesImageAndTheWorkersUrl() {
        Manifests m = render("--set", "encoder.whisper.enabled=true", "--set", "encoder.whisper.port=9611",
                "--set", "encoder.whisper.device=cpu", "--set", "encoder.whisper.cpuThreads=2",
                "--set", "encoder.whisper.probes.startupSeconds=300",
                "--set", "image.registry=registry.example:5000/team", "--set", "image.tag=1.2.3",
                "--set", "encoder.whisper.image.pullPolicy=Always",
                // the chart owns the URL while it runs the sidecar: this must not win
                "--set", "encoder.config.encoder\\.asr\\.whisper\\.url=http://elsewhere:1");
        JsonNode whisper = m.deploymentContainer(FULL + "-encoder", "whisper");
        assertThat(whisper.path("image").asText()).isEqualTo("registry.example:5000/team/omnistream-whisper:1.2.3");
        assertThat(whisper.path("imagePullPolicy").asText()).isEqualTo("Always");
        assertThat(texts(whisper.path("args"))).containsExactly("--host", "127.0.0.1", "--port", "9611",
                "--device", "cpu", "--cpu-threads", "2", "--no-parent-watch");
        assertThat(texts(whisper.at("/livenessProbe/exec/command"))).containsExactly("python3", WHISPER_PROBE, "--port", "9611");
        assertThat(whisper.at("/startupProbe/failureThreshold").asInt()).isEqualTo(60);
        assertThat(m.configMapData(FULL + "-encoder").path(WHISPER_URL_VAR).asText()).isEqualTo("http://127.0.0.1:9611");

        Manifests ownTag = render("--set", "encoder.whisper.enabled=true", "--set", "encoder.whisper.image.tag=0.9.1");
        assertThat(ownTag.deploymentContainer(FULL + "-encoder", "whisper").path("image").asText())
                .isEqualTo("ghcr.io/omnistream/omnistream-whisper:0.9.1");
        assertThat(ownTag.deploymentContainer(FULL + "-encoder", "encoder").path("image").asText())
                .isEqualTo("ghcr.io/omnistream/omnistream-encoder-worker:" + appVersion);
    }

    @Test
    void withTheGpuProfileOnlyTheEncoderContainerGetsTheGpu() {
        Manifests m = render("-f", gpuValues.toString(), "--set", "encoder.whisper.enabled=true",
                "--set", "encoder.whisper.device=cuda");
        assertThat(m.deploymentContainer(FULL + "-encoder", "encoder").at("/resources/limits/nvidia.com~1gpu").asText())
                .isEqualTo("1");
        JsonNode whisper = m.deploymentContainer(FULL + "-encoder", "whisper");
        assertThat(whisper.toString()).doesNotContain("nvidia.com/gpu");
        assertThat(texts(whisper.path("args"))).containsSubsequence("--device", "cuda");
        // the sidecar uses the release's image tag, without the worker's -gpu suffix
        assertThat(whisper.path("image").asText()).isEqualTo("ghcr.io/omnistream/omnistream-whisper:" + appVersion);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // lag-based autoscaling (KEDA)

    @Test
    void autoscalingRendersAKafkaLagScaledObjectOnTheWorkersConsumerGroup() {
        Manifests m = render("--set", "encoder.autoscaling.enabled=true", "--set", "encoder.groupId=workers-bge",
                "--set", "encoder.autoscaling.maxReplicas=6", "--set", "encoder.autoscaling.lagThreshold=500");
        JsonNode so = m.get("ScaledObject", FULL + "-encoder");
        assertThat(so.path("apiVersion").asText()).isEqualTo("keda.sh/v1alpha1");
        assertThat(so.at("/spec/scaleTargetRef/name").asText()).isEqualTo(FULL + "-encoder");
        assertThat(so.at("/spec/maxReplicaCount").asInt()).isEqualTo(6);
        JsonNode trigger = so.at("/spec/triggers/0");
        assertThat(trigger.path("type").asText()).isEqualTo("kafka");
        assertThat(trigger.at("/metadata/consumerGroup").asText()).isEqualTo("workers-bge");
        assertThat(trigger.at("/metadata/topic").asText()).isEqualTo("media.events.v1");
        assertThat(trigger.at("/metadata/bootstrapServers").asText()).isEqualTo("kafka:9092");
        assertThat(trigger.at("/metadata/lagThreshold").asText()).isEqualTo("500");
        // the group whose lag is measured is the one the workers consume with
        assertThat(m.configMapData(FULL + "-encoder").path("OMNISTREAM_ENCODER_GROUP_ID").asText()).isEqualTo("workers-bge");
        // KEDA owns the replica count
        assertThat(m.get("Deployment", FULL + "-encoder").path("spec").has("replicas")).isFalse();
        assertThat(render().get("Deployment", FULL + "-encoder").at("/spec/replicas").asInt()).isEqualTo(1);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Strimzi

    @Test
    void strimziRendersAKraftClusterWithNodePoolsAndTheServicesUseIt() {
        Manifests m = render("--set", "strimzi.enabled=true");
        String cluster = FULL + "-kafka";
        JsonNode kafka = m.get("Kafka", cluster);
        assertThat(kafka.path("apiVersion").asText()).isEqualTo("kafka.strimzi.io/v1");
        assertThat(kafka.at("/spec/kafka/listeners/0/port").asInt()).isEqualTo(9092);
        assertThat(kafka.at("/spec").has("zookeeper")).isFalse();
        List<JsonNode> pools = m.ofKind("KafkaNodePool").toList();
        assertThat(pools).hasSize(2);
        Set<String> roles = new HashSet<>();
        for (JsonNode pool : pools) {
            assertThat(pool.at("/metadata/labels/strimzi.io~1cluster").asText()).isEqualTo(cluster);
            roles.addAll(texts(pool.at("/spec/roles")));
        }
        assertThat(roles).containsExactlyInAnyOrder("controller", "broker");
        for (String cm : List.of("ingest", "encoder", "sink", "retrieval-quality")) {
            assertThat(m.configMapData(FULL + "-" + cm).path("OMNISTREAM_KAFKA_BOOTSTRAP_SERVERS").asText()).as(cm)
                    .isEqualTo(cluster + "-kafka-bootstrap:9092");
        }
        JsonNode embeddings = m.ofKind("KafkaTopic")
                .filter(t -> t.at("/spec/topicName").asText().equals("embeddings.bge-small-en-v1.5.v1")).findFirst()
                .orElseThrow(() -> new AssertionError("no KafkaTopic for the embedding topic"));
        assertThat(embeddings.at("/spec/config/cleanup.policy").asText()).isEqualTo("compact");
        assertThat(m.ofKind("KafkaTopic").map(t -> t.at("/spec/topicName").asText()))
                .contains("media.events.v1", "media.dlq.v1", "bench.judgments.v1", "quality.metrics.v1", "quality.alerts.v1");
        // the metrics topic is a keyed upsert log (key = series and epoch): compaction keeps the last value of each
        // so is every state topic: media events (the source of truth an upgrade's shadow re-reads), deployments, gate
        for (String compacted : List.of("quality.metrics.v1", "media.events.v1", "omnistream.deployments.v1", "upgrade.gate.v1")) {
            assertThat(m.ofKind("KafkaTopic").filter(t -> t.at("/spec/topicName").asText().equals(compacted))
                    .findFirst().orElseThrow().at("/spec/config/cleanup.policy").asText()).as(compacted).isEqualTo("compact");
        }
        assertThat(m.ofKind("KafkaTopic").filter(t -> t.at("/spec/topicName").asText().equals("media.dlq.v1"))
                .findFirst().orElseThrow().at("/spec/config/cleanup.policy").isMissingNode()).isTrue();

        Manifests beta = render("--set", "strimzi.enabled=true", "--set", "strimzi.apiVersion=kafka.strimzi.io/v1beta2");
        JsonNode betaKafka = beta.get("Kafka", cluster);
        assertThat(betaKafka.at("/metadata/annotations/strimzi.io~1kraft").asText()).isEqualTo("enabled");
        assertThat(betaKafka.at("/metadata/annotations/strimzi.io~1node-pools").asText()).isEqualTo("enabled");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Prometheus operator

    @Test
    void serviceMonitorSelectsTheMetricsServicesAndAPodMonitorTheFlinkPods() {
        Manifests m = render("--set", "metrics.serviceMonitor.enabled=true",
                "--set", "metrics.serviceMonitor.labels.release=kube-prometheus");
        JsonNode sm = m.get("ServiceMonitor", FULL);
        assertThat(sm.at("/metadata/labels/release").asText()).isEqualTo("kube-prometheus");
        assertThat(sm.at("/spec/endpoints/0/port").asText()).isEqualTo("metrics");
        assertThat(sm.at("/spec/endpoints/0/relabelings/0/sourceLabels/0").asText())
                .isEqualTo("__meta_kubernetes_pod_label_omnistream_io_gpu");
        assertThat(sm.at("/spec/endpoints/0/relabelings/0/targetLabel").asText()).isEqualTo("gpu");
        JsonNode selector = sm.at("/spec/selector/matchLabels");
        List<JsonNode> selected = m.ofKind("Service").filter(s -> matches(selector, s.at("/metadata/labels"))).toList();
        assertThat(selected.stream().map(s -> s.at("/metadata/name").asText()))
                .containsExactlyInAnyOrder(FULL + "-ingest", FULL + "-encoder-metrics", FULL + "-sink-metrics",
                        FULL + "-quality");
        for (JsonNode svc : selected) {
            JsonNode metricsPort = findByName(svc.at("/spec/ports"), "metrics");
            assertThat(metricsPort.path("port").asInt()).isEqualTo(9400);
        }

        JsonNode pm = m.get("PodMonitor", FULL + "-flink");
        JsonNode podSelector = pm.at("/spec/selector/matchLabels");
        m.ofKind("FlinkDeployment").forEach(f -> {
            assertThat(matches(podSelector, f.at("/spec/jobManager/podTemplate/metadata/labels"))).isTrue();
            assertThat(matches(podSelector, f.at("/spec/taskManager/podTemplate/metadata/labels"))).isTrue();
            assertThat(portNumber(f.at("/spec/taskManager/podTemplate/spec/containers/0"), "metrics")).isEqualTo(9400);
        });
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Flink jobs: both jobs, durable state, restarts

    @Test
    void everyFlinkJobRendersWithDurableStateSavepointUpgradesAndFailureRateRestarts() {
        Manifests m = render();
        assertThat(m.ofKind("FlinkDeployment").map(f -> f.at("/metadata/name").asText()))
                .containsExactlyInAnyOrder(FULL + "-retrieval-quality", FULL + "-modality-bias", FULL + "-upgrade-gate");
        Map<String, String> entryClasses = Map.of(
                "retrieval-quality", "io.omnistream.flink.quality.job.RetrievalQualityJob",
                "modality-bias", "io.omnistream.flink.bias.job.ModalityBiasJob",
                "upgrade-gate", "io.omnistream.flink.upgrade.job.UpgradeGateJob");
        Map<String, String> prefixes = Map.of("retrieval-quality", "QUALITY", "modality-bias", "BIAS",
                "upgrade-gate", "UPGRADE_GATE");
        for (var job : entryClasses.entrySet()) {
            JsonNode f = m.get("FlinkDeployment", FULL + "-" + job.getKey());
            assertThat(f.at("/spec/image").asText()).isEqualTo("ghcr.io/omnistream/omnistream-flink-jobs:" + appVersion);
            assertThat(f.at("/spec/job/jarURI").asText()).isEqualTo("local:///opt/flink/usrlib/omnistream-flink-jobs.jar");
            assertThat(f.at("/spec/job/entryClass").asText()).isEqualTo(job.getValue());
            assertThat(f.at("/spec/job/upgradeMode").asText()).isEqualTo("savepoint");
            JsonNode conf = f.at("/spec/flinkConfiguration");
            assertThat(conf.path("execution.checkpointing.dir").asText()).isEqualTo("file:///flink-data/checkpoints");
            assertThat(conf.path("execution.checkpointing.savepoint-dir").asText()).isEqualTo("file:///flink-data/savepoints");
            assertThat(conf.path("restart-strategy.type").asText()).isEqualTo("failure-rate");
            assertThat(conf.path("restart-strategy.failure-rate.max-failures-per-interval").asText()).isEqualTo("10");
            assertThat(conf.path("restart-strategy.failure-rate.failure-rate-interval").asText()).isEqualTo("10m");
            assertThat(conf.path("restart-strategy.failure-rate.delay").asText()).isEqualTo("5s");
            // the job's main applies its own restart keys: the chart sets them from the same values
            JsonNode jobConfig = m.configMapData(FULL + "-" + job.getKey());
            String prefix = "OMNISTREAM_" + prefixes.get(job.getKey()) + "_RESTART_";
            assertThat(jobConfig.path(prefix + "MAX_FAILURES_PER_INTERVAL").asText()).isEqualTo("10");
            assertThat(jobConfig.path(prefix + "FAILURE_RATE_INTERVAL").asText()).isEqualTo("10m");
            assertThat(jobConfig.path(prefix + "DELAY").asText()).isEqualTo("5s");
            for (String part : List.of("jobManager", "taskManager")) {
                JsonNode spec = f.at("/spec/" + part + "/podTemplate/spec");
                assertThat(spec.at("/volumes/0/persistentVolumeClaim/claimName").asText()).as(part)
                        .isEqualTo(FULL + "-flink-data");
                assertThat(spec.at("/containers/0/volumeMounts/0/mountPath").asText()).as(part).isEqualTo("/flink-data");
            }
        }
        JsonNode pvc = m.get("PersistentVolumeClaim", FULL + "-flink-data");
        assertThat(texts(pvc.at("/spec/accessModes"))).containsExactly("ReadWriteMany");
        assertThat(pvc.at("/spec/resources/requests/storage").asText()).isEqualTo("20Gi");
    }

    @Test
    void objectStoreStateNeedsNoVolumeAndAFileDirectoryNeedsOne() {
        Manifests s3 = render("--set", "flink.checkpointDir=s3://bucket/omnistream/checkpoints",
                "--set", "flink.savepointDir=s3://bucket/omnistream/savepoints",
                "--set", "flink.storage.persistentVolumeClaim.enabled=false",
                "--set", "flink.restartStrategy.maxFailuresPerInterval=3");
        assertThat(s3.ofKind("PersistentVolumeClaim")).isEmpty();
        JsonNode f = s3.get("FlinkDeployment", FULL + "-modality-bias");
        assertThat(f.at("/spec/flinkConfiguration/execution.checkpointing.dir").asText())
                .isEqualTo("s3://bucket/omnistream/checkpoints");
        assertThat(f.at("/spec/flinkConfiguration/restart-strategy.failure-rate.max-failures-per-interval").asText())
                .isEqualTo("3");
        assertThat(f.at("/spec/jobManager/podTemplate/spec/volumes").isMissingNode()).isTrue();
        assertThat(s3.configMapData(FULL + "-modality-bias").path("OMNISTREAM_BIAS_RESTART_MAX_FAILURES_PER_INTERVAL")
                .asText()).isEqualTo("3");

        Manifests existing = render("--set", "flink.storage.persistentVolumeClaim.existingClaim=shared-flink");
        assertThat(existing.ofKind("PersistentVolumeClaim")).isEmpty();
        assertThat(existing.get("FlinkDeployment", FULL + "-retrieval-quality")
                .at("/spec/taskManager/podTemplate/spec/volumes/0/persistentVolumeClaim/claimName").asText())
                .isEqualTo("shared-flink");

        HelmCli.Result noVolume = template("--set", "flink.storage.persistentVolumeClaim.enabled=false");
        assertThat(noVolume.ok()).as(noVolume.describe()).isFalse();
        assertThat(noVolume.stderr()).contains("file:///flink-data/checkpoints is a file:// directory");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // quality service

    @Test
    void qualityServiceRendersWithItsPortsProbesAndConfig() {
        Manifests m = render("--set", "metrics.serviceMonitor.enabled=true");
        JsonNode deployment = m.get("Deployment", FULL + "-quality");
        JsonNode container = m.deploymentContainer(FULL + "-quality");
        assertThat(container.path("image").asText())
                .isEqualTo("ghcr.io/omnistream/omnistream-quality-service:" + appVersion);
        assertThat(portNumber(container, "metrics")).isEqualTo(9400);
        assertThat(portNumber(container, "http")).isEqualTo(9401);
        assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/readyz");
        assertThat(container.at("/readinessProbe/httpGet/port").asText()).isEqualTo("metrics");
        assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/healthz");
        assertThat(container.at("/envFrom/0/configMapRef/name").asText()).isEqualTo(FULL + "-quality");
        assertThat(deployment.at("/spec/replicas").asInt()).isEqualTo(1);
        JsonNode config = m.configMapData(FULL + "-quality");
        assertThat(config.path("OMNISTREAM_KAFKA_BOOTSTRAP_SERVERS").asText()).isEqualTo("kafka:9092");
        assertThat(config.path("OMNISTREAM_SCHEMA_REGISTRY_URL").asText()).isEqualTo("http://schema-registry:8081");
        assertThat(config.path("OMNISTREAM_QUALITY_SERVICE_WEB_PORT").asText()).isEqualTo("9401");
        assertThat(config.path("OMNISTREAM_QUALITY_SERVICE_WEB_HOST").asText()).isEqualTo("0.0.0.0");

        JsonNode service = m.get("Service", FULL + "-quality");
        assertThat(findByName(service.at("/spec/ports"), "http").path("port").asInt()).isEqualTo(9401);
        assertThat(findByName(service.at("/spec/ports"), "metrics").path("port").asInt()).isEqualTo(9400);
        assertThat(matches(service.at("/spec/selector"), deployment.at("/spec/template/metadata/labels"))).isTrue();
        JsonNode sm = m.get("ServiceMonitor", FULL);
        assertThat(matches(sm.at("/spec/selector/matchLabels"), service.at("/metadata/labels"))).isTrue();

        assertThat(render("--set", "qualityService.enabled=false").find("Deployment", FULL + "-quality")).isEmpty();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Flink jobs as a list

    @Test
    void eachEnabledFlinkJobBecomesItsOwnFlinkDeployment() throws IOException {
        Path values = helmHome.resolve("two-jobs.yaml");
        Files.writeString(values, """
                flink:
                  jobs:
                    - name: retrieval-quality
                      enabled: true
                      entryClass: io.omnistream.flink.quality.job.RetrievalQualityJob
                      parallelism: 2
                      parallelismKey: quality.parallelism
                      upgradeMode: stateless
                      args: ["quality.window.size=600s"]
                    - name: modality-bias
                      enabled: true
                      entryClass: io.omnistream.flink.bias.job.ModalityBiasJob
                      parallelism: 1
                      upgradeMode: stateless
                      config:
                        bias.window: 1h
                    - name: disabled-job
                      enabled: false
                      entryClass: io.example.Disabled
                      parallelism: 1
                      upgradeMode: stateless
                """);
        Manifests m = render("-f", values.toString());
        assertThat(m.ofKind("FlinkDeployment").map(f -> f.at("/metadata/name").asText()))
                .containsExactlyInAnyOrder(FULL + "-retrieval-quality", FULL + "-modality-bias");
        JsonNode quality = m.get("FlinkDeployment", FULL + "-retrieval-quality");
        assertThat(texts(quality.at("/spec/job/args"))).containsExactly("quality.window.size=600s", "quality.parallelism=2");
        assertThat(quality.at("/spec/job/parallelism").asInt()).isEqualTo(2);
        JsonNode bias = m.get("FlinkDeployment", FULL + "-modality-bias");
        assertThat(bias.at("/spec/job/entryClass").asText()).isEqualTo("io.omnistream.flink.bias.job.ModalityBiasJob");
        assertThat(texts(bias.at("/spec/job/args"))).isEmpty();
        assertThat(m.configMapData(FULL + "-modality-bias").path("OMNISTREAM_BIAS_WINDOW").asText()).isEqualTo("1h");
        assertThat(m.find("ConfigMap", FULL + "-disabled-job")).isEmpty();
    }

    @Test
    void statefulUpgradeModesNeedDurableStorage() throws IOException {
        HelmCli.Result lastState = template("-f", qualityJobWithUpgradeMode("last-state").toString(),
                "--set", "flink.checkpointDir=");
        assertThat(lastState.ok()).as(lastState.describe()).isFalse();
        assertThat(lastState.stderr()).contains("last-state needs flink.checkpointDir and flink.highAvailability.enabled");

        Manifests ok = render("-f", qualityJobWithUpgradeMode("last-state").toString(),
                "--set", "flink.checkpointDir=s3://bucket/omnistream/checkpoints",
                "--set", "flink.highAvailability.enabled=true");
        JsonNode conf = ok.get("FlinkDeployment", FULL + "-retrieval-quality").at("/spec/flinkConfiguration");
        assertThat(conf.path("execution.checkpointing.dir").asText()).isEqualTo("s3://bucket/omnistream/checkpoints");
        assertThat(conf.path("high-availability.type").asText()).isEqualTo("kubernetes");
        assertThat(conf.path("high-availability.storageDir").asText()).isEqualTo("s3://bucket/omnistream/checkpoints/ha");
        assertThat(ok.get("FlinkDeployment", FULL + "-retrieval-quality").at("/spec/job/upgradeMode").asText())
                .isEqualTo("last-state");

        HelmCli.Result savepoint = template("-f", qualityJobWithUpgradeMode("savepoint").toString(),
                "--set", "flink.savepointDir=");
        assertThat(savepoint.ok()).as(savepoint.describe()).isFalse();
        assertThat(savepoint.stderr()).contains("savepoint needs flink.savepointDir");
        Manifests withDir = render("-f", qualityJobWithUpgradeMode("savepoint").toString(),
                "--set", "flink.savepointDir=s3://bucket/omnistream/savepoints");
        assertThat(withDir.get("FlinkDeployment", FULL + "-retrieval-quality")
                .at("/spec/flinkConfiguration/execution.checkpointing.savepoint-dir").asText())
                .isEqualTo("s3://bucket/omnistream/savepoints");
    }

    @Test
    void schemaRejectsAnUnknownUpgradeMode() throws IOException {
        HelmCli.Result bad = template("-f", qualityJobWithUpgradeMode("sometimes").toString());
        assertThat(bad.ok()).as(bad.describe()).isFalse();
        assertThat(bad.stderr()).contains("values don't meet the specifications of the schema")
                .contains("/flink/jobs/0/upgradeMode").contains("value must be one of");
    }

    /** A values file with the quality job as in values.yaml but the given upgrade mode (--set would replace the list). */
    private static Path qualityJobWithUpgradeMode(String mode) throws IOException {
        Path values = helmHome.resolve("quality-" + mode + ".yaml");
        Files.writeString(values, """
                flink:
                  jobs:
                    - name: retrieval-quality
                      enabled: true
                      entryClass: io.omnistream.flink.quality.job.RetrievalQualityJob
                      parallelism: 1
                      parallelismKey: quality.parallelism
                      upgradeMode: %s
                """.formatted(mode));
        return values;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // values.schema.json

    @Test
    void schemaRejectsReplicasGivenAsAWord() {
        HelmCli.Result bad = template("--set", "encoder.replicas=two");
        assertThat(bad.ok()).as(bad.describe()).isFalse();
        assertThat(bad.stderr()).contains("values don't meet the specifications of the schema");
        assertThat(bad.stderr()).contains("/encoder/replicas");
        assertThat(bad.stdout()).isEmpty();
        // control: the same key with a number renders
        assertThat(render("--set", "encoder.replicas=2").get("Deployment", FULL + "-encoder").at("/spec/replicas").asInt())
                .isEqualTo(2);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // schema registry

    @Test
    void withoutApicurioTheServicesUseTheExternalRegistry() {
        Manifests m = render();
        assertThat(m.find("Deployment", FULL + "-apicurio")).isEmpty();
        assertThat(registryUrls(m)).hasSizeGreaterThanOrEqualTo(4).containsOnly("http://schema-registry:8081");
    }

    @Test
    void apicurioDeploysOneInMemoryRegistryThatEveryServiceUses() throws IOException {
        Manifests m = render("--set", "schemaRegistry.apicurio.enabled=true", "--set", "schemaRegistry.url=http://ignored:1");
        JsonNode deployment = m.get("Deployment", FULL + "-apicurio");
        assertThat(deployment.at("/spec/replicas").asInt()).as("in-memory: one replica, one set of ids").isEqualTo(1);
        JsonNode container = m.deploymentContainer(FULL + "-apicurio");
        // the same version the launcher's multi-process stack and the ITs run (parent POM)
        String version = Files.readString(Path.of(System.getProperty("basedir", ".")).toAbsolutePath().getParent()
                .resolve("pom.xml")).replaceAll("(?s).*<apicurio.registry.version>([^<]+)</apicurio.registry.version>.*", "$1");
        assertThat(container.path("image").asText()).isEqualTo("apicurio/apicurio-registry-mem:" + version);
        assertThat(portNumber(container, "http")).isEqualTo(8080);
        assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/health/ready");

        JsonNode service = m.get("Service", FULL + "-apicurio");
        assertThat(service.at("/spec/ports/0/port").asInt()).isEqualTo(8080);
        assertThat(matches(service.at("/spec/selector"), deployment.at("/spec/template/metadata/labels"))).isTrue();
        assertThat(registryUrls(m)).hasSizeGreaterThanOrEqualTo(4)
                .containsOnly("http://" + FULL + "-apicurio:8080/apis/ccompat/v7");
    }

    @Test
    void aMockRegistryInAComponentsConfigIsRefused() {
        HelmCli.Result bad = template("--set", "ingest.config.schema\\.registry\\.url=mock://x");
        assertThat(bad.ok()).as(bad.describe()).isFalse();
        assertThat(bad.stderr()).contains("schema.registry.url is mock://x", "schemaRegistry.apicurio.enabled");
    }

    /** OMNISTREAM_SCHEMA_REGISTRY_URL of every ConfigMap that sets it. */
    private static List<String> registryUrls(Manifests m) {
        return m.ofKind("ConfigMap").map(c -> c.path("data").path("OMNISTREAM_SCHEMA_REGISTRY_URL"))
                .filter(JsonNode::isTextual).map(JsonNode::asText).toList();
    }

    /** Each of these alone must fail schema validation: "--set value | path in the error | reason in the error". */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "encoder.executionProvider=TPU | /encoder/executionProvider | value must be one of 'AUTO', 'CUDA', 'CPU'",
            "schemaRegistry.url=mock://omnistream | /schemaRegistry/url | does not match pattern",
            "schemaRegistry.url= | /schemaRegistry/url | does not match pattern",
            "schemaRegistry.apicurio.enabled=yes | /schemaRegistry/apicurio/enabled | got string, want boolean",
            "schemaRegistry.apicurio.image= | /schemaRegistry/apicurio/image | does not match pattern",
            "kafka.bootstrapServers= | /kafka/bootstrapServers | does not match pattern",
            "kafka.bootstrapServers=kafka | /kafka/bootstrapServers | does not match pattern",
            "milvus.uri=milvus:19530 | /milvus/uri | does not match pattern",
            "containerSecurityContext.privileged=true | /containerSecurityContext/privileged | value must be false",
            "containerSecurityContext.allowPrivilegeEscalation=true | /containerSecurityContext/allowPrivilegeEscalation | value must be false",
            "flink.containerSecurityContext.privileged=true | /flink/containerSecurityContext/privileged | value must be false",
            "podSecurityContext.runAsNonRoot=false | /podSecurityContext/runAsNonRoot | value must be true",
            "podSecurityContext.runAsUser=0 | /podSecurityContext/runAsUser | minimum",
            "ingest.resources.limits=null | /ingest/resources | missing property 'limits'",
            "encoder.resources.requests.memory=null | /encoder/resources/requests | missing property 'memory'",
            "sink.replicas=-1 | /sink/replicas | minimum",
            "flink.flinkVersion=v1_20 | /flink/flinkVersion | value must be one of",
            "encoders.replicas=2 | at '' | additional properties 'encoders' not allowed",
            "metrics.port=9090 | /metrics/port | value must be 9400",
            "encoder.gpu.count=0 | /encoder/gpu/count | minimum",
            "encoder.whisper.device=gpu | /encoder/whisper/device | value must be one of 'auto', 'cpu', 'cuda'",
            "encoder.whisper.enabled=yes | /encoder/whisper/enabled | got string, want boolean",
            "encoder.whisper.port=9400 | /encoder/whisper/port | not",
            "encoder.whisper.port=80 | /encoder/whisper/port | minimum",
            "encoder.whisper.port=70000 | /encoder/whisper/port | maximum",
            "encoder.whisper.cpuThreads=-1 | /encoder/whisper/cpuThreads | minimum",
            "encoder.whisper.image.pullPolicy=Sometimes | /encoder/whisper/image/pullPolicy | value must be one of",
            "encoder.whisper.resources.limits=null | /encoder/whisper/resources | missing property 'limits'",
            "encoder.whisper.host=0.0.0.0 | /encoder/whisper | additional properties 'host' not allowed",
            // (helm 3.22's validator reports a wrong location for propertyNames errors: match the name instead)
            "ingest.config.Ingest_Topic=x | invalid propertyName 'Ingest_Topic' | does not match pattern",
            "flink.restartStrategy.maxFailuresPerInterval=ten | /flink/restartStrategy/maxFailuresPerInterval | got string, want integer",
            "flink.restartStrategy.failureRateInterval=10 minutes | /flink/restartStrategy/failureRateInterval | does not match pattern",
            "flink.restartStrategy.retries=3 | /flink/restartStrategy | additional properties 'retries' not allowed",
            "flink.checkpointDir=/flink-data/checkpoints | /flink/checkpointDir | does not match pattern",
            "flink.storage.persistentVolumeClaim.enabled=yes | /flink/storage/persistentVolumeClaim/enabled | got string, want boolean",
            "flink.storage.persistentVolumeClaim.accessModes={ReadWriteSometimes} | /flink/storage/persistentVolumeClaim/accessModes/0 | value must be one of",
            "flink.storage.size=1Gi | /flink/storage | additional properties 'size' not allowed",
            "qualityService.service.port=9400 | /qualityService/service/port | not",
            "qualityService.replicas=one | /qualityService/replicas | got string, want integer",
            "qualityService.webPort=9401 | /qualityService | additional properties 'webPort' not allowed",
    })
    void schemaRejectsBadValues(String spec) {
        String[] parts = spec.split(" \\| ", 3);
        HelmCli.Result bad = template("--set", parts[0]);
        assertThat(bad.ok()).as(bad.describe()).isFalse();
        assertThat(bad.stderr()).contains("values don't meet the specifications of the schema")
                .contains(parts[1]).contains(parts[2]);
    }

    @Test
    void anUpgradesShadowIsAReleaseOfItsOwnWithTheNewModelsGroups() {
        Manifests m = render("-f", chart.resolve("values-upgrade-shadow.yaml").toString());
        // only the shadow's worker and sink: nothing that would compete with the live release's ingest or jobs
        assertThat(m.ofKind("Deployment").map(d -> d.at("/metadata/name").asText()))
                .containsExactlyInAnyOrder(FULL + "-encoder", FULL + "-sink");
        assertThat(m.ofKind("FlinkDeployment").toList()).isEmpty();
        JsonNode encoder = m.configMapData(FULL + "-encoder");
        assertThat(encoder.path("OMNISTREAM_ENCODER_MODEL").asText()).isEqualTo("all-minilm-l6-v2");
        assertThat(encoder.path("OMNISTREAM_ENCODER_GROUP_ID").asText()).isEqualTo("omnistream-encoder.all-minilm-l6-v2");
        assertThat(encoder.path("OMNISTREAM_ENCODER_BENCHMARK_SKIP_BEFORE_MS").asText()).isEqualTo("0");
        JsonNode sink = m.configMapData(FULL + "-sink");
        assertThat(sink.path("OMNISTREAM_SINK_TOPIC").asText()).isEqualTo("embeddings.all-minilm-l6-v2.v1");
        assertThat(sink.path("OMNISTREAM_SINK_GROUP_ID").asText()).isEqualTo("omnistream-milvus-sink.all-minilm-l6-v2");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // helpers

    private static HelmCli.Result template(String... extra) {
        List<String> args = new ArrayList<>(List.of("template", RELEASE, chart.toString(),
                "--namespace", "omnistream", "--kube-version", KUBE_VERSION));
        args.addAll(List.of(extra));
        return helm.run(args);
    }

    private static Manifests render(String... extra) {
        HelmCli.Result r = template(extra);
        assertThat(r.ok()).as(r.describe()).isTrue();
        return Manifests.parse(r.stdout());
    }

    private static String checksum(Manifests m, String component) {
        String sum = m.get("Deployment", FULL + "-" + component).at("/spec/template/metadata/annotations/checksum~1config").asText();
        assertThat(sum).as(component + " checksum").hasSize(64);
        return sum;
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static int portNumber(JsonNode container, String name) {
        return findByName(container.path("ports"), name).path("containerPort").asInt();
    }

    private static JsonNode findByName(JsonNode array, String name) {
        return findByNameOptional(array, name).orElseThrow(() -> new AssertionError("no entry named " + name + " in " + array));
    }

    private static Optional<JsonNode> findByNameOptional(JsonNode array, String name) {
        for (JsonNode n : array) {
            if (name.equals(n.path("name").asText())) {
                return Optional.of(n);
            }
        }
        return Optional.empty();
    }

    /** Whether every label of the selector is on the object with the same value. */
    private static boolean matches(JsonNode selector, JsonNode labels) {
        Map<String, String> wanted = new TreeMap<>();
        selector.fields().forEachRemaining(e -> wanted.put(e.getKey(), e.getValue().asText()));
        assertThat(wanted).as("selector").isNotEmpty();
        return wanted.entrySet().stream().allMatch(e -> e.getValue().equals(labels.path(e.getKey()).asText(null)));
    }

    /** The environment variables of docs/configuration.md (rows "| `key` | `OMNISTREAM_...` | ..."). */
    private static Set<String> documentedVariables() throws IOException {
        // the repository root: Surefire's omnistream.repo.dir, or the parent of this module (when Maven runs in helm/)
        Path moduleDir = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
        Path readme = Optional.ofNullable(System.getProperty("omnistream.repo.dir")).map(d -> Path.of(d, "docs/configuration.md"))
                .filter(Files::isRegularFile).orElse(moduleDir.getParent().resolve("docs/configuration.md"));
        Pattern row = Pattern.compile("^\\| `[a-z0-9.-]+` \\| `(OMNISTREAM_[A-Z0-9_]+)` \\|", Pattern.MULTILINE);
        Matcher matcher = row.matcher(Files.readString(readme));
        Set<String> vars = new HashSet<>();
        while (matcher.find()) {
            vars.add(matcher.group(1));
        }
        return vars;
    }
}
