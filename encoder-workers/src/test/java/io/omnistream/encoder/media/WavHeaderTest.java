package io.omnistream.encoder.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.omnistream.runtime.error.PermanentFailureException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.Test;

/** Declared WAV durations: from files written by the JDK's own WAV writer, a real recording and crafted headers. */
class WavHeaderTest {
    /** A 16-bit PCM WAV written by javax.sound: {@code frames} frames at {@code rate} Hz, {@code channels} channels. */
    static byte[] javaSoundWav(int frames, float rate, int channels) throws Exception {
        AudioFormat format = new AudioFormat(rate, 16, channels, true, false);
        byte[] pcm = new byte[frames * 2 * channels];
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AudioSystem.write(new AudioInputStream(new ByteArrayInputStream(pcm), format, frames), AudioFileFormat.Type.WAVE, out);
        return out.toByteArray();
    }

    /**
     * A WAV header that declares {@code dataBytes} of 16 kHz mono 16-bit audio (32000 bytes a second), followed by
     * only {@code actualBytes} of samples; {@code extraChunk} puts a LIST chunk of odd length before the data.
     */
    static byte[] craftedWav(long dataBytes, int actualBytes, boolean extraChunk) {
        byte[] list = "LIST\u0005\0\0\0INFOx\0".getBytes(StandardCharsets.ISO_8859_1); // 5 data bytes + 1 pad byte
        ByteBuffer b = ByteBuffer.allocate(44 + (extraChunk ? list.length : 0) + actualBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt((int) Math.min(0xFFFFFFFFL, dataBytes + 36))
                .put("WAVE".getBytes(StandardCharsets.US_ASCII));
        b.put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1).putShort((short) 1)
                .putInt(16_000).putInt(32_000).putShort((short) 2).putShort((short) 16);
        if (extraChunk) {
            b.put(list);
        }
        b.put("data".getBytes(StandardCharsets.US_ASCII)).putInt((int) dataBytes);
        return b.array();
    }

    @Test
    void theDurationOfFilesWrittenByJavaSoundIsTheirFramesOverTheirRate() throws Exception {
        assertThat(WavHeader.declaredSeconds(javaSoundWav(16_000, 16_000, 1)).getAsDouble()).isCloseTo(1.0, within(1e-9));
        assertThat(WavHeader.declaredSeconds(javaSoundWav(22_050 * 3, 44_100, 2)).getAsDouble()).isCloseTo(1.5, within(1e-9));
    }

    @Test
    void aRealRecordingDeclaresItsLength() throws Exception {
        // FSDD 7_jackson_0.wav: 3457 samples at 8 kHz (see AudioSamplesTest)
        byte[] wav = Files.readAllBytes(MediaTestSupport.sharedData("fsdd/recordings/7_jackson_0.wav"));
        assertThat(WavHeader.declaredSeconds(wav).getAsDouble()).isCloseTo(3457 / 8000.0, within(1e-9));
    }

    @Test
    void aHeaderDeclaringTenHoursIsRefusedFromTheHeaderAlone() {
        byte[] tenHours = craftedWav(36_000L * 32_000, 3200, true);
        assertThat(tenHours).hasSizeLessThan(4000); // a tenth of a second of samples behind the header
        assertThat(WavHeader.declaredSeconds(tenHours).getAsDouble()).isEqualTo(36_000.0);
        assertThatThrownBy(() -> WavHeader.checkDeclaredDuration(tenHours, 600))
                .isInstanceOf(PermanentFailureException.class)
                .hasMessage("audio is 36000.0 s (declared by its WAV header), over the 600 s budget");
        assertThatCode(() -> WavHeader.checkDeclaredDuration(craftedWav(600L * 32_000, 0, false), 600))
                .as("exactly at the budget").doesNotThrowAnyException();
        assertThatThrownBy(() -> WavHeader.checkDeclaredDuration(craftedWav(600L * 32_000 + 2, 0, false), 600))
                .isInstanceOf(PermanentFailureException.class).hasMessageContaining("over the 600 s budget");
    }

    @Test
    void headersThatDeclareNoLengthLeaveTheCapToTheDecoder() {
        assertThat(WavHeader.declaredSeconds(craftedWav(0xFFFFFFFFL, 0, false))).as("streaming size").isEmpty();
        assertThat(WavHeader.declaredSeconds(craftedWav(0, 0, false))).as("zero size").isEmpty();
        assertThat(WavHeader.declaredSeconds("RIFF\0\0\0\0WAVE".getBytes(StandardCharsets.US_ASCII))).isEmpty();
        assertThat(WavHeader.declaredSeconds("OggS".getBytes(StandardCharsets.US_ASCII))).isEmpty();
        assertThat(WavHeader.declaredSeconds(new byte[0])).isEmpty();
        byte[] noByteRate = craftedWav(32_000, 0, false);
        noByteRate[28] = noByteRate[29] = noByteRate[30] = noByteRate[31] = 0;
        assertThat(WavHeader.declaredSeconds(noByteRate)).isEmpty();
    }
}
