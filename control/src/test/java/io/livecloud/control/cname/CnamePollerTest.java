package io.livecloud.control.cname;

import io.livecloud.control.domain.AuthConfig;
import io.livecloud.control.domain.CnameStatus;
import io.livecloud.control.domain.Domain;
import io.livecloud.control.domain.DomainStatus;
import io.livecloud.control.domain.DomainType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

@Timeout(30)
class CnamePollerTest {
    private static final String ZONE = "livecloud-cdn.net";
    private static final Duration FAST = Duration.ofMillis(50);

    private LoopbackDnsServer dns;
    private CnameChecker checker;
    /** The "store": the supplier reads it, the callback writes it. */
    private final Map<String, Domain> store = new ConcurrentHashMap<>();
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final List<String> callbackThreads = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        dns = new LoopbackDnsServer();
        checker = new CnameChecker(dns.address(), Duration.ofMillis(500));
    }

    @AfterEach
    void stop() throws Exception {
        dns.close();
    }

    static Domain domain(String name, CnameStatus status) {
        Instant now = Instant.now();
        return new Domain(name, DomainType.PLAY, "cn-shanghai", "domestic", DomainStatus.ONLINE, name + "." + ZONE,
                status, false, AuthConfig.newDefault(), now, now);
    }

    private void add(String name, CnameStatus status) {
        store.put(name, domain(name, status));
    }

    private void save(String name, CnameStatus status) {
        calls.add(name + "=" + status.apiName());
        callbackThreads.add(Thread.currentThread().getName() + (Thread.currentThread().isDaemon() ? "/daemon" : ""));
        store.computeIfPresent(name, (k, d) -> d.withCnameStatus(status, Instant.now()));
    }

    @Test
    void flipsToConfiguredWhenTheRecordAppearsAndCallsBackOnlyOnChange() {
        add("play.example.com", CnameStatus.PENDING);
        add("other.example.com", CnameStatus.PENDING); // stays pending: never reported
        try (CnamePoller poller = new CnamePoller(checker, store::values, this::save, FAST, Duration.ZERO)) {
            await().atMost(5, TimeUnit.SECONDS).until(() -> dns.queriesFor("play.example.com") >= 3);
            assertThat(calls).isEmpty();

            dns.cname("play.example.com", "play.example.com." + ZONE);
            await().atMost(5, TimeUnit.SECONDS).until(() -> !calls.isEmpty());
            assertThat(store.get("play.example.com").cnameStatus()).isEqualTo(CnameStatus.CONFIGURED);

            int seen = dns.queriesFor("play.example.com");
            await().atMost(5, TimeUnit.SECONDS).until(() -> dns.queriesFor("play.example.com") >= seen + 3);
            assertThat(calls).containsExactly("play.example.com=configured");
            assertThat(callbackThreads).containsOnly(CnamePoller.THREAD_NAME + "/daemon");

            // the user removes the record: back to pending, once
            dns.remove("play.example.com");
            await().atMost(5, TimeUnit.SECONDS).until(() -> calls.size() == 2);
            int seen2 = dns.queriesFor("play.example.com");
            await().atMost(5, TimeUnit.SECONDS).until(() -> dns.queriesFor("play.example.com") >= seen2 + 3);
            assertThat(calls).containsExactly("play.example.com=configured", "play.example.com=pending");
        }
    }

    @Test
    void aConfiguredDomainSurvivesAFewDnsFailuresButNotARunOfThem() {
        dns.cname("play.example.com", "play.example.com." + ZONE);
        add("play.example.com", CnameStatus.CONFIGURED);
        try (CnamePoller poller = new CnamePoller(checker, store::values, this::save, Duration.ofHours(1), Duration.ofHours(1))) {
            dns.rcode("play.example.com", org.xbill.DNS.Rcode.SERVFAIL);
            poller.runRound();
            poller.runRound();
            assertThat(calls).as("two failed rounds keep it configured").isEmpty();
            dns.cname("play.example.com", "play.example.com." + ZONE);
            poller.runRound(); // an answer resets the count
            dns.rcode("play.example.com", org.xbill.DNS.Rcode.SERVFAIL);
            poller.runRound();
            poller.runRound();
            assertThat(calls).isEmpty();
            poller.runRound();
            assertThat(calls).containsExactly("play.example.com=pending");
            // a definite "no" (NXDOMAIN) is believed at once
            dns.cname("play.example.com", "play.example.com." + ZONE);
            poller.runRound();
            dns.remove("play.example.com");
            poller.runRound();
            assertThat(calls).containsExactly("play.example.com=pending", "play.example.com=configured", "play.example.com=pending");
        }
    }

    @Test
    void firstRoundSoonAfterStartByDefault() {
        add("play.example.com", CnameStatus.PENDING);
        dns.cname("play.example.com", "play.example.com." + ZONE);
        long t0 = System.nanoTime();
        try (CnamePoller poller = new CnamePoller(checker, store::values, this::save, Duration.ofHours(1))) {
            await().atMost(5, TimeUnit.SECONDS).until(() -> !calls.isEmpty());
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(ms).isBetween(900L, 4000L);
        }
    }

    @Test
    void keepsGoingAfterTheCallbackThrows() {
        add("play.example.com", CnameStatus.PENDING);
        dns.cname("play.example.com", "play.example.com." + ZONE);
        AtomicInteger attempts = new AtomicInteger();
        try (CnamePoller poller = new CnamePoller(checker, store::values, (name, status) -> {
            if (attempts.incrementAndGet() <= 2) {
                throw new IllegalStateException("store down");
            }
            save(name, status);
        }, FAST, Duration.ZERO)) {
            // not saved, so reported again next round; the third attempt succeeds
            await().atMost(5, TimeUnit.SECONDS).until(() -> calls.size() == 1);
            assertThat(attempts).hasValue(3);
            assertThat(store.get("play.example.com").cnameStatus()).isEqualTo(CnameStatus.CONFIGURED);

            // and later changes are still seen
            dns.remove("play.example.com");
            await().atMost(5, TimeUnit.SECONDS).until(() -> calls.size() == 2);
        }
    }

    @Test
    void keepsGoingAfterTheSupplierThrowsAndPastAFailingDomain() {
        add("bad..example.com", CnameStatus.CONFIGURED); // does not parse: pending, reported
        add("play.example.com", CnameStatus.PENDING);
        dns.cname("play.example.com", "play.example.com." + ZONE);
        AtomicInteger rounds = new AtomicInteger();
        try (CnamePoller poller = new CnamePoller(checker, () -> {
            if (rounds.incrementAndGet() == 1) {
                throw new IllegalStateException("db down");
            }
            return store.values();
        }, (name, status) -> {
            if (name.startsWith("bad")) {
                throw new IllegalStateException("boom");
            }
            save(name, status);
        }, FAST, Duration.ZERO)) {
            await().atMost(5, TimeUnit.SECONDS).until(() -> calls.contains("play.example.com=configured"));
            await().atMost(5, TimeUnit.SECONDS).until(() -> rounds.get() >= 4);
            assertThat(calls).containsExactly("play.example.com=configured");
        }
    }

    @Test
    void checkNowRunsOnTheSameThreadAndCallsBackOnlyOnChange() throws Exception {
        add("play.example.com", CnameStatus.PENDING);
        try (CnamePoller poller = new CnamePoller(checker, store::values, this::save, Duration.ofHours(1),
                Duration.ofHours(1))) {
            assertThat(poller.checkNow(store.get("play.example.com")).get(5, TimeUnit.SECONDS))
                    .isEqualTo(CnameStatus.PENDING);
            assertThat(calls).isEmpty();

            dns.cname("play.example.com", "PLAY.example.com." + ZONE + ".");
            assertThat(poller.checkNow(store.get("play.example.com")).get(5, TimeUnit.SECONDS))
                    .isEqualTo(CnameStatus.CONFIGURED);
            assertThat(calls).containsExactly("play.example.com=configured");
            assertThat(callbackThreads).containsExactly(CnamePoller.THREAD_NAME + "/daemon");

            // the stored value is now configured: no second callback
            assertThat(poller.checkNow(store.get("play.example.com")).get(5, TimeUnit.SECONDS))
                    .isEqualTo(CnameStatus.CONFIGURED);
            assertThat(calls).hasSize(1);
        }
    }

    @Test
    void checkNowReportsAFailingCallback() throws Exception {
        dns.cname("play.example.com", "play.example.com." + ZONE);
        try (CnamePoller poller = new CnamePoller(checker, List::of, (n, s) -> {
            throw new IllegalStateException("store down");
        }, Duration.ofHours(1), Duration.ofHours(1))) {
            assertThatThrownBy(() -> poller.checkNow(domain("play.example.com", CnameStatus.PENDING))
                    .get(5, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasRootCauseMessage("store down");
            // the thread survives
            assertThat(poller.checkNow(domain("play.example.com", CnameStatus.CONFIGURED)).get(5, TimeUnit.SECONDS))
                    .isEqualTo(CnameStatus.CONFIGURED);
        }
    }

    @Test
    void closeStopsTheThread() throws Exception {
        add("play.example.com", CnameStatus.PENDING);
        CnamePoller poller = new CnamePoller(checker, store::values, this::save, FAST, Duration.ZERO);
        await().atMost(5, TimeUnit.SECONDS).until(() -> dns.queries() >= 2);
        poller.close();

        int after = dns.queries();
        Thread.sleep(300);
        assertThat(dns.queries()).isEqualTo(after);
        assertThat(Thread.getAllStackTraces().keySet())
                .noneMatch(t -> t.getName().equals(CnamePoller.THREAD_NAME) && t.isAlive());
        assertThat(poller.checkNow(store.get("play.example.com"))).isCancelled();
        assertThatThrownBy(() -> poller.checkNow(store.get("play.example.com")).join())
                .isInstanceOf(CancellationException.class);
    }

    @Test
    void closeDuringATimeoutDoesNotReportPending() throws Exception {
        add("play.example.com", CnameStatus.CONFIGURED);
        dns.cname("play.example.com", "play.example.com." + ZONE).drop(true);
        CnameChecker slow = new CnameChecker(dns.address(), Duration.ofSeconds(2));
        CnamePoller poller = new CnamePoller(slow, store::values, this::save, FAST, Duration.ZERO);
        await().atMost(5, TimeUnit.SECONDS).until(() -> dns.queries() >= 1);
        long t0 = System.nanoTime();
        poller.close();
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(1500);
        Thread.sleep(100);
        assertThat(calls).isEmpty();
    }
}
