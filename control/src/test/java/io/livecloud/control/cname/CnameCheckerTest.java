package io.livecloud.control.cname;

import io.livecloud.control.domain.CnameStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.xbill.DNS.Rcode;

import java.net.InetSocketAddress;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(20)
class CnameCheckerTest {
    private static final String DOMAIN = "live.example.com";
    private static final String ASSIGNED = "live.example.com.livecloud-cdn.net";

    private LoopbackDnsServer dns;
    private CnameChecker checker;

    @BeforeEach
    void start() throws Exception {
        dns = new LoopbackDnsServer();
        checker = new CnameChecker(dns.address(), Duration.ofSeconds(2));
    }

    @AfterEach
    void stop() throws Exception {
        dns.close();
    }

    @Test
    void configuredWhenTheCnameMatches() {
        dns.cname(DOMAIN, ASSIGNED);

        CnameChecker.Result r = checker.checkDetailed(DOMAIN, ASSIGNED);
        assertThat(r.status()).isEqualTo(CnameStatus.CONFIGURED);
        assertThat(r.chain()).containsExactly(ASSIGNED);
        assertThat(checker.check(DOMAIN, ASSIGNED)).isEqualTo(CnameStatus.CONFIGURED);
        // the target itself need not resolve: the user's part is done when their CNAME points at it
        assertThat(dns.queriesFor(ASSIGNED)).isZero();
    }

    @Test
    void letterCaseAndTrailingDotsDoNotMatter() {
        dns.cname("LIVE.Example.COM", "Live.Example.Com.LiveCloud-CDN.net.");

        assertThat(checker.check(DOMAIN, ASSIGNED)).isEqualTo(CnameStatus.CONFIGURED);
        assertThat(checker.check("live.EXAMPLE.com.", ASSIGNED + ".")).isEqualTo(CnameStatus.CONFIGURED);
        assertThat(checker.check(DOMAIN, "LIVE.EXAMPLE.COM.LIVECLOUD-CDN.NET.")).isEqualTo(CnameStatus.CONFIGURED);
    }

    @Test
    void configuredThroughATwoHopChainAnsweredHopByHop() {
        dns.cname(DOMAIN, "edge.user-cdn-switch.example.net")
                .cname("edge.user-cdn-switch.example.net", ASSIGNED);

        CnameChecker.Result r = checker.checkDetailed(DOMAIN, ASSIGNED);
        assertThat(r.status()).isEqualTo(CnameStatus.CONFIGURED);
        assertThat(r.chain()).containsExactly("edge.user-cdn-switch.example.net", ASSIGNED);
        // one answer per hop: the checker asked about the intermediate name itself
        assertThat(dns.queriesFor(DOMAIN)).isEqualTo(1);
        assertThat(dns.queriesFor("edge.user-cdn-switch.example.net")).isEqualTo(1);
    }

    @Test
    void configuredThroughAChainReturnedInOneAnswer() {
        dns.chase(true)
                .cname(DOMAIN, "a.example.net")
                .cname("a.example.net", "b.example.net")
                .cname("b.example.net", ASSIGNED)
                .a(ASSIGNED, "203.0.113.7");

        assertThat(checker.checkDetailed(DOMAIN, ASSIGNED).chain())
                .containsExactly("a.example.net", "b.example.net", ASSIGNED);
        assertThat(dns.queries()).isEqualTo(1);
    }

    @Test
    void pendingForNxdomain() {
        CnameChecker.Result r = checker.checkDetailed(DOMAIN, ASSIGNED);
        assertThat(r.status()).isEqualTo(CnameStatus.PENDING);
        assertThat(r.detail()).contains("NXDOMAIN");
    }

    @Test
    void pendingForACnameToSomewhereElse() {
        dns.cname(DOMAIN, "live.example.com.other-cdn.example.org")
                .a("live.example.com.other-cdn.example.org", "198.51.100.1");
        assertThat(checker.check(DOMAIN, ASSIGNED)).isEqualTo(CnameStatus.PENDING);

        // a near miss is still a miss
        dns.cname(DOMAIN, "example.com.livecloud-cdn.net");
        assertThat(checker.check(DOMAIN, ASSIGNED)).isEqualTo(CnameStatus.PENDING);
    }

