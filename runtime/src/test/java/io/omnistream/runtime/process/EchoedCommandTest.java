package io.omnistream.runtime.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Real child processes (/bin/sh). */
class EchoedCommandTest {
    @Test
    void returnsStdoutAndStderrLinesInOrder() throws Exception {
        assertThat(EchoedCommand.run(List.of("sh", "-c", "echo one; echo two >&2; echo '{\"x\": 1}'"), "> ", 60, TimeUnit.SECONDS))
                .containsExactly("one", "two", "{\"x\": 1}");
    }

    @Test
    void aFailedCommandReportsItsExitCodeAndOutputTail() {
        assertThatThrownBy(() -> EchoedCommand.run(List.of("sh", "-c", "echo 'ModuleNotFoundError: numpy'; exit 3"), "> ", 60, TimeUnit.SECONDS))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("exit code 3")
                .hasMessageContaining("ModuleNotFoundError: numpy");
    }

    @Test
    void aChildThatOutlivesTheDeadlineIsKilled() {
        assertThatThrownBy(() -> EchoedCommand.run(List.of("sh", "-c", "echo started; exec sleep 600"), "> ", 1, TimeUnit.SECONDS))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("timed out after 1 SECONDS");
    }

    @Test
    void aMissingProgramIsAnIoError() {
        assertThatThrownBy(() -> EchoedCommand.run(List.of("/nonexistent/python3"), "> ", 5, TimeUnit.SECONDS))
                .isInstanceOf(IOException.class);
    }
}
