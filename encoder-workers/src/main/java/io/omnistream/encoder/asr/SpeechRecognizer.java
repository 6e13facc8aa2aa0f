package io.omnistream.encoder.asr;

import java.nio.file.Path;
import java.util.List;

/**
 * Speech to text for the audio cascade: a batch of 16 kHz mono 16-bit PCM WAV files in, one transcript per file out.
 *
 * <p>Failure contract (what the encoder worker's retry and dead-letter handling rely on):
 * <ul>
 *   <li>a file that cannot be recognised because of what it holds (not a 16 kHz mono 16-bit WAV, truncated, empty),
 *       or whose recognition exceeds the per-item time budget: {@link
 *       io.omnistream.runtime.error.PermanentFailureException} with stage {@code preprocess} and a reason naming the
 *       file's position in the batch;</li>
 *   <li>the recogniser itself failing (its process crashed or was killed, the connection dropped, a timeout): a
 *       transient exception (never {@code PermanentFailureException}), so the batch is retried and nothing is lost.</li>
 * </ul>
 */
public interface SpeechRecognizer {

    /**
     * What determines the transcripts (model files' fingerprint, decoder and its settings); part of the cascade's model
     * version, so a change re-versions the embeddings.
     */
    String version();

    /**
     * Transcribes {@code wav16kMono} in order.
     *
     * @param wav16kMono 16 kHz mono 16-bit PCM WAV files, readable by the recogniser
     * @param what       names the input in error reasons, e.g. {@code "audio"}
     * @return one transcript per file, same order; blank where nothing was said
     */
    List<String> recognize(List<Path> wav16kMono, String what);
}
