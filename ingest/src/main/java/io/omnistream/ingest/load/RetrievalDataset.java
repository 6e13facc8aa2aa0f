package io.omnistream.ingest.load;

import java.io.IOException;
import java.util.List;
import java.util.stream.Stream;

/**
 * A retrieval benchmark: corpus, queries and graded judgments. The corpus is streamed (read once per call, never held
 * by the dataset); queries and judgments are small and returned whole.
 */
public interface RetrievalDataset {
    /** Short id, e.g. "scifact". */
    String name();

    /** Streams the corpus from disk; close the stream (try-with-resources) to release the file. */
    Stream<Document> documents() throws IOException;

    /** Evaluation queries in file order. */
    List<Query> queries() throws IOException;

    /** Judgments of the evaluation split, in file order. */
    List<Qrel> qrels() throws IOException;
}
