package io.omnistream.launcher.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessSpec;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
import org.apache.flink.runtime.jobmanager.JobManagerProcessSpec;
import org.apache.flink.runtime.jobmanager.JobManagerProcessUtils;
import org.apache.flink.runtime.util.config.memory.ProcessMemoryUtils;

/**
 * A Flink session cluster started from Flink's own entrypoints, as {@code jobmanager.sh} and {@code taskmanager.sh}
 * start them: {@code StandaloneSessionClusterEntrypoint} (JobManager) and {@code TaskManagerRunner} (TaskManager), each
 * in its own JVM ({@link ChildJvm}, so each dies with this JVM), on what {@code /opt/flink/lib} holds
 * ({@link ServiceClasspath#flinkLib}), with a generated {@code --configDir} holding {@code config.yaml} (Flink 2.x).
 * The JVM memory flags and the TaskManager's resource dynamic properties are computed from that configuration by the
 * same Flink classes the scripts call through {@code BashJavaUtils}.
 *
 * <p>Jobs are submitted as a job jar through the REST API ({@code POST /jars/upload}, {@code POST /jars/<id>/run}),
 * as a user of a session cluster would. Everything binds to 127.0.0.1.
 */
public final class FlinkSessionCluster implements AutoCloseable {
    static final String JOB_MANAGER_MAIN = "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
    static final String TASK_MANAGER_MAIN = "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";
    /** The JVM options Flink's default config.yaml sets ({@code env.java.opts.all}) for Java 17. */
    static final List<String> JAVA17_OPTS = List.of(
            "--add-exports=java.base/sun.net.util=ALL-UNNAMED", "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
            "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.text=ALL-UNNAMED", "--add-opens=java.base/java.time=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Path confDir;
    private final int restPort;
    private final int slots;
    private ChildJvm jobManager;
    private ChildJvm taskManager;

    /**
     * Writes {@code <dir>/conf/config.yaml} and {@code log4j-console.properties} (ports chosen now).
     *
     * @param slots          task slots of the one TaskManager (each job here needs one at parallelism 1)
     * @param jobManagerMb   {@code jobmanager.memory.process.size} in MiB
     * @param taskManagerMb  {@code taskmanager.memory.process.size} in MiB
     */
    public FlinkSessionCluster(Path dir, int slots, int jobManagerMb, int taskManagerMb) {
        this.confDir = dir.resolve("conf").toAbsolutePath();
        this.restPort = freePort();
        this.slots = slots;
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put("jobmanager.rpc.address", "127.0.0.1");
        conf.put("jobmanager.rpc.port", Integer.toString(freePort()));
        conf.put("jobmanager.bind-host", "127.0.0.1");
        conf.put("taskmanager.host", "127.0.0.1");
        conf.put("taskmanager.bind-host", "127.0.0.1");
        conf.put("rest.address", "127.0.0.1");
        conf.put("rest.bind-address", "127.0.0.1");
        conf.put("rest.port", Integer.toString(restPort));
        conf.put("taskmanager.numberOfTaskSlots", Integer.toString(slots));
        conf.put("parallelism.default", "1");
        conf.put("jobmanager.memory.process.size", jobManagerMb + "m");
        conf.put("taskmanager.memory.process.size", taskManagerMb + "m");
        conf.put("io.tmp.dirs", dir.resolve("tmp").toAbsolutePath().toString());
        conf.put("web.upload.dir", dir.resolve("web-upload").toAbsolutePath().toString());
        try {
            Files.createDirectories(confDir);
            Files.createDirectories(dir.resolve("tmp"));
            Files.createDirectories(dir.resolve("web-upload"));
            StringBuilder yaml = new StringBuilder("# generated by ./omnistream cluster\n");
            conf.forEach((k, v) -> yaml.append(k).append(": ").append(v).append('\n'));
            Files.writeString(confDir.resolve("config.yaml"), yaml);
            Files.writeString(confDir.resolve("log4j-console.properties"), String.join("\n",
                    "rootLogger.level = INFO", "rootLogger.appenderRef.console.ref = ConsoleAppender",
                    "appender.console.name = ConsoleAppender", "appender.console.type = CONSOLE",
                    "appender.console.layout.type = PatternLayout",
                    "appender.console.layout.pattern = %d{HH:mm:ss,SSS} %-5p %c{1} - %m%n",
                    "logger.pekko.name = org.apache.pekko", "logger.pekko.level = WARN",
                    "logger.kafka.name = org.apache.kafka", "logger.kafka.level = WARN", ""));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the Flink configuration to " + confDir, e);
        }
    }

    /** Starts the JobManager and the TaskManager (does not wait; see {@link #awaitReady}). */
    public FlinkSessionCluster start() {
        Configuration conf = Configuration.fromMap(readConf());
        JobManagerProcessSpec jm = JobManagerProcessUtils.processSpecFromConfig(conf);
        List<String> jmArgs = new ArrayList<>(List.of("--configDir", confDir.toString(), "--executionMode", "cluster"));
        jmArgs.addAll(split(JobManagerProcessUtils.generateDynamicConfigsStr(jm)));
        jobManager = flinkJvm("flink-jobmanager", JOB_MANAGER_MAIN,
                split(JobManagerProcessUtils.generateJvmParametersStr(jm, conf)), jmArgs);
        taskManager = startTaskManager(conf);
        return this;
    }

    private ChildJvm startTaskManager(Configuration conf) {
        TaskExecutorProcessSpec tm = TaskExecutorProcessUtils.processSpecFromConfig(conf);
        List<String> tmArgs = new ArrayList<>(List.of("--configDir", confDir.toString()));
        tmArgs.addAll(split(TaskExecutorProcessUtils.generateDynamicConfigsStr(tm)));
        return flinkJvm("flink-taskmanager", TASK_MANAGER_MAIN, split(ProcessMemoryUtils.generateJvmParametersStr(tm)),
                tmArgs);
    }

    /**
     * Starts a new TaskManager in place of one that died (killed with -9 if it still lives): what a process supervisor
     * does after a TaskManager crash. The jobs recover on it through their restart strategy from the last checkpoint.
     */
    public synchronized ChildJvm restartTaskManager() throws InterruptedException {
        if (taskManager.isAlive()) {
            taskManager.kill();
        }
        taskManager = startTaskManager(Configuration.fromMap(readConf()));
        return taskManager;
    }

    private ChildJvm flinkJvm(String component, String main, List<String> memoryFlags, List<String> args) {
        Path work = confDir.getParent().resolve(component);
        List<String> flags = new ArrayList<>(memoryFlags);
        flags.addAll(JAVA17_OPTS);
        flags.add("-Dlog4j.configurationFile=file:" + confDir.resolve("log4j-console.properties"));
        flags.add("-Dlog.file=" + work.resolve(component + ".log"));
        return ChildJvm.builder(component, main).classpath(ServiceClasspath.flinkLib()).jvmFlags(flags)
                .args(args.toArray(String[]::new)).workDir(work).start();
    }

    /** Waits until the REST API reports a TaskManager with all its slots registered. */
    public void awaitReady(Duration timeout, PrintStream out) {
        jobManager.awaitHttpOk(restUrl() + "/overview", timeout, out);
        taskManager.await("TaskManager registered with " + slots + " slots", timeout, out, () -> {
            JsonNode overview = getJson("/overview");
            return overview != null && overview.path("slots-total").asInt() >= slots;
        });
    }

    /** Uploads {@code jar} ({@code POST /jars/upload}) and returns the id the cluster gave it. */
    public String uploadJar(Path jar) throws IOException, InterruptedException {
        String boundary = "omnistream-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
                + jar.getFileName() + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        body.write(Files.readAllBytes(jar));
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(restUrl() + "/jars/upload"))
                .timeout(Duration.ofMinutes(2)).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode answer = JSON.readTree(r.body());
        if (r.statusCode() != 200 || !"success".equals(answer.path("status").asText())) {
            throw new IllegalStateException("Flink refused the upload of " + jar + ": HTTP " + r.statusCode() + " " + r.body());
        }
        String path = answer.path("filename").asText();
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /**
     * Runs {@code entryClass} of an uploaded jar ({@code POST /jars/<id>/run}) with {@code programArgs} and returns the
     * job id. The REST call returns once the job is submitted; {@link #awaitRunning} waits for it to run.
     */
    public String run(String jarId, String entryClass, List<String> programArgs) throws IOException, InterruptedException {
        String request = JSON.writeValueAsString(Map.of("entryClass", entryClass, "programArgsList", programArgs));
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(restUrl() + "/jars/" + jarId + "/run"))
                .timeout(Duration.ofMinutes(3)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(request)).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode answer = JSON.readTree(r.body());
        if (r.statusCode() != 200 || !answer.hasNonNull("jobid")) {
            throw new IllegalStateException("Flink could not run " + entryClass + ": HTTP " + r.statusCode() + " " + r.body());
        }
        return answer.get("jobid").asText();
    }

