package io.omnistream.encoder.asr;

import java.nio.file.Path;
import java.util.List;

/**
 * Turns speech into text: the recogniser behind the AUDIO cascade (PocketSphinx as a subprocess, or Whisper in a
 * managed Python process). Implementations are thread-safe.
 */
public interface SpeechRecognizer {

    /** Everything that determines the output: recogniser, model fingerprint, settings. Part of the model version. */
    String version();

    /**
     * The transcript of each 16 kHz mono 16-bit WAV file, in order, one entry per file (blank when nothing was
     * recognised).
     *
     * @param what names the input in error messages, e.g. "audio"
     * @throws io.omnistream.runtime.error.PermanentFailureException for audio that can never be transcribed
     * @throws RuntimeException for a failure of the recogniser itself (transient: the worker retries)
     */
    List<String> recognize(List<Path> wav16kMono, String what);
}
