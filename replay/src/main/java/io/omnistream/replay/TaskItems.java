package io.omnistream.replay;

import java.io.IOException;
import java.util.List;
import java.util.stream.Stream;

/** Where a task's items come from: a reader's view of the files. */
public interface TaskItems {
    /** Each candidate once, in a stable order; streamed from disk where the reader can; close the stream. */
    Stream<BenchItem> candidates() throws IOException;

    /** The evaluation queries in file order. */
    List<BenchQuery> queries() throws IOException;
}
