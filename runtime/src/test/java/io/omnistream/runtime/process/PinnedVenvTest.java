package io.omnistream.runtime.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real python3 and venv; the requirements name no package, so nothing is downloaded. */
class PinnedVenvTest {
    private static PinnedVenv.Spec spec(String requirements) {
        return new PinnedVenv.Spec("test-venv", requirements, List.of("--no-deps"), Duration.ofMinutes(2),
                "this test");
    }

    @Test
    void installsOnceAndReinstallsWhenTheRequirementsChange(@TempDir Path dir) throws Exception {
        Path venv = dir.resolve("venv");
        Path python = PinnedVenv.ensureInstalled(venv, "python3", spec("# nothing pinned, v1\n"));
        assertThat(python).isEqualTo(venv.resolve("bin/python")).isExecutable();
        assertThat(PinnedVenv.isInstalled(venv, "# nothing pinned, v1\n")).isTrue();

        // a file the install would wipe (venv --clear) shows whether a second call reinstalled
        Path probe = venv.resolve("probe.txt");
        Files.writeString(probe, "x");
        PinnedVenv.ensureInstalled(venv, "python3", spec("# nothing pinned, v1\n"));
        assertThat(probe).exists();

        assertThat(PinnedVenv.isInstalled(venv, "# nothing pinned, v2\n")).isFalse();
        PinnedVenv.ensureInstalled(venv, "python3", spec("# nothing pinned, v2\n"));
        assertThat(probe).doesNotExist();
        assertThat(PinnedVenv.isInstalled(venv, "# nothing pinned, v2\n")).isTrue();
    }

    @Test
    void aMissingInterpreterSaysWhatNeedsPython(@TempDir Path dir) {
        assertThatThrownBy(() -> PinnedVenv.ensureInstalled(dir.resolve("venv"), "/nonexistent/python3",
                spec("# none\n")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'/nonexistent/python3' not found: this test needs Python 3");
    }

    @Test
    void aVenvWithoutMarkerIsNotInstalled(@TempDir Path dir) throws Exception {
        Path venv = dir.resolve("venv");
        Files.createDirectories(venv.resolve("bin"));
        Files.createFile(venv.resolve("bin/python")).toFile().setExecutable(true);
        assertThat(PinnedVenv.isInstalled(venv, "# none\n")).isFalse();
    }
}
