package io.omnistream.encoder.tower;

import java.util.List;
import java.util.Objects;

/**
 * How raw media become the values a {@link NativeTower} is fed, as declared in the registry. The tower itself only
 * sees floats; this declaration exists so that the preprocessing is part of the tower's identity: its
 * {@link #descriptor()} is hashed into {@link NativeTower#version()}, so changing e.g. a normalisation constant
 * yields a new version (vectors of different preprocessing must never share an index).
 */
public sealed interface Preprocessing permits Preprocessing.Image, Preprocessing.LogMel {

    /**
     * A canonical text of every setting, built from the parsed values (so {@code 0.50} and {@code 0.5} give the same
     * descriptor, {@code 0.5} and {@code 0.48} do not).
     */
    String descriptor();

    /** How an image is brought to the input's height x width before normalisation. */
    enum ResizeMode {
        /** Scale so the shorter side equals the target, then crop the centre (CLIP). Keeps aspect ratio. */
        SHORTER_THEN_CENTER_CROP,
        /** Scale each side to the target independently (SigLIP). Distorts the aspect ratio; crops nothing. */
        STRETCH
    }

    /** Resampling filter used when resizing. */
    enum Interpolation {
        BICUBIC,
        BILINEAR
    }

    /**
     * Image preprocessing: decode to RGB (or grayscale for 1 channel), resize to the input's height x width, scale
     * 8-bit values to [0, 1], then per channel {@code (value - mean[c]) / std[c]}.
     *
     * @param mean          per-channel mean, in [0, 1] units, one per channel of the input
     * @param std           per-channel standard deviation, in [0, 1] units, all &gt; 0
     * @param resize        resize mode
     * @param interpolation resampling filter
     */
    record Image(List<Double> mean, List<Double> std, ResizeMode resize, Interpolation interpolation)
            implements Preprocessing {
        public Image {
            mean = List.copyOf(mean);
            std = List.copyOf(std);
            Objects.requireNonNull(resize, "resize");
            Objects.requireNonNull(interpolation, "interpolation");
            if (mean.isEmpty() || mean.size() != std.size()) {
                throw new IllegalArgumentException("mean and std need one value per channel, got mean " + mean + ", std " + std);
            }
            for (double s : std) {
                if (!(s > 0) || Double.isInfinite(s)) {
                    throw new IllegalArgumentException("std values must be finite and > 0 (they divide), got " + std);
                }
            }
            for (double m : mean) {
                if (!Double.isFinite(m)) {
                    throw new IllegalArgumentException("mean values must be finite, got " + mean);
                }
            }
        }

        @Override
        public String descriptor() {
            return "image(scale=1/255; mean=" + mean + "; std=" + std + "; resize=" + resize
                    + "; interpolation=" + interpolation + ")";
        }
    }

    /**
     * Log-mel spectrogram preprocessing: resample to {@code sampleRateHz} mono, STFT with {@code fftSize}-sample
     * windows every {@code hopLength} samples, mel filter bank (the input's mel bins), log. The input's frame count
     * fixes the clip length: {@code frames * hopLength / sampleRateHz} seconds (Whisper: 3000 * 160 / 16000 = 30 s).
     *
     * @param sampleRateHz audio sample rate in Hz
     * @param fftSize      STFT window length in samples
     * @param hopLength    STFT hop in samples
     */
    record LogMel(int sampleRateHz, int fftSize, int hopLength) implements Preprocessing {
        public LogMel {
            if (sampleRateHz <= 0 || fftSize <= 0 || hopLength <= 0) {
                throw new IllegalArgumentException("sampleRate, fftSize and hopLength must be > 0, got "
                        + sampleRateHz + ", " + fftSize + ", " + hopLength);
            }
        }

        @Override
        public String descriptor() {
            return "log-mel(sampleRate=" + sampleRateHz + "Hz; fftSize=" + fftSize + "; hopLength=" + hopLength + ")";
        }
    }
}
