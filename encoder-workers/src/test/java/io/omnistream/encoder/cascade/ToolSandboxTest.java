package io.omnistream.encoder.cascade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.omnistream.runtime.error.PermanentFailureException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sandbox's command line, and that its limits really hold for a real child process: rlimits read back by the
 * shell and enforced (address space, CPU, file size), no network from inside, stderr kept bounded. The enforcement
 * tests need util-linux's prlimit / a working {@code unshare -rn} and skip without them.
 */
class ToolSandboxTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private static ToolSandbox.Limits limits(long as, long cpu, long fsize, int nofile, boolean net, int tail) {
        return new ToolSandbox.Limits(as, cpu, fsize, nofile, net, tail, null);
    }

    private static void assumeRlimits() {
        Assumptions.assumeTrue(ToolSandbox.current().rlimited(), "prlimit (util-linux) not installed");
    }

    @Test
    void theCommandIsWrappedInUnshareAndPrlimitWithTheConfiguredLimits() {
        ToolSandbox.Host both = new ToolSandbox.Host(Optional.of("/usr/bin/prlimit"), Optional.of("/usr/bin/unshare"));
        ToolSandbox sandbox = new ToolSandbox(limits(1L << 30, 90, 5_000_000, 64, true, 4096), both);
        assertThat(sandbox.wrap(List.of("/bin/sh", "-c", "echo hi"))).containsExactly("/usr/bin/unshare", "-rn", "--",
                "/usr/bin/prlimit", "--as=1073741824", "--cpu=90:91", "--fsize=5000000", "--nofile=64", "--core=0", "--",
                "/bin/sh", "-c", "echo hi");
        assertThat(sandbox.networkIsolated()).isTrue();
        assertThat(sandbox.rlimited()).isTrue();

        ToolSandbox noNetworkIsolation = new ToolSandbox(limits(1L << 30, 90, 5_000_000, 64, false, 4096), both);
        assertThat(noNetworkIsolation.wrap(List.of("/bin/sh", "-c", "true"))).containsExactly("/usr/bin/prlimit",
                "--as=1073741824", "--cpu=90:91", "--fsize=5000000", "--nofile=64", "--core=0", "--", "/bin/sh", "-c", "true");
        assertThat(noNetworkIsolation.networkIsolated()).isFalse();

        ToolSandbox bareHost = new ToolSandbox(ToolSandbox.Limits.DEFAULT, new ToolSandbox.Host(Optional.empty(), Optional.empty()));
        assertThat(bareHost.wrap(List.of("/bin/sh", "-c", "true"))).containsExactly("/bin/sh", "-c", "true");
        assertThat(bareHost.rlimited()).isFalse();
        assertThat(bareHost.networkIsolated()).isFalse();
    }

    @Test
    void aMissingToolIsReportedAsMissingNotAsAWrapperFailure() {
        assertThatThrownBy(() -> ToolSandbox.current().wrap(List.of("no-such-tool-omnistream", "-v")))
                .isInstanceOf(ToolUnavailableException.class).hasMessageContaining("'no-such-tool-omnistream'")
                .hasMessageContaining("install-media-tools.sh");
        assertThatThrownBy(() -> ExternalTool.run(List.of("no-such-tool-omnistream"), null, TIMEOUT, 1024))
                .isInstanceOf(ToolUnavailableException.class);
    }

    @Test
    void limitsOutOfRangeAreRefused() {
        assertThatThrownBy(() -> limits(1000, 1, 1, 3, true, 256)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("address space 1000 B");
        assertThatThrownBy(() -> limits(1L << 30, 0, 1, 3, true, 256)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theToolSeesTheConfiguredRlimits() {
        assumeRlimits();
        ToolSandbox sandbox = ToolSandbox.of(limits(3L << 30, 77, 10L << 20, 99, false, 4096));
        // bash's ulimit prints KiB for -v and -f (1024-byte blocks in bash), seconds for -t, a count for -n
        ExternalTool.Result r = ExternalTool.run(sandbox, List.of("bash", "-c", "ulimit -v; ulimit -t; ulimit -f; ulimit -n; ulimit -c"),
                null, TIMEOUT, 4096);
        assertThat(r.exitCode()).isZero();
        assertThat(r.stdoutText().lines().toList()).containsExactly(Long.toString(3L << 20), "77", "10240", "99", "0");
    }

    @Test
    void aToolOverItsAddressSpaceLimitFailsAndRunsWithinIt() {
        assumeRlimits();
        // python allocating 256 MiB: fine under 1 GiB, a MemoryError under 128 MiB
        Assumptions.assumeTrue(ToolSandbox.onPath("python3").isPresent(), "python3 not installed");
        List<String> allocate = List.of("python3", "-c", "b = bytearray(256 * 1024 * 1024); print(len(b))");
        ExternalTool.Result roomy = ExternalTool.run(ToolSandbox.of(limits(1L << 30, 60, 1 << 20, 64, false, 4096)),
                allocate, null, TIMEOUT, 4096);
        assertThat(roomy.exitCode()).isZero();
        assertThat(roomy.stdoutText().strip()).isEqualTo(Integer.toString(256 * 1024 * 1024));
        ExternalTool.Result tight = ExternalTool.run(ToolSandbox.of(limits(128L << 20, 60, 1 << 20, 64, false, 4096)),
                allocate, null, TIMEOUT, 4096);
        assertThat(tight.exitCode()).isNotZero();
        assertThat(tight.stderrLastLine()).contains("MemoryError");
    }

    @Test
    void aToolOverItsCpuOrFileSizeLimitIsKilledAndThatIsAPermanentFailure() {
        assumeRlimits();
        ToolSandbox sandbox = ToolSandbox.of(limits(1L << 30, 1, 1 << 20, 64, false, 4096));
        assertThatThrownBy(() -> ExternalTool.run(sandbox, List.of("bash", "-c", "while :; do :; done"), null, TIMEOUT, 1024))
                .isInstanceOf(PermanentFailureException.class)
                .hasMessage("'bash' was killed after 1 s of CPU time, its budget (SIGXCPU)");
        Path big = dir.resolve("big.bin");
        assertThatThrownBy(() -> ExternalTool.run(sandbox, List.of("dd", "if=/dev/zero", "of=" + big, "bs=65536",
                "count=64"), null, TIMEOUT, 1024))
                .isInstanceOf(PermanentFailureException.class)
                .hasMessage("'dd' was killed writing a file over 1048576 bytes, its budget (SIGXFSZ)");
        assertThat(big).hasSize(1 << 20);
    }

    @Test
    void aSandboxedToolCannotReachTheNetworkNotEvenLoopback() throws Exception {
        ToolSandbox isolated = ToolSandbox.of(limits(1L << 30, 60, 1 << 20, 64, true, 4096));
        Assumptions.assumeTrue(isolated.networkIsolated(), "'unshare -rn' does not work on this host");
        AtomicInteger requests = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            byte[] body = "reached".getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            List<String> fetch = List.of("bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/" + server.getAddress().getPort()
                    + " && printf 'GET / HTTP/1.0\\r\\nHost: x\\r\\n\\r\\n' >&3 && cat <&3");
            // control: the same command without the namespace reaches the server
            ExternalTool.Result open = ExternalTool.run(ToolSandbox.of(limits(1L << 30, 60, 1 << 20, 64, false, 4096)),
                    fetch, null, TIMEOUT, 1 << 16);
            assertThat(open.stdoutText()).contains("reached");
            assertThat(requests.get()).isEqualTo(1);

            ExternalTool.Result sandboxed = ExternalTool.run(isolated, fetch, null, TIMEOUT, 1 << 16);
            assertThat(sandboxed.exitCode()).isNotZero();
            assertThat(sandboxed.stdoutText()).doesNotContain("reached");
            assertThat(sandboxed.stderrLastLine()).contains("Network is unreachable");
            assertThat(requests.get()).as("requests the server saw").isEqualTo(1);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void stderrIsKeptToItsLastBytes() {
        ToolSandbox sandbox = ToolSandbox.of(limits(1L << 30, 60, 1 << 20, 64, false, 1024));
        // 8 MB of noise on stderr, then the line that says what went wrong
        ExternalTool.Result r = ExternalTool.run(sandbox, List.of("bash", "-c",
                "head -c 8000000 /dev/zero | tr '\\0' x >&2; echo >&2; echo 'fatal: the real reason' >&2; exit 3"),
                null, TIMEOUT, 1024);
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.stderrTail().length()).isEqualTo(1024);
        assertThat(r.stderrLastLine()).isEqualTo("fatal: the real reason");
        assertThat(r.stderrTail()).endsWith("x\nfatal: the real reason\n");
    }

    @Test
    void theTailBufferKeepsTheLastBytesInOrder() {
        ExternalTool.TailBuffer tail = new ExternalTool.TailBuffer(4);
        byte[] abc = "abcdefghij".getBytes(StandardCharsets.US_ASCII);
        tail.write(abc, 0, 3);
        assertThat(tail.text()).isEqualTo("abc");
        tail.write(abc, 3, 7);
        assertThat(tail.text()).isEqualTo("ghij");
        assertThat(tail.written()).isEqualTo(10);
    }

    @Test
    void aToolPastItsTimeLimitIsKilled() {
        assertThatThrownBy(() -> ExternalTool.run(List.of("sleep", "30"), null, Duration.ofMillis(200), 1024))
                .isInstanceOf(ToolUnavailableException.class).hasMessage("'sleep' did not finish within 200 ms and was killed");
    }

    @Test
    void tempFilesGoToTheConfiguredDirectory() throws Exception {
        Path own = dir.resolve("worker-tmp");
        ToolSandbox sandbox = ToolSandbox.of(ToolSandbox.Limits.DEFAULT.withTempDir(own));
        Path file = sandbox.newTempFile(".video");
        assertThat(file.getParent()).isEqualTo(own);
        assertThat(file.getFileName().toString()).startsWith("omnistream-media").endsWith(".video");
        Files.delete(file);
        Path fresh = ToolSandbox.of(ToolSandbox.Limits.DEFAULT).tempDir();
        assertThat(fresh.getFileName().toString()).startsWith("omnistream-tools-");
        Files.delete(fresh);
    }
}
