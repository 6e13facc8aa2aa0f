package io.omnistream.milvus.collection;

import io.omnistream.runtime.error.PermanentFailureException;

/**
 * An embedding's dimension differs from its model version's existing collection. Permanent: retrying cannot change
 * either; the sink dead-letters the record with this message (stage {@code sink}).
 */
public class DimensionMismatchException extends PermanentFailureException {
    private final String collection;
    private final int expected;
    private final int actual;

    public DimensionMismatchException(String collection, String modelVersion, int expected, int actual) {
        super("sink", "dimension mismatch: collection '" + collection + "' (model version '" + modelVersion
                + "') stores " + expected + "-d vectors but got a " + actual + "-d vector");
        this.collection = collection;
        this.expected = expected;
        this.actual = actual;
    }

    public String collection() {
        return collection;
    }

    public int expected() {
        return expected;
    }

    public int actual() {
        return actual;
    }
}
