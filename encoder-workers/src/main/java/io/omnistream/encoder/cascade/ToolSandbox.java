package io.omnistream.encoder.cascade;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The confinement every external tool (ffmpeg, ffprobe, tesseract, pocketsphinx) runs in, because they parse
 * untrusted bytes: the one place that turns a tool's command line into the command that is actually started.
 *
 * <p>Wrapping, outermost first: {@code unshare -rn --} (a new user and network namespace: the tool sees only a
 * loopback interface that is down, so it cannot open any connection, local or remote) and
 * {@code prlimit --as=B --cpu=S:S+1 --fsize=B --nofile=N --core=0 --} (rlimits: address space, CPU seconds, size of
 * any file it writes, open descriptors, no core dumps; a tool over the CPU or file-size limit is killed by SIGXCPU /
 * SIGXFSZ, one over the address-space limit fails its allocations). Both programs exec the tool, so the process the
 * worker waits for and kills on timeout is the tool itself.
 *
 * <p>What the host allows is probed once per JVM and cached: {@code prlimit} must be on the PATH (util-linux), and
 * {@code unshare -rn true} must succeed (unprivileged user namespaces may be disabled, e.g. in some container
 * runtimes). When one is missing the tools still run, without that layer, and one line says so (INFO for prlimit,
 * WARN for the network namespace). The wall-clock time limit and the stdout/stderr bounds of {@link ExternalTool}
 * apply in every case.
 *
 * <p>Temp files: the media a tool reads goes into {@link #tempDir()}, a directory of this worker's own (configured,
 * or created under {@code java.io.tmpdir} on first use), so what is left behind can be seen and checked; the callers
 * delete their files in {@code finally} blocks.
 *
 * <p>The worker installs its configured sandbox at start-up ({@link #install}); until then, and in tests, tools run
 * under {@link Limits#DEFAULT}.
 */
public final class ToolSandbox {
    private static final Logger LOG = LoggerFactory.getLogger(ToolSandbox.class);

    /**
     * Limits of one tool run.
     *
     * @param maxAddressSpaceBytes RLIMIT_AS: virtual memory of the tool, bytes
     * @param maxCpuSeconds        RLIMIT_CPU: CPU time of the tool (all threads), seconds
     * @param maxFileBytes         RLIMIT_FSIZE: largest file the tool may write, bytes
     * @param maxOpenFiles         RLIMIT_NOFILE: open file descriptors
     * @param isolateNetwork       run in a network namespace of its own when the host allows it
     * @param stderrTailBytes      how much of the tool's stderr is kept (the last bytes), bytes
     * @param tempDir              directory for the media files the tools read; null = a fresh directory under
     *                             {@code java.io.tmpdir}, created on first use
     */
    public record Limits(long maxAddressSpaceBytes, long maxCpuSeconds, long maxFileBytes, int maxOpenFiles,
                         boolean isolateNetwork, int stderrTailBytes, Path tempDir) {
        public static final long DEFAULT_MAX_ADDRESS_SPACE_BYTES = 4L << 30;
        public static final long DEFAULT_MAX_CPU_SECONDS = 300;
        public static final long DEFAULT_MAX_FILE_BYTES = 1L << 30;
        public static final int DEFAULT_MAX_OPEN_FILES = 256;
        public static final int DEFAULT_STDERR_TAIL_BYTES = 64 << 10;

        /** 4 GiB address space, 300 CPU seconds, 1 GiB files, 256 descriptors, no network, 64 KiB of stderr. */
        public static final Limits DEFAULT = new Limits(DEFAULT_MAX_ADDRESS_SPACE_BYTES, DEFAULT_MAX_CPU_SECONDS,
                DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_OPEN_FILES, true, DEFAULT_STDERR_TAIL_BYTES, null);

        public Limits {
            if (maxAddressSpaceBytes < 1 << 20 || maxCpuSeconds < 1 || maxFileBytes < 1 || maxOpenFiles < 3
                    || stderrTailBytes < 256) {
                throw new IllegalArgumentException("tool limits out of range: address space " + maxAddressSpaceBytes
                        + " B (>= 1 MiB), CPU " + maxCpuSeconds + " s (>= 1), file size " + maxFileBytes
                        + " B (>= 1), open files " + maxOpenFiles + " (>= 3), stderr tail " + stderrTailBytes
                        + " B (>= 256)");
            }
        }

        public Limits withTempDir(Path dir) {
            return new Limits(maxAddressSpaceBytes, maxCpuSeconds, maxFileBytes, maxOpenFiles, isolateNetwork,
                    stderrTailBytes, dir);
        }
    }

    /** What this host supports; probed once. */
    record Host(Optional<String> prlimit, Optional<String> unshare) {
        private static volatile Host probed;

        static Host probe() {
            Host h = probed;
            if (h == null) {
                synchronized (Host.class) {
                    h = probed;
                    if (h == null) {
                        h = detect();
                        probed = h;
                    }
                }
            }
            return h;
        }

        private static Host detect() {
            Optional<String> prlimit = onPath("prlimit");
            if (prlimit.isEmpty()) {
                LOG.info("prlimit (util-linux) is not on the PATH: media tools run without rlimits (address space, "
                        + "CPU, file size, open files); only their time limit and output bounds apply");
            }
            Optional<String> unshare = onPath("unshare").filter(ToolSandbox.Host::unshareWorks);
            if (unshare.isEmpty()) {
                LOG.warn("'unshare -rn' does not work on this host (no util-linux unshare, or unprivileged user "
                        + "namespaces are disabled): media tools run WITH network access; block egress of the worker "
                        + "by other means (e.g. a Kubernetes NetworkPolicy)");
            }
            return new Host(prlimit, unshare);
        }

        private static boolean unshareWorks(String unshare) {
            try {
                Process p = new ProcessBuilder(unshare, "-rn", "--", "true").redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    return false;
                }
                return p.exitValue() == 0;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    private static volatile ToolSandbox current;

    private final Limits limits;
    private final Host host;
    private volatile Path tempDir;

    ToolSandbox(Limits limits, Host host) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.host = Objects.requireNonNull(host, "host");
        this.tempDir = limits.tempDir();
    }

    /** A sandbox with {@code limits} on this host (probing it on first use). */
    public static ToolSandbox of(Limits limits) {
        return new ToolSandbox(limits, Host.probe());
    }

    /** The sandbox tools run in: the installed one, else one with {@link Limits#DEFAULT}. */
    public static ToolSandbox current() {
        ToolSandbox s = current;
        if (s == null) {
            synchronized (ToolSandbox.class) {
                s = current;
                if (s == null) {
                    s = of(Limits.DEFAULT);
                    current = s;
                }
            }
        }
        return s;
    }

    /** Makes {@code sandbox} the one every later tool run uses (the worker calls this at start-up). */
    public static void install(ToolSandbox sandbox) {
        current = Objects.requireNonNull(sandbox, "sandbox");
    }

    public Limits limits() {
        return limits;
    }

    /** True when tools run in a network namespace of their own. */
    public boolean networkIsolated() {
        return limits.isolateNetwork() && host.unshare().isPresent();
    }

    /** True when the rlimits are applied. */
    public boolean rlimited() {
        return host.prlimit().isPresent();
    }

    /**
     * The command that runs {@code command} confined: {@code [unshare -rn --] [prlimit --as=.. --cpu=..:.. --fsize=..
     * --nofile=.. --core=0 --] command...}. The tool itself ({@code command.get(0)}) is resolved on the PATH first, so a
     * missing binary is reported as such and not as a failure of the wrapper.
     *
     * @throws ToolUnavailableException if the tool is not installed
     */
    public List<String> wrap(List<String> command) {
        String binary = command.get(0);
        String resolved = (binary.contains("/") ? Optional.of(binary).filter(b -> Files.isExecutable(Path.of(b)))
                : onPath(binary)).orElseThrow(() -> new ToolUnavailableException("cannot run '" + binary
                        + "' (not found on the PATH); install the media tools with scripts/install-media-tools.sh"));
        List<String> out = new ArrayList<>();
        if (networkIsolated()) {
            out.addAll(List.of(host.unshare().orElseThrow(), "-rn", "--"));
        }
        if (rlimited()) {
            out.addAll(List.of(host.prlimit().orElseThrow(), "--as=" + limits.maxAddressSpaceBytes(),
                    // soft:hard. The soft limit sends SIGXCPU (reported as the budget); the hard one, a second later,
                    // SIGKILL for a tool that ignores it. Equal limits would SIGKILL at once, indistinguishable from
                    // any other kill.
                    "--cpu=" + limits.maxCpuSeconds() + ":" + (limits.maxCpuSeconds() + 1), "--fsize=" + limits.maxFileBytes(),
                    // no core dumps: a tool killed by SIGXCPU/SIGXFSZ would otherwise leave one in the worker's directory
                    "--nofile=" + limits.maxOpenFiles(), "--core=0", "--"));
        }
        out.add(resolved);
        out.addAll(command.subList(1, command.size()));
        return out;
    }

    /** The directory the media temp files go to; created on first use. */
    public Path tempDir() {
        Path dir = tempDir;
        if (dir == null) {
            synchronized (this) {
                dir = tempDir;
                if (dir == null) {
                    try {
                        dir = Files.createTempDirectory("omnistream-tools-");
                        dir.toFile().deleteOnExit(); // removed at a normal JVM exit if empty, as it is between records
                    } catch (IOException e) {
                        throw new UncheckedIOException("cannot create the media temp directory", e);
                    }
                    tempDir = dir;
                }
            }
        } else if (!Files.isDirectory(dir)) {
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the media temp directory " + dir, e);
            }
        }
        return dir;
    }

    /** A new empty file in {@link #tempDir()}; the caller deletes it. */
    public Path newTempFile(String suffix) {
        try {
            return Files.createTempFile(tempDir(), "omnistream-media", suffix);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temp file for the media in " + tempDir(), e);
        }
    }

    static Optional<String> onPath(String binary) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, binary))) {
                return Optional.of(Path.of(dir, binary).toString());
            }
        }
        return Optional.empty();
    }
}
