package io.omnistream.flink.upgrade;

import java.util.Map;
import java.util.Objects;

/**
 * What the gate is evaluated on: the figures of the live and the shadow version for one replay epoch.
 *
 * @param epoch                 the replay epoch
 * @param livePrimary           per task scored for live: its primary metric on the exact path
 * @param shadowPrimary         per task scored for the shadow: the same metric on the exact path
 * @param notScored             per task with dead-lettered items in the epoch ({@code not_scored}): the reason
 * @param liveRecallLoss        per task: live's served-path {@code recall_loss@10} (reported beside the shadow's)
 * @param shadowRecallLoss      per task: the shadow's served-path {@code recall_loss@10}; {@code null} = the served
 *                              path is off (not measured at all)
 * @param liveModalityAccuracy  per modality pair ({@code TEXT->IMAGE}): live's {@code target_modality_accuracy}
 * @param shadowModalityAccuracy the same for the shadow
 */
public record EpochFigures(int epoch, Map<String, Figure> livePrimary, Map<String, Figure> shadowPrimary,
        Map<String, String> notScored, Map<String, Figure> liveRecallLoss, Map<String, Figure> shadowRecallLoss,
        Map<String, Figure> liveModalityAccuracy, Map<String, Figure> shadowModalityAccuracy) {
    public EpochFigures {
        Objects.requireNonNull(livePrimary, "livePrimary");
        Objects.requireNonNull(shadowPrimary, "shadowPrimary");
        Objects.requireNonNull(notScored, "notScored");
        Objects.requireNonNull(liveRecallLoss, "liveRecallLoss");
        Objects.requireNonNull(liveModalityAccuracy, "liveModalityAccuracy");
        Objects.requireNonNull(shadowModalityAccuracy, "shadowModalityAccuracy");
    }

    public boolean servedPathOn() {
        return shadowRecallLoss != null;
    }
}
