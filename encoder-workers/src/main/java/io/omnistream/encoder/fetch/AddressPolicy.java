package io.omnistream.encoder.fetch;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Which resolved addresses media may be fetched from. Refused unless private addresses are explicitly allowed
 * ({@code encoder.fetch.allow-private-addresses}): loopback (127/8, ::1), link-local (169.254/16 — where cloud
 * metadata services answer — and fe80::/10), site-local/private (10/8, 172.16/12, 192.168/16, fec0::/10), unique
 * local IPv6 (fc00::/7), carrier-grade NAT (100.64/10), the any-local / "this network" block (0/8, ::), multicast
 * (224/4, ff00::/8) and the reserved/broadcast block 240/4. An IPv6 address that embeds an IPv4 one (IPv4-mapped
 * ::ffff:a.b.c.d, IPv4-compatible ::a.b.c.d, NAT64 64:ff9b::/96) is judged by the embedded IPv4 address. Stateless.
 */
public final class AddressPolicy {
    private AddressPolicy() {}

    /** Null if {@code address} is a public unicast address; otherwise the name of the range that refuses it. */
    public static String refusal(InetAddress address) {
        if (address instanceof Inet6Address v6) {
            byte[] b = v6.getAddress();
            InetAddress embedded = embeddedIpv4(b);
            if (embedded != null) {
                String why = refusal(embedded);
                return why == null ? null : why + " (embedded in IPv6 " + v6.getHostAddress() + ")";
            }
            if (v6.isAnyLocalAddress()) {
                return "the unspecified address ::";
            }
            if (v6.isLoopbackAddress()) {
                return "loopback ::1";
            }
            if (v6.isLinkLocalAddress()) {
                return "link-local fe80::/10";
            }
            if (v6.isSiteLocalAddress()) {
                return "site-local fec0::/10";
            }
            if ((b[0] & 0xfe) == 0xfc) {
                return "unique local fc00::/7";
            }
            if (v6.isMulticastAddress()) {
                return "multicast ff00::/8";
            }
            return null;
        }
        byte[] b = address.getAddress();
        int a0 = b[0] & 0xff;
        int a1 = b[1] & 0xff;
        if (a0 == 0) {
            return "\"this network\" 0.0.0.0/8";
        }
        if (a0 == 127) {
            return "loopback 127.0.0.0/8";
        }
        if (a0 == 169 && a1 == 254) {
            return "link-local 169.254.0.0/16 (cloud metadata)";
        }
        if (a0 == 10) {
            return "private 10.0.0.0/8";
        }
        if (a0 == 172 && a1 >= 16 && a1 <= 31) {
            return "private 172.16.0.0/12";
        }
        if (a0 == 192 && a1 == 168) {
            return "private 192.168.0.0/16";
        }
        if (a0 == 100 && a1 >= 64 && a1 <= 127) {
            return "carrier-grade NAT 100.64.0.0/10";
        }
        if (a0 >= 224 && a0 <= 239) {
            return "multicast 224.0.0.0/4";
        }
        if (a0 >= 240) {
            return "reserved 240.0.0.0/4 (broadcast included)";
        }
        return null;
    }

    /** The IPv4 address inside an IPv4-compatible (::/96), IPv4-mapped (::ffff:0:0/96) or NAT64 (64:ff9b::/96) one. */
    private static InetAddress embeddedIpv4(byte[] b) {
        boolean zero80 = true;
        for (int i = 0; i < 10; i++) {
            zero80 &= b[i] == 0;
        }
        boolean mapped = zero80 && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
        boolean compatible = zero80 && b[10] == 0 && b[11] == 0 && !(b[12] == 0 && b[13] == 0 && b[14] == 0);
        boolean nat64 = (b[0] & 0xff) == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b;
        for (int i = 4; nat64 && i < 12; i++) {
            nat64 = b[i] == 0;
        }
        if (!mapped && !compatible && !nat64) {
            return null;
        }
        try {
            return Inet4Address.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
        } catch (UnknownHostException e) {
            throw new AssertionError("4 bytes are always an IPv4 address", e);
        }
    }
}
