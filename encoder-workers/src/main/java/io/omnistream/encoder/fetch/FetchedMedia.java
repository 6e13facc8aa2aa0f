package io.omnistream.encoder.fetch;

import java.net.URI;

/**
 * Media fetched for an event.
 *
 * @param bytes       the body, at most {@code encoder.fetch.max-bytes}
 * @param mimeType    the type sniffed from the bytes ({@link MediaSignature#sniff}), not the server's claim
 * @param contentType the response's Content-Type as the server sent it
 * @param finalUri    the URI the bytes came from (after redirects)
 * @param redirects   redirects followed
 */
public record FetchedMedia(byte[] bytes, String mimeType, String contentType, URI finalUri, int redirects) {}
