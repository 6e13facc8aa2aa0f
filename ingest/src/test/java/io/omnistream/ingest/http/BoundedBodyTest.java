package io.omnistream.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class BoundedBodyTest {
    /** Counts bytes handed out, to prove the reader stops at limit + 1. */
    private static final class Counting extends FilterInputStream {
        long read;

        Counting(int size) {
            super(new ByteArrayInputStream(new byte[size]));
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                read += n;
            }
            return n;
        }
    }

    @Test
    void readsBodiesUpToTheLimit() throws Exception {
        assertThat(BoundedBody.read(new Counting(100), -1, 100)).hasSize(100);
        assertThat(BoundedBody.read(new Counting(0), 0, 100)).isEmpty();
    }

    @Test
    void chunkedBodyOverTheLimitStopsAfterOneExtraByte() {
        Counting in = new Counting(1_000_000);
        assertThatThrownBy(() -> BoundedBody.read(in, -1, 100)).isInstanceOf(BoundedBody.TooLargeException.class);
        assertThat(in.read).isEqualTo(101);
    }

    @Test
    void declaredLengthOverTheLimitIsRefusedBeforeReading() {
        Counting in = new Counting(1000);
        assertThatThrownBy(() -> BoundedBody.read(in, 1000, 100)).isInstanceOf(BoundedBody.TooLargeException.class);
        assertThat(in.read).isZero();
    }

    @Test
    void discardIsBounded() {
        Counting in = new Counting(1000);
        assertThat(BoundedBody.discard(in, 300)).isEqualTo(300);
        assertThat(in.read).isEqualTo(300);
    }
}
