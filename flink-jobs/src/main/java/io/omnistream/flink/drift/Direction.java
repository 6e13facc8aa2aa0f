package io.omnistream.flink.drift;

/** Direction of a detected change of a series' level or of a score distribution. */
public enum Direction {
    /** The series (or the current window's scores) moved up. */
    UP("up"),
    /** The series (or the current window's scores) moved down. */
    DOWN("down");

    private final String wireName;

    Direction(String wireName) {
        this.wireName = wireName;
    }

    /** The value of {@code DriftAlert.direction}: {@code "up"} or {@code "down"}. */
    public String wireName() {
        return wireName;
    }
}
