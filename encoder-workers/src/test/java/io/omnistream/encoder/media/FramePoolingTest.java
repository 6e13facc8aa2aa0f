package io.omnistream.encoder.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.omnistream.encoder.tower.TensorInputSpec;
import io.omnistream.encoder.tower.TensorInputSpec.Layout;
import org.junit.jupiter.api.Test;

class FramePoolingTest {
    @Test
    void meanPoolsEachVideosFramesThenNormalises() {
        // video 0: frames (1, 0) and (0, 1): mean (0.5, 0.5), unit (0.7071, 0.7071)
        // video 1: frames (3, 4) and (3, 4): mean (3, 4), unit (0.6, 0.8)
        float[][] out = FramePooling.MEAN.videoVectors(new float[][] {{1, 0}, {0, 1}, {3, 4}, {3, 4}}, 2);
        assertThat(out).hasDimensions(2, 2);
        assertThat(out[0]).containsExactly(new float[] {0.70710677f, 0.70710677f}, within(1e-6f));
        assertThat(out[1]).containsExactly(new float[] {0.6f, 0.8f}, within(1e-6f));
    }

    @Test
    void multiFrameNormalisesTheOneVectorPerVideoAndKeepsZero() {
        float[][] out = FramePooling.MULTI_FRAME.videoVectors(new float[][] {{0, 2}, {0, 0}}, 8);
        assertThat(out[0]).containsExactly(0f, 1f);
        assertThat(out[1]).containsExactly(0f, 0f);
    }

    @Test
    void shapesPutFramesInTheBatchOrInTheirOwnAxis() {
        // MEAN: 2 videos of 8 frames are 16 image items; MULTI_FRAME: 2 clip items of 8 frames
        assertThat(TensorInputSpec.image("x", Layout.NHWC, 3, 224, 224).shape(2 * 8)).containsExactly(16, 224, 224, 3);
        assertThat(TensorInputSpec.clip("x", Layout.NTHWC, 8, 3, 224, 224).shape(2)).containsExactly(2, 8, 224, 224, 3);
    }

    @Test
    void rejectsOutputsThatAreNotWholeVideos() {
        assertThatThrownBy(() -> FramePooling.MEAN.videoVectors(new float[3][2], 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3 output rows");
    }
}
