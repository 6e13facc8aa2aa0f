package io.omnistream.ingest.load;

import io.omnistream.ingest.validate.MediaRequest;

/**
 * One retrieval-corpus document as BEIR stores it: id, title and body ("text" in BEIR's corpus.jsonl).
 *
 * <p>{@link #text()} is what gets embedded: {@code (title + " " + body).strip()}. That is what the BGE authors' MTEB
 * evaluation wrapper (FlagEmbedding, {@code '{} {}'.format(title, text).strip()}) and sentence-transformers/BEIR feed
 * the encoder for corpora with titles, so scores are comparable with published SciFact/DBpedia numbers. No
 * instruction is applied to documents (BGE uses its query instruction on queries only).
 */
public record Document(String id, String title, String body) {
    public String text() {
        String t = title == null ? "" : title;
        String b = body == null ? "" : body;
        return (t + " " + b).strip();
    }

    /** A TEXT media request for this document with content id {@code idPrefix + id}. */
    public MediaRequest toMediaRequest(String idPrefix, String source) {
        return new MediaRequest(idPrefix + id, null, "TEXT", text(), null, null, null, null, source, null);
    }
}