    @Test
    void pendingForOnlyAnARecord() {
        dns.a(DOMAIN, "192.0.2.10");
        CnameChecker.Result r = checker.checkDetailed(DOMAIN, ASSIGNED);
        assertThat(r.status()).isEqualTo(CnameStatus.PENDING);
        assertThat(r.chain()).isEmpty();
    }

    @Test
    void pendingForServfail() {
        dns.rcode(DOMAIN, Rcode.SERVFAIL);
        CnameChecker.Result r = checker.checkDetailed(DOMAIN, ASSIGNED);
        assertThat(r.status()).isEqualTo(CnameStatus.PENDING);
        assertThat(r.detail()).contains("SERVFAIL");
    }

    @Test
    void pendingWhenTheChainLoopsOrIsTooLong() {
        dns.cname(DOMAIN, "loop.example.net").cname("loop.example.net", DOMAIN);
        assertThat(checker.checkDetailed(DOMAIN, ASSIGNED).detail()).contains("loop");

        dns.cname(DOMAIN, "h1.example.net");
        for (int i = 1; i <= CnameChecker.MAX_HOPS + 1; i++) {
            dns.cname("h" + i + ".example.net", "h" + (i + 1) + ".example.net");
        }
        dns.cname("h" + (CnameChecker.MAX_HOPS + 2) + ".example.net", ASSIGNED);
        CnameChecker.Result r = checker.checkDetailed(DOMAIN, ASSIGNED);
        assertThat(r.status()).isEqualTo(CnameStatus.PENDING);
        assertThat(r.chain()).hasSize(CnameChecker.MAX_HOPS);
    }

    @Test
    void pendingForANameThatDoesNotParse() {
        assertThat(checker.check("bad..name.example.com", ASSIGNED)).isEqualTo(CnameStatus.PENDING);
        assertThat(checker.check(DOMAIN, "")).isEqualTo(CnameStatus.PENDING);
        assertThat(dns.queries()).isZero();
    }

    @Test
    void pendingOnTimeoutWithinTheConfiguredTimeout() {
        dns.cname(DOMAIN, ASSIGNED).drop(true);
        CnameChecker quick = new CnameChecker(dns.address(), Duration.ofMillis(300));

        long t0 = System.nanoTime();
        CnameChecker.Result r = quick.checkDetailed(DOMAIN, ASSIGNED);
        long ms = (System.nanoTime() - t0) / 1_000_000;

        assertThat(r.status()).isEqualTo(CnameStatus.PENDING);
        assertThat(r.detail()).contains("no answer");
        assertThat(ms).isLessThan(2000);
        assertThat(dns.queries()).isPositive();

        // and the same checker works again once the server answers
        dns.drop(false);
        assertThat(quick.check(DOMAIN, ASSIGNED)).isEqualTo(CnameStatus.CONFIGURED);
    }

    @Test
    void pendingWhenNothingListens() throws Exception {
        int port = dns.port();
        dns.close();
        CnameChecker nobody = new CnameChecker("127.0.0.1:" + port, Duration.ofMillis(300));
        assertThat(nobody.check(DOMAIN, ASSIGNED)).isEqualTo(CnameStatus.PENDING);
    }

    @Test
    void resolverAddresses() {
        assertThat(CnameChecker.parseAddress("127.0.0.1:5353")).isEqualTo(new InetSocketAddress("127.0.0.1", 5353));
        assertThat(CnameChecker.parseAddress("127.0.0.1").getPort()).isEqualTo(53);
        assertThat(CnameChecker.parseAddress("[::1]:5353").getPort()).isEqualTo(5353);
        assertThat(CnameChecker.parseAddress("::1").getPort()).isEqualTo(53);
        assertThatThrownBy(() -> CnameChecker.parseAddress("127.0.0.1:0")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CnameChecker.parseAddress("127.0.0.1:x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CnameChecker(dns.address(), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        // the system resolver: constructing it sends nothing
        assertThat(new CnameChecker().timeout()).isEqualTo(CnameChecker.DEFAULT_TIMEOUT);
        assertThat(new CnameChecker(null, null).toString()).contains("system resolver");
    }
}
