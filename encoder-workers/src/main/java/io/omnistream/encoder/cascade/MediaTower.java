package io.omnistream.encoder.cascade;

import io.omnistream.encoder.media.AudioSamples;
import io.omnistream.encoder.media.AudioSettings;
import io.omnistream.encoder.media.FramePooling;
import io.omnistream.encoder.media.ImageSettings;
import io.omnistream.encoder.media.ImageTensors;
import io.omnistream.encoder.media.LogMelSpectrogram;
import io.omnistream.encoder.media.VideoFrames;
import io.omnistream.encoder.media.VideoSettings;
import io.omnistream.encoder.tower.NativeTower;
import io.omnistream.encoder.tower.TensorInputSpec.Layout;
import io.omnistream.encoder.tower.TowerSpec;
import io.omnistream.runtime.error.PermanentFailureException;
import io.omnistream.schemas.avro.MediaEvent;
import io.omnistream.schemas.avro.Modality;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * A native ONNX tower for one non-text modality together with the preprocessing that turns that modality's raw
 * media into the tower's input (see {@code encoder-workers/TOWERS.md}):
 * <ul>
 *   <li>IMAGE: decode (PNG, JPEG with EXIF orientation, WebP, ...), resize / crop / normalise → one item;</li>
 *   <li>VIDEO, image-layout tower (NCHW/NHWC): {@code frames} frames sampled uniformly → one item per frame, vectors
 *       mean-pooled ({@link FramePooling#MEAN});</li>
 *   <li>VIDEO, clip-layout tower (NTCHW/NTHWC): the same frames stacked in time order → one item, one vector
 *       ({@link FramePooling#MULTI_FRAME});</li>
 *   <li>DOCUMENT (image-layout tower): the first {@code maxPages} PDF pages rendered at {@code dpi} → one item per
 *       page, vectors mean-pooled;</li>
 *   <li>AUDIO (MEL_FRAMES tower): decoded to mono at the declared rate, Whisper log-mel → one item.</li>
 * </ul>
 * {@link #prepare} runs on the worker thread per event (decode; failures are permanent and dead-lettered with stage
 * "preprocess"); {@link #encode} runs the tower once for a whole micro-batch of prepared events.
 */
public final class MediaTower implements AutoCloseable {
    /** The prepared input of one event: {@code count} items of the tower's item size, concatenated. */
    public record Items(float[] values, int count) {}

    private final Modality modality;
    private final TowerSpec spec;
    private final NativeTower tower;
    private final ImageTensors images;
    private final VideoFrames video;
    /** How a video's frames become its vector: MEAN for an image-layout tower, MULTI_FRAME for a clip layout. */
    private final FramePooling framePooling;
    private final LogMelSpectrogram logMel;
    private final AudioSamples audio;
    private final String version;

    public MediaTower(Modality modality, TowerSpec spec, NativeTower tower) {
        this.modality = modality;
        this.spec = spec;
        this.tower = tower;
        Layout layout = spec.input().layout();
        switch (modality) {
            case IMAGE, DOCUMENT -> {
                if (!layout.isImage()) {
                    throw new IllegalArgumentException(modality + " tower needs an image input layout (NCHW/NHWC), got "
                            + layout);
                }
            }
            case VIDEO -> {
                if (!layout.takesImages()) {
                    throw new IllegalArgumentException("VIDEO tower needs an image (NCHW/NHWC, frames mean-pooled) or clip "
                            + "(NTCHW/NTHWC, frames in one input) layout, got " + layout);
                }
            }
            case AUDIO -> {
                if (spec.input().layout() != Layout.MEL_FRAMES) {
                    throw new IllegalArgumentException("AUDIO tower needs a MEL_FRAMES input, got " + spec.input().layout());
                }
            }
            default -> throw new IllegalArgumentException("no native tower for " + modality);
        }
        this.framePooling = layout.isClip() ? FramePooling.MULTI_FRAME : FramePooling.MEAN;
        this.images = layout.takesImages() ? ImageTensors.of(spec, ImageSettings.DEFAULT) : null;
        this.video = modality == Modality.VIDEO ? new VideoFrames(VideoSettings.DEFAULT.withFrames(spec.sampling().frames())) : null;
        this.logMel = modality == Modality.AUDIO ? LogMelSpectrogram.of(spec) : null;
        this.audio = modality == Modality.AUDIO ? new AudioSamples(AudioSettings.DEFAULT) : null;
        String preprocessing = switch (modality) {
            case IMAGE -> ImageTensors.IMPLEMENTATION;
            case VIDEO -> ImageTensors.IMPLEMENTATION + "; " + video.version() + "; pooling=" + framePooling;
            case DOCUMENT -> ImageTensors.IMPLEMENTATION + "; pdfbox " + org.apache.pdfbox.util.Version.getVersion()
                    + "; dpi=" + spec.sampling().dpi() + "; maxPages=" + spec.sampling().maxPages() + "; pooling=MEAN";
            default -> LogMelSpectrogram.IMPLEMENTATION + "; " + audio.version();
        };
        this.version = "tower(" + tower.version() + "; " + preprocessing + ")";
    }

    public Modality modality() {
        return modality;
    }

    /** The tower and its preprocessing, everything that determines the vectors; part of the model version. */
    public String version() {
        return version;
    }

    /** Decodes and preprocesses one event's media into tower items. */
    public Items prepare(MediaEvent event, StageTimes times) {
        byte[] media = MediaPayload.bytes(event);
        return times.decode(() -> switch (modality) {
            case IMAGE -> new Items(images.item(media), 1);
            // the frames, time-major, are one clip item or one image item each: the same floats either way
            case VIDEO -> new Items(video.tensors(media, images), framePooling == FramePooling.MULTI_FRAME
                    ? 1 : spec.sampling().frames());
            case DOCUMENT -> {
                List<BufferedImage> pages = DocumentOcrTranscriber.render(media, spec.sampling().dpi(),
                        DocumentOcrTranscriber.Budget.of(spec.sampling().maxPages(), ImageSettings.DEFAULT_MAX_PIXELS));
                yield new Items(images.batchOfImages(pages), pages.size());
            }
            case AUDIO -> new Items(audio.logMel(media, logMel), 1);
            default -> throw new PermanentFailureException("preprocess", "no native tower for " + modality);
        });
    }

    /**
     * Runs the tower once over the items of all {@code events} and returns one unit vector per event: the mean of its
     * items' vectors (frames, pages), renormalised; a single item's vector (an image, a clip, audio) as it is.
     */
    public float[][] encode(List<Items> events) {
        int total = 0;
        for (Items e : events) {
            total += e.count();
        }
        int itemSize = spec.input().itemSize();
        float[] values = new float[Math.multiplyExact(total, itemSize)];
        int offset = 0;
        for (Items e : events) {
            System.arraycopy(e.values(), 0, values, offset, e.values().length);
            offset += e.values().length;
        }
        float[][] rows = tower.encode(values, spec.input().shape(total));
        float[][] out = new float[events.size()][];
        int row = 0;
        for (int i = 0; i < events.size(); i++) {
            int n = events.get(i).count();
            float[][] own = java.util.Arrays.copyOfRange(rows, row, row + n);
            out[i] = n == 1 ? own[0] : FramePooling.MEAN.videoVectors(own, n)[0];
            row += n;
        }
        return out;
    }

    @Override
    public void close() {
        tower.close();
    }
}
