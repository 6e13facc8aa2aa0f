package io.omnistream.launcher.cluster;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Classpaths of the cluster's child JVMs.
 *
 * <p>A service runs from the layout its container image is built from ({@code <module>/target/jib-layout/app}, made at
 * {@code package}): {@code resources:classes:libs/<each jar in Jib's order>}, the image's entrypoint with {@code /app}
 * replaced by the layout directory. Where the layout is missing (a build with {@code -Dimage.layout.skip=true}) the
 * same main class runs from this JVM's classpath instead, which holds every service module; {@link #service} says
 * which was used.
 */
public final class ServiceClasspath {
    /**
     * Jar file names of what Flink's distribution puts in {@code /opt/flink/lib}: Flink's runtime and its bundled
     * libraries and the logging jars, i.e. what the job jar's shade plugin leaves out (as ShadedJobJarIT checks).
     */
    static final Pattern FLINK_LIB = Pattern.compile("(flink-(?!connector-kafka|connector-base"
            + "|sql-avro-confluent-registry|test-utils).*|kryo-.*|reflectasm-.*|minlog-.*|objenesis-.*|javassist-.*"
            + "|async-profiler-.*|commons-cli-.*|snakeyaml-engine-.*|jsr305-.*|slf4j-.*|log4j-.*)\\.jar");
    /**
     * Third-party libraries flink-dist bundles for the runtime itself (its own dependencies, e.g. commons-lang3 for
     * the security configuration); the job jar shades its own copies, which Flink's child-first class loading prefers.
     */
    static final Pattern FLINK_DIST_BUNDLED = Pattern.compile(
            "(commons-(lang3|text|io|collections|math3|compress|codec)|lz4-java|xz)-[0-9].*\\.jar");

    /** A classpath and where it came from (for the "where each part runs" lines). */
    public record Resolved(List<Path> entries, String origin) {}

    private ServiceClasspath() {
    }

    /** The classpath of {@code module}'s image, or this JVM's classpath when the layout was not built. */
    public static Resolved service(Path repoDir, String module) {
        Path app = repoDir.resolve(module).resolve("target/jib-layout/app");
        Path listing = app.resolve("jib-classpath-libs");
        if (!Files.isRegularFile(listing)) {
            return new Resolved(ownClasspath(), "launcher classpath (no " + app + ")");
        }
        try {
            List<Path> cp = new ArrayList<>(List.of(app.resolve("resources"), app.resolve("classes")));
            for (String entry : Files.readString(listing).strip().split(":")) {
                if (!entry.startsWith("/app/libs/")) {
                    throw new IllegalStateException("unexpected entry " + entry + " in " + listing);
                }
                cp.add(app.resolve("libs").resolve(entry.substring("/app/libs/".length())));
            }
            return new Resolved(cp, "image layout " + app);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + listing, e);
        }
    }

    /**
     * What {@code /opt/flink/lib} holds (flink-dist with its bundled libraries, logging), taken from this JVM's
     * classpath (which carries Flink's runtime).
     */
    public static List<Path> flinkLib() {
        List<Path> lib = ownClasspath().stream()
                .filter(p -> FLINK_LIB.matcher(p.getFileName().toString()).matches()
                        || FLINK_DIST_BUNDLED.matcher(p.getFileName().toString()).matches())
                .filter(p -> !p.getFileName().toString().endsWith("-tests.jar"))
                .toList();
        if (lib.stream().noneMatch(p -> p.getFileName().toString().startsWith("flink-runtime-"))) {
            throw new IllegalStateException("no flink-runtime jar on this JVM's classpath; cannot start a Flink cluster");
        }
        return lib;
    }

    /** This JVM's classpath. */
    public static List<Path> ownClasspath() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(s -> !s.isBlank()).map(Path::of).toList();
    }
}
