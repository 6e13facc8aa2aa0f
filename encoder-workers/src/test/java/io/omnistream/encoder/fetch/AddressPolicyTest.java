package io.omnistream.encoder.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AddressPolicyTest {

    @ParameterizedTest(name = "{0} refused as {1}")
    @CsvSource({
            "127.0.0.1, loopback 127.0.0.0/8",
            "127.255.255.254, loopback 127.0.0.0/8",
            "169.254.169.254, link-local 169.254.0.0/16",
            "169.254.0.1, link-local 169.254.0.0/16",
            "10.0.0.1, private 10.0.0.0/8",
            "10.255.255.255, private 10.0.0.0/8",
            "172.16.0.1, private 172.16.0.0/12",
            "172.31.255.255, private 172.16.0.0/12",
            "192.168.0.1, private 192.168.0.0/16",
            "192.168.255.255, private 192.168.0.0/16",
            "100.64.0.1, carrier-grade NAT 100.64.0.0/10",
            "100.127.255.255, carrier-grade NAT 100.64.0.0/10",
            "0.0.0.0, 0.0.0.0/8",
            "0.1.2.3, 0.0.0.0/8",
            "224.0.0.1, multicast 224.0.0.0/4",
            "239.255.255.250, multicast 224.0.0.0/4",
            "255.255.255.255, reserved 240.0.0.0/4",
            "240.0.0.1, reserved 240.0.0.0/4",
            "::1, loopback ::1",
            "::, unspecified",
            "fe80::1, link-local fe80::/10",
            "febf:ffff::1, link-local fe80::/10",
            "fec0::1, site-local fec0::/10",
            "fc00::1, unique local fc00::/7",
            "fd12:3456:789a::1, unique local fc00::/7",
            "ff02::1, multicast ff00::/8",
            "::ffff:127.0.0.1, loopback 127.0.0.0/8",
            "::ffff:169.254.169.254, link-local 169.254.0.0/16",
            "::10.0.0.1, private 10.0.0.0/8",
            "64:ff9b::a9fe:a9fe, link-local 169.254.0.0/16",
            "64:ff9b::c0a8:101, private 192.168.0.0/16",
    })
    void refusesNonPublicRanges(String address, String range) throws Exception {
        assertThat(AddressPolicy.refusal(InetAddress.getByName(address))).isNotNull().contains(range);
    }

    @ParameterizedTest
    @ValueSource(strings = {"8.8.8.8", "1.1.1.1", "93.184.216.34", "172.15.255.255", "172.32.0.0", "100.63.255.255",
            "100.128.0.0", "169.253.255.255", "169.255.0.0", "192.167.255.255", "192.169.0.0", "11.0.0.1",
            "126.255.255.255", "128.0.0.1", "223.255.255.255", "2606:4700:4700::1111", "2a00:1450:4001:81a::200e",
            "::ffff:8.8.8.8", "64:ff9b::808:808", "fbff::1"})
    void acceptsPublicUnicast(String address) throws Exception {
        assertThat(AddressPolicy.refusal(InetAddress.getByName(address))).isNull();
    }
}
