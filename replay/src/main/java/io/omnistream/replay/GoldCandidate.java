package io.omnistream.replay;

/** A judged candidate of one query: graded relevance, {@code > 0} = relevant, {@code 0} = judged not relevant. */
public record GoldCandidate(String candidateId, int relevance) {
    public boolean relevant() {
        return relevance > 0;
    }
}
