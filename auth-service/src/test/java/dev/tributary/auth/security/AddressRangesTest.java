package dev.tributary.auth.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

/** tributary.auth.login.trusted-proxies: addresses and CIDR ranges, as docker compose's networks need them. */
class AddressRangesTest {

    @Test
    void aRange_containsTheAddressesUnderItsPrefix_andNoOthers() {
        AddressRanges ranges = AddressRanges.parse(List.of("10.0.0.0/8", "172.16.0.0/12", "192.168.1.128/25"));
        assertThat(ranges.contains("10.0.0.1")).isTrue();
        assertThat(ranges.contains("10.255.255.255")).isTrue();
        assertThat(ranges.contains("11.0.0.0")).isFalse();
        assertThat(ranges.contains("172.31.200.7")).isTrue();
        assertThat(ranges.contains("172.32.0.1")).as("just past the /12").isFalse();
        assertThat(ranges.contains("172.15.255.255")).isFalse();
        assertThat(ranges.contains("192.168.1.128")).isTrue();
        assertThat(ranges.contains("192.168.1.127")).as("a prefix that is no multiple of 8").isFalse();
        assertThat(ranges.contains("127.0.0.1")).isFalse();
    }

    @Test
    void aSingleAddress_isItsOwnRange_inBothFamilies() {
        AddressRanges ranges = AddressRanges.parse(List.of("127.0.0.1", " ::1 ", ""));
        assertThat(ranges.contains("127.0.0.1")).isTrue();
        assertThat(ranges.contains("127.0.0.2")).isFalse();
        assertThat(ranges.contains("::1")).isTrue();
        assertThat(ranges.contains("0:0:0:0:0:0:0:1")).as("as Vert.x writes it").isTrue();
        assertThat(ranges.contains("::2")).isFalse();
    }

    @Test
    void ipv6Ranges_andIpv4MappedAddresses() {
        AddressRanges ranges = AddressRanges.parse(List.of("fd00::/8", "10.0.0.0/8", "2001:db8:1::/48"));
        assertThat(ranges.contains("fd12:3456::1")).isTrue();
        assertThat(ranges.contains("fe80::1")).isFalse();
        assertThat(ranges.contains("2001:db8:1:ffff::9")).isTrue();
        assertThat(ranges.contains("2001:db8:2::1")).isFalse();
        assertThat(ranges.contains("::ffff:10.1.2.3")).as("an IPv4 peer on a dual-stack socket").isTrue();
        assertThat(AddressRanges.parse(List.of("::/0")).contains("10.0.0.1")).as("IPv6 ranges hold no IPv4").isFalse();
        assertThat(AddressRanges.parse(List.of("0.0.0.0/0")).contains("192.0.2.1")).isTrue();
    }

    @Test
    void whatIsNoIpLiteral_isInNoRange_andNeverLookedUp() {
        AddressRanges ranges = AddressRanges.parse(List.of("0.0.0.0/0", "::/0"));
        for (String notAnAddress : new String[] {"localhost", "example.org", "unknown", "10.0.0", "256.0.0.1", "1.2.3.4.5",
                "fe80::1%eth0", ""}) {
            assertThat(ranges.contains(notAnAddress)).as(notAnAddress).isFalse();
        }
    }

    @Test
    void aBadEntry_isRefusedNamingIt() {
        assertThatThrownBy(() -> AddressRanges.parse(List.of("dashboard"))).hasMessageContaining("dashboard");
        assertThatThrownBy(() -> AddressRanges.parse(List.of("10.0.0.0/33"))).hasMessageContaining("0 to 32");
        assertThatThrownBy(() -> AddressRanges.parse(List.of("fd00::/129"))).hasMessageContaining("0 to 128");
        assertThatThrownBy(() -> AddressRanges.parse(List.of("10.0.0.0/x"))).hasMessageContaining("10.0.0.0/x");
        assertThatThrownBy(() -> AddressRanges.parse(List.of("10.1.2.3/8"))).as("host bits set: a typo, not a wider range")
                .hasMessageContaining("10.0.0.0/8");
    }
}
