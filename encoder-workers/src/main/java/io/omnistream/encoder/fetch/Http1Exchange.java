package io.omnistream.encoder.fetch;

import io.omnistream.runtime.error.PermanentFailureException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiPredicate;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * One HTTP/1.1 GET on a fresh connection to an address that {@link UriPolicy} checked ({@code Connection: close},
 * no keep-alive, no compression). The socket is connected to the {@link java.net.InetAddress} itself, never to the
 * name, so nothing is resolved again between the check and the connection (DNS rebinding cannot steer it). For https
 * the TLS handshake sends the host name (SNI) and verifies the server's certificate chain against the trust store
 * and its name against the host ({@code HTTPS} endpoint identification, RFC 2818), exactly as the JDK's HTTP clients
 * do.
 *
 * <p>Bounded in every dimension: every socket read waits at most the time left of {@code deadlineNanos} (a server
 * dripping one byte at a time still ends at the deadline), the status line and headers at most
 * {@value #MAX_HEAD_BYTES} bytes, the body at most {@code maxBytes} (Content-Length checked before reading, then a
 * counted read; chunked bodies counted the same way).
 */
final class Http1Exchange {
    static final int MAX_HEAD_BYTES = 64 * 1024;

    /** The status, headers (lower-case names, first value wins except that conflicting Content-Lengths fail) and body. */
    record Response(int status, Map<String, String> headers, byte[] body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** Thrown when the total time budget ran out; carries no network cause (it is a permanent failure). */
    static final class BudgetExceeded extends Exception {
        BudgetExceeded(String message) {
            super(message);
        }
    }

    private Http1Exchange() {}

    /**
     * Connects to the target's checked addresses in order (each within the connect timeout and the time left), sends
     * the GET, reads the head and, if {@code readBody(status, headers)} says so, the body.
     *
     * @throws IOException        connection refused or timed out at every address, TLS failure, reset (transient)
     * @throws BudgetExceeded     the total time budget ran out
     * @throws PermanentFailureException a malformed response or a body over {@code maxBytes}
     */
    static Response get(FetchTarget target, SSLSocketFactory tls, long connectTimeoutMillis, long deadlineNanos,
                        long maxBytes, String accept, BiPredicate<Integer, Map<String, String>> readBody)
            throws IOException, BudgetExceeded {
        try (Socket socket = connect(target, tls, connectTimeoutMillis, deadlineNanos)) {
            OutputStream out = socket.getOutputStream();
            String request = "GET " + target.requestTarget() + " HTTP/1.1\r\n"
                    + "Host: " + target.hostHeader() + "\r\n"
                    + "User-Agent: omnistream-encoder\r\n"
                    + "Accept: " + accept + "\r\n"
                    + "Accept-Encoding: identity\r\n"
                    + "Connection: close\r\n\r\n";
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BoundedInput in = new BoundedInput(socket, deadlineNanos);
            String head = readHead(in);
            List<String> lines = head.lines().toList();
            String statusLine = lines.get(0);
            String[] parts = statusLine.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/1.") || !parts[1].matches("\\d{3}")) {
                throw malformed("status line '" + UriPolicy.abbreviate(statusLine) + "'");
            }
            int status = Integer.parseInt(parts[1]);
            Map<String, String> headers = new LinkedHashMap<>();
            for (String line : lines.subList(1, lines.size())) {
                int colon = line.indexOf(':');
                if (colon <= 0) {
                    throw malformed("header line '" + UriPolicy.abbreviate(line) + "'");
                }
                String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = line.substring(colon + 1).trim();
                String previous = headers.putIfAbsent(name, value);
                if (previous != null && name.equals("content-length") && !previous.equals(value)) {
                    throw malformed("conflicting Content-Length headers");
                }
            }
            if (!readBody.test(status, headers)) {
                return new Response(status, headers, new byte[0]);
            }
            byte[] body = readBody(in, headers, maxBytes);
            return new Response(status, headers, body);
        }
    }

    private static Socket connect(FetchTarget target, SSLSocketFactory tls, long connectTimeoutMillis,
                                  long deadlineNanos) throws IOException, BudgetExceeded {
        IOException last = null;
        for (var address : target.addresses()) {
            long left = millisLeft(deadlineNanos);
            if (left <= 0) {
                throw new BudgetExceeded("the time budget ran out before connecting to " + address.getHostAddress());
            }
            Socket plain = new Socket();
            try {
                plain.connect(new InetSocketAddress(address, target.port()), (int) Math.min(connectTimeoutMillis, left));
            } catch (SocketTimeoutException e) {
                plain.close();
                if (millisLeft(deadlineNanos) <= 1) {
                    throw new BudgetExceeded("the time budget ran out connecting to " + address.getHostAddress());
                }
                last = e;
                continue;
            } catch (IOException e) {
                plain.close();
                last = e;
                continue;
            }
            if (!target.tls()) {
                return plain;
            }
            try {
                plain.setSoTimeout((int) Math.max(1, millisLeft(deadlineNanos)));
                SSLSocket ssl = (SSLSocket) tls.createSocket(plain, target.host(), target.port(), true);
                SSLParameters params = ssl.getSSLParameters();
                params.setEndpointIdentificationAlgorithm("HTTPS");
                if (HostAllowList.isHostName(target.host().toLowerCase(Locale.ROOT))) {
                    params.setServerNames(List.of(new SNIHostName(target.host())));
                }
                ssl.setSSLParameters(params);
                ssl.startHandshake();
                return ssl;
            } catch (SocketTimeoutException e) {
                plain.close();
                throw new BudgetExceeded("the time budget ran out in the TLS handshake with " + address.getHostAddress());
            } catch (IOException e) {
                plain.close();
                throw e;
            }
        }
        throw last != null ? last : new IOException("no address to connect to");
    }

