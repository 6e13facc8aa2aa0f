package io.omnistream.encoder.media;

/**
 * Mono float PCM.
 *
 * @param samples       samples in [-1, 1] (full scale), mono
 * @param sampleRateHz  samples per second
 * @param sourceSeconds the source's duration as the container reports it (ffprobe), before any truncation
 * @param truncated     true if the source was longer than the requested clip and only its start was decoded
 */
public record DecodedAudio(float[] samples, int sampleRateHz, double sourceSeconds, boolean truncated) {
    /** Duration of {@link #samples()} in seconds. */
    public double seconds() {
        return (double) samples.length / sampleRateHz;
    }
}
