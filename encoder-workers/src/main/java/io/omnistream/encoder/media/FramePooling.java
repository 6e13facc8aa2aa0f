package io.omnistream.encoder.media;

/**
 * How the sampled frames of a video become one vector. The frame values {@link VideoFrames#tensors} produces are
 * the same floats either way ({@code [frames][item]} row-major); only the shape they are fed with and the pooling
 * of the outputs differ.
 */
public enum FramePooling {
    /**
     * Image model applied per frame (an NCHW/NHWC tower): the frames are fed as a batch
     * {@code [videos * frames, item...]}, and a video's
     * vector is the mean of its frames' vectors, L2-normalised (unit length; an all-zero mean is returned as is).
     */
    MEAN,
    /**
     * Clip model (an NTCHW/NTHWC tower, {@link io.omnistream.encoder.tower.TensorInputSpec#clip}): the frames of one
     * video are stacked into one input {@code [videos, frames, item...]} (e.g.
     * {@code [1, 8, 3, 224, 224]}) and the model returns one vector per video, which is L2-normalised.
     */
    MULTI_FRAME;

    /**
     * One unit vector per video from the model's output rows: for MEAN, {@code outputs} has {@code videos * frames}
     * rows (video-major) pooled per video; for MULTI_FRAME, one row per video.
     */
    public float[][] videoVectors(float[][] outputs, int frames) {
        if (frames < 1) {
            throw new IllegalArgumentException("frames must be >= 1, got " + frames);
        }
        if (this == MULTI_FRAME) {
            float[][] out = new float[outputs.length][];
            for (int v = 0; v < outputs.length; v++) {
                out[v] = l2(toDouble(outputs[v]));
            }
            return out;
        }
        if (outputs.length % frames != 0) {
            throw new IllegalArgumentException(outputs.length + " output rows are not a whole number of videos of "
                    + frames + " frames");
        }
        int videos = outputs.length / frames;
        float[][] out = new float[videos][];
        for (int v = 0; v < videos; v++) {
            int dim = outputs[v * frames].length;
            double[] sum = new double[dim];
            for (int f = 0; f < frames; f++) {
                float[] row = outputs[v * frames + f];
                if (row.length != dim) {
                    throw new IllegalArgumentException("output rows have different lengths: " + dim + " and " + row.length);
                }
                for (int d = 0; d < dim; d++) {
                    sum[d] += row[d];
                }
            }
            for (int d = 0; d < dim; d++) {
                sum[d] /= frames;
            }
            out[v] = l2(sum);
        }
        return out;
    }

    private static double[] toDouble(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }

    private static float[] l2(double[] v) {
        double norm = 0;
        for (double x : v) {
            norm += x * x;
        }
        norm = Math.sqrt(norm);
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (norm > 0 ? v[i] / norm : v[i]);
        }
        return out;
    }
}
