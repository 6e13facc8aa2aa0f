package io.omnistream.encoder.tower;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OnnxJavaType;
import io.omnistream.encoder.model.ModelLoadException;
import io.omnistream.encoder.tower.TensorInputSpec.ElementType;
import io.omnistream.encoder.tower.TensorInputSpec.Layout;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The declaration-vs-graph rules, with graph metadata given by hand (NativeTowerTest checks them on real sessions). */
class TensorInputSpecTest {
    private static final String WHERE = "tower 't' (model /m.onnx)";
    private static final TensorInputSpec CLIP_NCHW = TensorInputSpec.image("pixel_values", Layout.NCHW, 3, 224, 224);

    @Test
    void shapesFollowTheLayout() {
        assertThat(TensorInputSpec.image("x", Layout.NHWC, 3, 224, 160).itemShape()).containsExactly(224, 160, 3);
        assertThat(CLIP_NCHW.shape(2)).containsExactly(2, 3, 224, 224);
        assertThat(CLIP_NCHW.itemSize()).isEqualTo(3 * 224 * 224);
        assertThat(TensorInputSpec.melFrames("input_features", 80, 3000).shapeText()).isEqualTo("[batch, 80, 3000]");
        assertThat(CLIP_NCHW.describe()).isEqualTo("pixel_values FLOAT NCHW [batch, 3, 224, 224]");
    }

    @Test
    void declarationMustFitItsLayout() {
        assertThatThrownBy(() -> new TensorInputSpec("x", ElementType.FLOAT, Layout.MEL_FRAMES, List.of(80, 3000, 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[mel bins, frames]");
        assertThatThrownBy(() -> TensorInputSpec.image("x", Layout.NCHW, 3, 0, 224))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dims must be > 0");
        assertThatThrownBy(() -> TensorInputSpec.image("x", Layout.MEL_FRAMES, 3, 224, 224))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not an image layout");
    }

    @Test
    void dynamicBatchAndDynamicItemDimsAreAccepted() {
        assertThatCode(() -> CLIP_NCHW.validate(OnnxJavaType.FLOAT, new long[] {-1, 3, 224, 224}, WHERE)).doesNotThrowAnyException();
        assertThatCode(() -> CLIP_NCHW.validate(OnnxJavaType.FLOAT, new long[] {-1, 3, -1, -1}, WHERE)).doesNotThrowAnyException();
    }

    @Test
    void fixedBatchDimensionIsRejectedWithTheReExportHint() {
        assertThatThrownBy(() -> CLIP_NCHW.validate(OnnxJavaType.FLOAT, new long[] {1, 3, 224, 224}, WHERE))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageStartingWith(WHERE)
                .hasMessageContaining("fixed batch dimension 1")
                .hasMessageContaining("dynamic_axes={'pixel_values': {0: 'batch'}}");
    }

    @Test
    void otherImageLayoutOfTheSameSizeGetsALayoutHint() {
        assertThatThrownBy(() -> CLIP_NCHW.validate(OnnxJavaType.FLOAT, new long[] {-1, 224, 224, 3}, WHERE))
                .isInstanceOf(ModelLoadException.class)
                .hasMessage(WHERE + ": input 'pixel_values' is declared NCHW [batch, 3, 224, 224] but the ONNX graph has "
                        + "[-1, 224, 224, 3] (-1 = dynamic); that is the NHWC layout of the same image size: declare layout NHWC");
    }

    @Test
    void otherSizeOrRankGetsNoLayoutHint() {
        assertThatThrownBy(() -> CLIP_NCHW.validate(OnnxJavaType.FLOAT, new long[] {-1, 3, 256, 256}, WHERE))
                .hasMessageContaining("declared NCHW [batch, 3, 224, 224] but the ONNX graph has [-1, 3, 256, 256]")
                .hasMessageNotContaining("declare layout");
        assertThatThrownBy(() -> CLIP_NCHW.validate(OnnxJavaType.FLOAT, new long[] {-1, 50, 768}, WHERE))
                .hasMessageContaining("[-1, 50, 768]");
    }

    @Test
    void nonFloatInputIsRejected() {
        assertThatThrownBy(() -> CLIP_NCHW.validate(OnnxJavaType.FLOAT16, new long[] {-1, 3, 224, 224}, WHERE))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("element type FLOAT16 but the tower feeds FLOAT (float32)");
    }
}
