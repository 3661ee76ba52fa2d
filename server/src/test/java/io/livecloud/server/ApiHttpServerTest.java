package io.livecloud.server;

import io.livecloud.api.OpenApi;
import io.livecloud.api.RpcSignature;
import io.livecloud.control.address.AddressGenerator;
import io.livecloud.control.domain.ControlSettings;
import io.livecloud.control.domain.DomainCatalog;
import io.livecloud.control.store.ControlStore;
import io.livecloud.control.store.JdbcControlStore;
import io.livecloud.media.Transport;
import io.livecloud.media.hub.HubSettings;
import io.livecloud.media.hub.StreamHub;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The OpenAPI runs off the event loops, on a bounded executor: blocked calls neither stall /health nor pile up. */
class ApiHttpServerTest {

    private static String signedQuery(String nonce) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("Action", "DescribeLiveUserDomains");
        p.put("Version", "2016-11-01");
        p.put("Format", "JSON");
        p.put("AccessKeyId", "LTAIblocking");
        p.put("SignatureMethod", "HMAC-SHA1");
        p.put("SignatureVersion", "1.0");
        p.put("SignatureNonce", nonce);
        p.put("Timestamp", DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC).format(Instant.now()));
        p.put("Signature", RpcSignature.sign("GET", p, "secret"));
        StringBuilder sb = new StringBuilder();
        p.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : "&").append(k).append('=').append(RpcSignature.percentEncode(v)));
        return sb.toString();
    }

    @Test
    void aFullQueueIsThrottledAndHealthStaysResponsive() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger entered = new AtomicInteger();
        try (ControlStore store = JdbcControlStore.open("jdbc:h2:mem:apihttp" + UUID.randomUUID().toString().replace("-", "")
                + ";DB_CLOSE_DELAY=-1", "sa", "");
             Transport transport = new Transport(1)) {
            DomainCatalog catalog = new DomainCatalog(store, ControlSettings.defaults(), Clock.systemUTC());
            OpenApi api = new OpenApi(catalog, new AddressGenerator(catalog, Clock.systemUTC(), 1935, 80), id -> {
                entered.incrementAndGet();
                try {
                    release.await(30, TimeUnit.SECONDS); // a slow database
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return Optional.of("secret");
            }, Clock.systemUTC(), "test");
            ApiHttpServer server = new ApiHttpServer(transport, new InetSocketAddress("127.0.0.1", 0),
                    new StreamHub(HubSettings.defaults()), () -> 0, null, null, api, 1, 1);
            try {
                String base = "http://127.0.0.1:" + server.localAddress().getPort();
                HttpClient http = HttpClient.newHttpClient();
                CompletableFuture<HttpResponse<String>> running = http.sendAsync(
                        HttpRequest.newBuilder(URI.create(base + "/?" + signedQuery("n1"))).build(), HttpResponse.BodyHandlers.ofString());
                await().atMost(10, TimeUnit.SECONDS).until(() -> entered.get() == 1);
                CompletableFuture<HttpResponse<String>> queued = http.sendAsync(
                        HttpRequest.newBuilder(URI.create(base + "/?" + signedQuery("n2"))).build(), HttpResponse.BodyHandlers.ofString());
                Thread.sleep(300); // let it reach the queue
                HttpResponse<String> throttled = http.send(HttpRequest.newBuilder(URI.create(base + "/?" + signedQuery("n3"))).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(throttled.statusCode()).isEqualTo(503);
                assertThat(throttled.body()).contains("\"Code\":\"Throttling\"");

                HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(health.statusCode()).isEqualTo(200);
                assertThat(running.isDone()).isFalse();

                release.countDown();
                assertThat(running.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
                assertThat(queued.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
                assertThat(queued.get().body()).contains("\"TotalCount\":0");
            } finally {
                release.countDown();
                server.close();
            }
        }
    }
}
