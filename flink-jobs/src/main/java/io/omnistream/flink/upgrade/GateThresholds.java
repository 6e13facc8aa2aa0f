package io.omnistream.flink.upgrade;

import io.omnistream.schemas.avro.GateSpec;
import java.io.Serializable;

/**
 * The bounds of a deployment's gate ({@code GateSpec}), absolute and in metric units (0..1).
 *
 * @param primaryMetricEpsilon  a task's primary metric of the shadow may be at most this much below live's
 * @param modalityAccuracyDelta a modality pair's {@code target_modality_accuracy} may fall by at most this much
 * @param maxRecallLoss         the shadow's served-path {@code recall_loss@10} per task may be at most this
 */
public record GateThresholds(double primaryMetricEpsilon, double modalityAccuracyDelta, double maxRecallLoss)
        implements Serializable {
    public GateThresholds {
        requireFinite("primaryMetricEpsilon", primaryMetricEpsilon);
        requireFinite("modalityAccuracyDelta", modalityAccuracyDelta);
        requireFinite("maxRecallLoss", maxRecallLoss);
    }

    public static GateThresholds of(GateSpec spec) {
        return new GateThresholds(spec.getPrimaryMetricEpsilon(), spec.getModalityAccuracyDelta(),
                spec.getMaxRecallLoss());
    }

    private static void requireFinite(String name, double v) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException("gate " + name + " = " + v + " is not a finite number");
        }
    }
}
