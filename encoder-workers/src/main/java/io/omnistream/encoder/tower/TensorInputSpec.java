package io.omnistream.encoder.tower;

import ai.onnxruntime.OnnxJavaType;
import io.omnistream.encoder.model.ModelLoadException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The one input tensor a {@link NativeTower} feeds: its name in the ONNX graph, element type, and shape
 * {@code [batch, item dims...]}, where the item dims follow from the {@link Layout}. The batch dimension is always
 * first and must be dynamic in the graph; every other dimension is fixed by this declaration.
 *
 * <p>Checked against the session's actual input metadata when the tower loads ({@link #validate}), so a model
 * exported with another layout, size or element type fails at start-up with both shapes in the message.
 *
 * @param name        the graph input's name, e.g. {@code pixel_values} or {@code input_features}
 * @param elementType element type of the values fed; only {@link ElementType#FLOAT}
 * @param layout      what the item dims mean (the preprocessing writes values in this order)
 * @param itemShape   the dims after the batch dim, in the layout's order, all &gt; 0
 */
public record TensorInputSpec(String name, ElementType elementType, Layout layout, List<Integer> itemShape) {

    /**
     * Element type of the input tensor. Only float32: the image and audio encoders this targets (CLIP, SigLIP,
     * VLM2Vec-style vision towers, Whisper/CLAP-style audio encoders) take float32 pixel values or log-mel features;
     * an fp16-input export is rejected at load rather than fed converted values.
     */
    public enum ElementType {
        FLOAT
    }

    /** Order of the item dims. Preprocessing writes values row-major in this order. */
    public enum Layout {
        /** Image, item {@code [channels, height, width]} (PyTorch exports: CLIP, SigLIP). */
        NCHW(3, "channels, height, width"),
        /** Image, item {@code [height, width, channels]} (TensorFlow / JAX exports). */
        NHWC(3, "height, width, channels"),
        /** Log-mel spectrogram, item {@code [mel bins, frames]} (Whisper-style {@code [batch, 80, 3000]}). */
        MEL_FRAMES(2, "mel bins, frames"),
        /**
         * Video clip, item {@code [frames, channels, height, width]}: the sampled frames of one video stacked in time
         * order (multi-frame video encoders exported from PyTorch, e.g. {@code [batch, 8, 3, 224, 224]}).
         */
        NTCHW(4, "frames, channels, height, width"),
        /** Video clip, item {@code [frames, height, width, channels]}. */
        NTHWC(4, "frames, height, width, channels");

        private final int itemRank;
        private final String dims;

        Layout(int itemRank, String dims) {
            this.itemRank = itemRank;
            this.dims = dims;
        }

        public int itemRank() {
            return itemRank;
        }

        /** One image per item. */
        public boolean isImage() {
            return this == NCHW || this == NHWC;
        }

        /** One video clip (several frames) per item. */
        public boolean isClip() {
            return this == NTCHW || this == NTHWC;
        }

        /** Items made of images: one image or a clip of them (the image preprocessing applies). */
        public boolean takesImages() {
            return isImage() || isClip();
        }

        /** The layout of one frame of a clip layout, or this image layout itself. */
        public Layout frameLayout() {
            return switch (this) {
                case NCHW, NTCHW -> NCHW;
                case NHWC, NTHWC -> NHWC;
                case MEL_FRAMES -> throw new IllegalArgumentException(this + " has no image frames");
            };
        }
    }

    public TensorInputSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(elementType, "elementType");
        Objects.requireNonNull(layout, "layout");
        itemShape = List.copyOf(itemShape);
        if (name.isBlank()) {
            throw new IllegalArgumentException("input name must not be blank");
        }
        if (itemShape.size() != layout.itemRank) {
            throw new IllegalArgumentException("input '" + name + "': layout " + layout + " has " + layout.itemRank
                    + " item dims [" + layout.dims + "], got " + itemShape);
        }
        long size = 1;
        for (int dim : itemShape) {
            if (dim <= 0) {
                throw new IllegalArgumentException("input '" + name + "': dims must be > 0, got " + itemShape);
            }
            size *= dim;
        }
        if (size > Integer.MAX_VALUE) {
            // One item must fit a Java float[]; real towers are far below (CLIP 224x224: 150528 floats).
            throw new IllegalArgumentException("input '" + name + "': " + itemShape + " is too large for one item");
        }
    }

    /** An RGB (3 channels) or grayscale (1) image input of {@code height x width} pixels. */
    public static TensorInputSpec image(String name, Layout layout, int channels, int height, int width) {
        return switch (layout) {
            case NCHW -> new TensorInputSpec(name, ElementType.FLOAT, layout, List.of(channels, height, width));
            case NHWC -> new TensorInputSpec(name, ElementType.FLOAT, layout, List.of(height, width, channels));
            case MEL_FRAMES, NTCHW, NTHWC -> throw new IllegalArgumentException("input '" + name + "': " + layout
                    + " is not an image layout (NCHW, NHWC)");
        };
    }

    /** A video clip input of {@code frames} images of {@code height x width} pixels each, stacked in time order. */
    public static TensorInputSpec clip(String name, Layout layout, int frames, int channels, int height, int width) {
        if (!layout.isClip()) {
            throw new IllegalArgumentException("input '" + name + "': " + layout + " is not a clip layout (NTCHW, NTHWC)");
        }
        if (frames <= 0) {
            throw new IllegalArgumentException("input '" + name + "': frames must be > 0, got " + frames);
        }
        List<Integer> frame = image(name, layout.frameLayout(), channels, height, width).itemShape();
        List<Integer> item = new ArrayList<>(frame.size() + 1);
        item.add(frames);
        item.addAll(frame);
        return new TensorInputSpec(name, ElementType.FLOAT, layout, item);
    }

    /**
     * What one image of an item is fed as: this input for an image layout; for a clip layout one frame of it
     * ({@code [channels, height, width]} or {@code [height, width, channels]}), which is how the preprocessing writes
     * each frame.
     */
    public TensorInputSpec frameInput() {
        if (layout.isImage()) {
            return this;
        }
        if (!layout.isClip()) {
            throw new IllegalArgumentException("input '" + name + "': " + layout + " has no image frames");
        }
        return new TensorInputSpec(name, elementType, layout.frameLayout(), itemShape.subList(1, itemShape.size()));
    }

    /** Frames per item: the first item dim of a clip layout, 1 for an image layout. */
    public int framesPerItem() {
        return layout.isClip() ? itemShape.get(0) : 1;
    }

    /** A log-mel spectrogram input of {@code melBins x frames}. */
    public static TensorInputSpec melFrames(String name, int melBins, int frames) {
        return new TensorInputSpec(name, ElementType.FLOAT, Layout.MEL_FRAMES, List.of(melBins, frames));
    }

    /** Number of floats in one item (the product of {@link #itemShape()}). */
    public int itemSize() {
        int size = 1;
        for (int dim : itemShape) {
            size *= dim;
        }
        return size;
    }

    /** The full shape for a batch of {@code batch} items. */
    public long[] shape(int batch) {
        if (batch < 0) {
            throw new IllegalArgumentException("batch must be >= 0, got " + batch);
        }
        long[] shape = new long[itemShape.size() + 1];
        shape[0] = batch;
        for (int i = 0; i < itemShape.size(); i++) {
            shape[i + 1] = itemShape.get(i);
        }
        return shape;
    }

    /** True if {@code shape} is {@code [b, item dims...]} for some batch size b &gt;= 0. */
    public boolean matchesBatchShape(long[] shape) {
        if (shape.length != itemShape.size() + 1 || shape[0] < 0) {
            return false;
        }
        for (int i = 0; i < itemShape.size(); i++) {
            if (shape[i + 1] != itemShape.get(i)) {
                return false;
            }
        }
        return true;
    }

    /** E.g. {@code [batch, 3, 224, 224]}. */
    public String shapeText() {
        StringBuilder text = new StringBuilder("[batch");
        for (int dim : itemShape) {
            text.append(", ").append(dim);
        }
        return text.append(']').toString();
    }

    /** Everything this declaration says, e.g. {@code pixel_values FLOAT NCHW [batch, 3, 224, 224]}; hashed into tower versions. */
    public String describe() {
        return name + " " + elementType + " " + layout + " " + shapeText();
    }

    /**
     * Checks the graph input this declaration names against ONNX Runtime's metadata for it.
     *
     * <p>Accepted: element type float32; the same rank; a dynamic (-1) batch dim; every other dim either equal to
     * the declared one or dynamic in the graph (then the declared size is what is fed).
     *
     * @param actualType  the graph input's element type
     * @param actualShape the graph input's shape, -1 for dynamic (symbolic) dims
     * @param where       names the tower and its model file in the error, e.g. {@code tower 'x' (model /m.onnx)}
     * @throws ModelLoadException naming the input, the declared and the actual shape
     */
    public void validate(OnnxJavaType actualType, long[] actualShape, String where) {
        if (actualType != OnnxJavaType.FLOAT) {
            throw new ModelLoadException(where + ": input '" + name + "' has element type " + actualType
                    + " but the tower feeds FLOAT (float32); only float32 inputs are supported");
        }
        boolean itemDimsMatch = actualShape.length == itemShape.size() + 1;
        for (int i = 0; itemDimsMatch && i < itemShape.size(); i++) {
            long actual = actualShape[i + 1];
            itemDimsMatch = actual == -1 || actual == itemShape.get(i);
        }
        if (!itemDimsMatch) {
            throw new ModelLoadException(where + ": input '" + name + "' is declared " + layout + " " + shapeText()
                    + " but the ONNX graph has " + Arrays.toString(actualShape) + " (-1 = dynamic)" + layoutHint(actualShape));
        }
        if (actualShape[0] != -1) {
            throw new ModelLoadException(where + ": input '" + name + "' has a fixed batch dimension "
                    + actualShape[0] + " (graph shape " + Arrays.toString(actualShape) + "); the tower needs a dynamic "
                    + "batch axis: re-export with e.g. dynamic_axes={'" + name + "': {0: 'batch'}}");
        }
    }

    /** If the graph's dims are this image's dims in the other image layout, say so: the commonest export mix-up. */
    private String layoutHint(long[] actualShape) {
        if (!layout.isImage() || actualShape.length != 4) {
            return "";
        }
        Layout other = layout == Layout.NCHW ? Layout.NHWC : Layout.NCHW;
        int channels = layout == Layout.NCHW ? itemShape.get(0) : itemShape.get(2);
        int height = layout == Layout.NCHW ? itemShape.get(1) : itemShape.get(0);
        int width = layout == Layout.NCHW ? itemShape.get(2) : itemShape.get(1);
        List<Integer> otherItem = image(name, other, channels, height, width).itemShape();
        List<Long> actualItem = new ArrayList<>();
        for (int i = 1; i < actualShape.length; i++) {
            actualItem.add(actualShape[i]);
        }
        return actualItem.equals(otherItem.stream().map(Integer::longValue).toList())
                ? "; that is the " + other + " layout of the same image size: declare layout " + other : "";
    }
}