    private static String readHead(BoundedInput in) throws IOException, BudgetExceeded {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed before the end of the response headers");
            }
            if (head.size() >= MAX_HEAD_BYTES) {
                throw malformed("status line and headers exceed " + MAX_HEAD_BYTES + " bytes");
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.ISO_8859_1).trim();
    }

    private static byte[] readBody(BoundedInput in, Map<String, String> headers, long maxBytes)
            throws IOException, BudgetExceeded {
        String encoding = headers.get("transfer-encoding");
        if (encoding != null && !encoding.equalsIgnoreCase("identity")) {
            if (!encoding.equalsIgnoreCase("chunked")) {
                throw malformed("unsupported Transfer-Encoding '" + encoding + "'");
            }
            return readChunked(in, maxBytes);
        }
        String lengthHeader = headers.get("content-length");
        if (lengthHeader != null) {
            long length;
            try {
                length = Long.parseLong(lengthHeader);
            } catch (NumberFormatException e) {
                throw malformed("Content-Length '" + lengthHeader + "' is not a number");
            }
            if (length < 0) {
                throw malformed("negative Content-Length");
            }
            if (length > maxBytes) {
                throw tooLarge("Content-Length " + length + " bytes", maxBytes);
            }
            byte[] body = in.readExactly((int) length);
            if (body == null) {
                throw new IOException("connection closed before the " + length + " bytes of Content-Length arrived");
            }
            return body;
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        in.copyUntilEof(body, maxBytes);
        return body.toByteArray();
    }

    private static byte[] readChunked(BoundedInput in, long maxBytes) throws IOException, BudgetExceeded {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = in.readLine();
            int ext = sizeLine.indexOf(';');
            long size;
            try {
                size = Long.parseLong((ext < 0 ? sizeLine : sizeLine.substring(0, ext)).trim(), 16);
            } catch (NumberFormatException e) {
                throw malformed("chunk size '" + UriPolicy.abbreviate(sizeLine) + "'");
            }
            if (size < 0) {
                throw malformed("negative chunk size");
            }
            if (size == 0) {
                return body.toByteArray(); // trailers are not read: the connection is closed anyway
            }
            if (body.size() + size > maxBytes) {
                throw tooLarge("the chunked body exceeds the limit", maxBytes);
            }
            byte[] chunk = in.readExactly((int) size);
            if (chunk == null) {
                throw new IOException("connection closed inside a chunk");
            }
            body.write(chunk);
            in.readLine();
        }
    }

    static PermanentFailureException tooLarge(String what, long maxBytes) {
        return new PermanentFailureException(MediaFetcher.STAGE, what + " is over encoder.fetch.max-bytes ("
                + maxBytes + " bytes)");
    }

    private static PermanentFailureException malformed(String what) {
        return new PermanentFailureException(MediaFetcher.STAGE, "malformed HTTP response: " + what);
    }

    static long millisLeft(long deadlineNanos) {
        return (deadlineNanos - System.nanoTime()) / 1_000_000;
    }

    /** Buffered reads from the socket, each waiting at most until the deadline. */
    private static final class BoundedInput {
        private final Socket socket;
        private final InputStream in;
        private final long deadlineNanos;
        private final byte[] buffer = new byte[16 * 1024];
        private int pos;
        private int limit;

        BoundedInput(Socket socket, long deadlineNanos) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.deadlineNanos = deadlineNanos;
        }

        /** Next byte, or -1 at end of stream. */
        int read() throws IOException, BudgetExceeded {
            if (pos == limit && !fill()) {
                return -1;
            }
            return buffer[pos++] & 0xff;
        }

        /** A CRLF-terminated line (at most 1 KiB), without the terminator. */
        String readLine() throws IOException, BudgetExceeded {
            StringBuilder line = new StringBuilder();
            while (true) {
                int b = read();
                if (b < 0) {
                    throw new IOException("connection closed inside a chunked body");
                }
                if (b == '\n') {
                    int n = line.length();
                    return n > 0 && line.charAt(n - 1) == '\r' ? line.substring(0, n - 1) : line.toString();
                }
                if (line.length() >= 1024) {
                    throw malformed("a chunk line exceeds 1024 bytes");
                }
                line.append((char) b);
            }
        }

        /** Exactly {@code n} bytes, or null if the stream ends first. */
        byte[] readExactly(int n) throws IOException, BudgetExceeded {
            byte[] out = new byte[n];
            int off = 0;
            while (off < n) {
                if (pos == limit && !fill()) {
                    return null;
                }
                int k = Math.min(n - off, limit - pos);
                System.arraycopy(buffer, pos, out, off, k);
                pos += k;
                off += k;
            }
            return out;
        }

        /** Everything until end of stream; fails as soon as more than {@code maxBytes} arrived. */
        void copyUntilEof(ByteArrayOutputStream out, long maxBytes) throws IOException, BudgetExceeded {
            while (pos < limit || fill()) {
                if (out.size() + (limit - pos) > maxBytes) {
                    throw tooLarge("the body (no Content-Length)", maxBytes);
                }
                out.write(buffer, pos, limit - pos);
                pos = limit;
            }
        }

        private boolean fill() throws IOException, BudgetExceeded {
            long left = millisLeft(deadlineNanos);
            if (left <= 0) {
                throw new BudgetExceeded("the time budget ran out reading the response");
            }
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
            int n;
            try {
                n = in.read(buffer);
            } catch (SocketTimeoutException e) {
                throw new BudgetExceeded("the time budget ran out reading the response");
            }
            if (n < 0) {
                return false;
            }
            pos = 0;
            limit = n;
            return true;
        }
    }
}
