package io.omnistream.images;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A service started as its container image starts it, from the layout Jib copies into the image.
 *
 * <p>Each service module reproduces Jib's layout at {@code package} in {@code target/jib-layout/app}: {@code libs/}
 * (runtime dependencies), {@code classes/}, {@code resources/} and {@code jib-classpath-libs} (the dependency order
 * of Jib's {@code /app/jib-classpath-file}). The image's entrypoint is
 * {@code java <jvmFlags> -cp @/app/jib-classpath-file <mainClass>} with the classpath
 * {@code /app/resources:/app/classes:/app/libs/<each dependency in Maven order>}; this class runs exactly that with
 * {@code /app} replaced by the layout directory, the entrypoint flags and {@code JAVA_TOOL_OPTIONS} of the Jib
 * configuration, {@code HOME}, {@code DJL_CACHE_DIR} and {@code XDG_CACHE_HOME} in a scratch directory (the image's
 * {@code /tmp}) which is also the working directory, and no {@code OMNISTREAM_*} variable from the calling
 * environment. Where this JVM runs as root and {@code setpriv} exists (CI), the service runs as the image's uid/gid
 * 10001, which has no passwd entry, as in the image; otherwise (or when uid 10001 cannot read the layout) as the
 * current user, which {@link #user()} reports.
 *
 * <p>Output goes to files (no pipe can fill up and block the child); {@link #stdout()}/{@link #stderr()} read them.
 */
final class PackagedService implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /** The images' container.user (parent POM). */
    static final int IMAGE_UID = 10001;
    private static final Path SETPRIV = Path.of("/usr/bin/setpriv");

    private final String module;
    private final Process process;
    private final Path out;
    private final Path err;
    private final String user;
    private final long startedNanos = System.nanoTime();

    private PackagedService(String module, Process process, Path out, Path err, String user) {
        this.module = module;
        this.process = process;
        this.out = out;
        this.err = err;
        this.user = user;
    }

    /** {@code <module>/target/jib-layout/app}; fails with the command to run when the module was not packaged. */
    static Path layout(String module) {
        Path modules = Path.of(System.getProperty("omnistream.images.modules.dir", ".."));
        Path app = modules.resolve(module).resolve("target/jib-layout/app").toAbsolutePath().normalize();
        assertThat(app.resolve("jib-classpath-libs"))
                .as("packaged layout of %s missing; build it with: mvn -pl %s -am package -DskipTests", module, module)
                .isRegularFile();
        return app;
    }

    /**
     * The image's runtime classpath: resources, classes, then the dependencies in Jib's order. Every jar of
     * {@code libs/} must be listed (a stray one would be in the image but not on its classpath). A listed jar that is
     * absent (see {@link #leftOut}) would be skipped by the JVM, in the image as here.
     */
    static List<Path> classpath(Path app) {
        String listed;
        try {
            listed = Files.readString(app.resolve("jib-classpath-libs")).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Path> cp = new ArrayList<>(List.of(app.resolve("resources"), app.resolve("classes")));
        Set<String> listedNames = new TreeSet<>();
        for (String entry : listed.split(":")) {
            assertThat(entry).as("classpath entry of %s", app).startsWith("/app/libs/");
            String name = entry.substring("/app/libs/".length());
            listedNames.add(name);
            cp.add(app.resolve("libs").resolve(name));
        }
        try (Stream<Path> jars = Files.list(app.resolve("libs"))) {
            assertThat(jars.map(p -> p.getFileName().toString()).toList())
                    .as("every jar copied into %s/libs is on the image's classpath (a stale one? mvn clean package)", app)
                    .isSubsetOf(listedNames);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return cp;
    }

    /** Names of jars on the classpath that the layout (and the image) leaves out. */
    static List<String> leftOut(Path app) {
        return classpath(app).stream().skip(2).filter(p -> !Files.exists(p)).map(p -> p.getFileName().toString()).toList();
    }

    /**
     * Starts {@code mainClass} from the module's layout.
     *
     * @param scratch the image's /tmp: HOME, DJL cache, working directory, output files
     * @param env     {@code OMNISTREAM_*} (and other) variables of the container
     */
    static PackagedService start(String module, String mainClass, Path scratch, Map<String, String> env, String... args) {
        Path app = layout(module);
        try {
            Files.createDirectories(scratch);
            Path classpathFile = scratch.resolve("jib-classpath-file");
            Files.writeString(classpathFile, String.join(":", classpath(app).stream().map(Path::toString).toList()));
            List<String> command = new ArrayList<>(asImageUser(app, scratch));
            String user = command.isEmpty() ? System.getProperty("user.name") : "uid " + IMAGE_UID;
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(Arrays.asList(System.getProperty("omnistream.images.jvmFlags", "-XX:+ExitOnOutOfMemoryError")
                    .trim().split("\\s+")));
            command.add("-cp");
            command.add("@" + classpathFile);
            command.add(mainClass);
            command.addAll(List.of(args));
            ProcessBuilder pb = new ProcessBuilder(command).directory(scratch.toFile());
            Map<String, String> environment = pb.environment();
            environment.keySet().removeIf(k -> k.startsWith("OMNISTREAM_") || k.equals("JAVA_TOOL_OPTIONS")
                    || k.equals("_JAVA_OPTIONS") || k.equals("JDK_JAVA_OPTIONS"));
            // the image's environment (parent POM, jib-maven-plugin container.environment)
            environment.put("HOME", scratch.toString());
            environment.put("DJL_CACHE_DIR", scratch.resolve(".djl.ai").toString());
            environment.put("XDG_CACHE_HOME", scratch.resolve(".cache").toString());
            environment.put("JAVA_TOOL_OPTIONS", System.getProperty("omnistream.images.javaToolOptions", "-XX:MaxRAMPercentage=75"));
            environment.putAll(env);
            Path out = scratch.resolve("stdout.log");
            Path err = scratch.resolve("stderr.log");
            pb.redirectOutput(out.toFile()).redirectError(err.toFile());
            return new PackagedService(module, pb.start(), out, err, user);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + mainClass, e);
        }
    }

    /**
     * {@code setpriv} arguments that run the command as uid/gid 10001, after handing {@code scratch} to that uid; empty
     * when this JVM is not root, there is no setpriv, or uid 10001 cannot read the layout (a checkout under a private
     * home directory).
     */
    private static List<String> asImageUser(Path app, Path scratch) throws IOException {
        if (!"root".equals(System.getProperty("user.name")) || !Files.isExecutable(SETPRIV)) {
            return List.of();
        }
        List<String> prefix = List.of(SETPRIV.toString(), "--reuid=" + IMAGE_UID, "--regid=" + IMAGE_UID, "--clear-groups");
        List<String> probe = new ArrayList<>(prefix);
        probe.addAll(List.of("test", "-r", app.resolve("jib-classpath-libs").toString()));
        try {
            Process p = new ProcessBuilder(probe).redirectErrorStream(true).start();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                System.out.printf("[images] uid %d cannot read %s; running the service as %s%n", IMAGE_UID, app,
                        System.getProperty("user.name"));
                return List.of();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
        Files.setAttribute(scratch, "unix:uid", IMAGE_UID);
        Files.setAttribute(scratch, "unix:gid", IMAGE_UID);
        return prefix;
    }

    /** Who the service runs as: {@code uid 10001} (as in the image) or the current user's name. */
    String user() {
        return user;
    }

    /** Runs to completion (for --help and configuration errors) and returns the exit status. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(module + " did not exit within " + timeout + "\n" + output());
        }
        return process.exitValue();
    }

    /**
     * Sends SIGTERM ({@link Process#destroy()} on Linux), as Kubernetes and {@code docker stop} do, and returns the
     * exit status. The services handle SIGTERM themselves and exit 0 after the graceful stop; 143 (128 + 15) would
     * mean the JVM's default handler ran instead.
     */
    int stopWithSigterm(Duration timeout) throws InterruptedException {
        process.destroy();
        return awaitExit(timeout);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    double secondsSinceStart() {
        return (System.nanoTime() - startedNanos) / 1e9;
    }

    String stdout() {
        return read(out);
    }

    String stderr() {
        return read(err);
    }

    /** stderr without the JVM's "Picked up JAVA_TOOL_OPTIONS" notice. */
    List<String> stderrLines() {
        return stderr().lines().filter(l -> !l.startsWith("Picked up JAVA_TOOL_OPTIONS")).toList();
    }

    String output() {
        return "--- stdout of " + module + " ---\n" + stdout() + "--- stderr ---\n" + stderr();
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    /** GET; status -1 when the connection is refused or times out (the server is not up yet). */
    static Response get(String url) {
        return get(url, null);
    }

    /** GET with {@code Authorization: Bearer <apiKey>} (none when null). */
    static Response get(String url, String apiKey) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
            if (apiKey != null) {
                b.header("Authorization", "Bearer " + apiKey);
            }
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.body());
        } catch (IOException e) {
            return new Response(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Response(-1, "interrupted");
        }
    }

    /** POST of a JSON body with {@code Authorization: Bearer <apiKey>} (none when null). */
    static Response post(String url, String json, String apiKey) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        if (apiKey != null) {
            b.header("Authorization", "Bearer " + apiKey);
        }
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Response(r.statusCode(), r.body());
    }

    /**
     * An API key store in {@code scratch/auth} holding one key of {@code tenant} with {@code scopes}, readable by the
     * image's uid (as a Secret mounted with the pod's fsGroup is): the service's {@code auth.key-store-file}.
     *
     * @return the store file and the plaintext key
     */
    static Map.Entry<Path, String> apiKey(Path scratch, String tenant, io.omnistream.runtime.auth.Scope... scopes)
            throws IOException {
        Path dir = Files.createDirectories(scratch.resolve("auth"));
        Path store = dir.resolve("api-keys.json");
        String key = io.omnistream.runtime.auth.ApiKeyStore.open(store, Duration.ZERO)
                .create(tenant, java.util.EnumSet.copyOf(java.util.List.of(scopes))).plaintext();
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(store, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        return Map.entry(store, key);
    }

    record Response(int status, String body) {}

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, String> env(String... keyValues) {
        Map<String, String> env = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            env.put(keyValues[i], keyValues[i + 1]);
        }
        return env;
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
