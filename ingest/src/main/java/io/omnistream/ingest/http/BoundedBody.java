package io.omnistream.ingest.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/** Reads a request body without ever holding more than {@code limit + 1} bytes. */
final class BoundedBody {
    private BoundedBody() {}

    /** The body was longer than the limit; nothing past limit + 1 bytes was read. */
    static final class TooLargeException extends IOException {
        TooLargeException(String message) {
            super(message);
        }
    }

    /**
     * @param declaredLength the Content-Length header, or -1 when absent (chunked): a declared length over the limit
     *                       is refused before reading a byte
     */
    static byte[] read(InputStream in, long declaredLength, long limit) throws IOException {
        if (declaredLength > limit) {
            throw new TooLargeException("request body is " + declaredLength + " bytes; the limit is " + limit + " bytes");
        }
        int initial = (int) Math.min(declaredLength >= 0 ? declaredLength : 8192, limit) + 1;
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(16, initial));
        byte[] chunk = new byte[8192];
        long total = 0;
        while (true) {
            long allowed = limit + 1 - total; // read at most one byte past the limit: enough to know it is exceeded
            int n = in.read(chunk, 0, (int) Math.min(chunk.length, allowed));
            if (n < 0) {
                break;
            }
            total += n;
            if (total > limit) {
                throw new TooLargeException("request body is larger than the limit of " + limit + " bytes");
            }
            out.write(chunk, 0, n);
        }
        return out.toByteArray();
    }

    /** Reads and drops at most {@code limit} bytes (8 KiB buffer); returns how many were dropped. */
    static long discard(InputStream in, long limit) {
        byte[] chunk = new byte[8192];
        long total = 0;
        try {
            int n;
            while (total < limit && (n = in.read(chunk, 0, (int) Math.min(chunk.length, limit - total))) >= 0) {
                total += n;
            }
        } catch (IOException e) {
            // the client went away; nothing left to protect
        }
        return total;
    }
}
