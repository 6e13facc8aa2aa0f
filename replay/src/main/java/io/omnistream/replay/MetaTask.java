package io.omnistream.replay;

/**
 * MMEB-V2 meta-tasks (image: CLS, QA, RET, VG; video: V-RET, V-MR, V-CLS, V-QA; visual documents: VisDoc) plus BEIR
 * for text retrieval tasks. {@link #displayName()} is the string carried in {@code Judgment.metaTask} and metric labels.
 */
public enum MetaTask {
    CLS("CLS"), QA("QA"), RET("RET"), VG("VG"), V_RET("V-RET"), V_MR("V-MR"), V_CLS("V-CLS"), V_QA("V-QA"),
    VISDOC("VisDoc"), BEIR("BEIR");

    private final String displayName;

    MetaTask(String displayName) {
        this.displayName = displayName;
    }

    public String displayName() {
        return displayName;
    }

    /** The metric a task of this meta-task is judged by unless its definition says otherwise. */
    public String defaultPrimaryMetric() {
        return switch (this) {
            case VISDOC -> "ndcg@5";
            case BEIR -> "ndcg@10";
            default -> "hit@1";
        };
    }

    /** Accepts the display name ("V-RET", "VisDoc") or the constant name ("V_RET", "VISDOC"), case-insensitive. */
    public static MetaTask parse(String name) {
        for (MetaTask m : values()) {
            if (m.displayName.equalsIgnoreCase(name) || m.name().equalsIgnoreCase(name)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown meta-task '" + name + "'; one of CLS, QA, RET, VG, V-RET, V-MR, "
                + "V-CLS, V-QA, VisDoc, BEIR");
    }
}
