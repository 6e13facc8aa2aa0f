package io.omnistream.encoder.media;

import java.awt.image.BufferedImage;

/**
 * One frame sampled from a video.
 *
 * @param index         0-based sample number (0 .. frames-1), in time order
 * @param sampleSeconds the sampling time, {@code (index + 0.5) * duration / frames}, seconds from the start of the file
 * @param frameSeconds  presentation time of the decoded frame, seconds from the start of the file: the latest
 *                      frame whose time is &lt;= sampleSeconds (the frame on screen at that moment). NaN when the
 *                      container gives no packet timestamps; the frame is then the first one at or after
 *                      sampleSeconds (ffmpeg's {@code -ss})
 * @param image         the decoded frame, 8-bit RGB ({@link BufferedImage#TYPE_INT_RGB}), in display orientation
 *                      (ffmpeg applies rotation metadata), at the stream's stored resolution (sample aspect ratio
 *                      not applied)
 */
public record SampledFrame(int index, double sampleSeconds, double frameSeconds, BufferedImage image) {}