    /** Waits until job {@code jobId} and all its tasks are RUNNING; fails at once if it FAILED. */
    public void awaitRunning(String jobId, Duration timeout, PrintStream out) {
        jobManager.await("job " + jobId + " RUNNING", timeout, out, () -> {
            String state = jobState(jobId);
            if ("FAILED".equals(state) || "CANCELED".equals(state)) {
                JsonNode ex = getJson("/jobs/" + jobId + "/exceptions");
                throw new IllegalStateException("Flink job " + jobId + " is " + state + ": "
                        + (ex == null ? "" : ex.path("root-exception").asText()));
            }
            return "RUNNING".equals(state);
        });
    }

    /** State of job {@code jobId} as the REST API reports it (RUNNING, RESTARTING, FAILED, ...), or null. */
    public String jobState(String jobId) throws InterruptedException {
        JsonNode job = getJson("/jobs/" + jobId);
        return job == null ? null : job.path("state").asText(null);
    }

    private JsonNode getJson(String path) throws InterruptedException {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(restUrl() + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
        } catch (IOException e) {
            return null;
        }
    }

    public String restUrl() {
        return "http://127.0.0.1:" + restPort;
    }

    public ChildJvm jobManager() {
        return jobManager;
    }

    public synchronized ChildJvm taskManager() {
        return taskManager;
    }

    /** Stops the TaskManager, then the JobManager (SIGTERM; Flink's entrypoints shut down on it). */
    @Override
    public void close() {
        if (taskManager != null) {
            taskManager.stop();
        }
        if (jobManager != null) {
            jobManager.stop();
        }
    }

    private Map<String, String> readConf() {
        Map<String, String> conf = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(confDir.resolve("config.yaml"))) {
                int colon = line.indexOf(": ");
                if (!line.startsWith("#") && colon > 0) {
                    conf.put(line.substring(0, colon), line.substring(colon + 2));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return conf;
    }

    private static List<String> split(String flags) {
        return Arrays.stream(flags.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
