package io.livecloud.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.livecloud.control.address.AddressGenerator;
import io.livecloud.control.domain.CnameStatus;
import io.livecloud.control.domain.ControlSettings;
import io.livecloud.control.domain.DomainCatalog;
import io.livecloud.control.domain.DomainType;
import io.livecloud.control.store.ControlStore;
import io.livecloud.control.store.JdbcControlStore;
import io.livecloud.testkit.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console's way into the OpenAPI ({@link OpenApi#handleAuthenticated}): no signature parameters, otherwise the
 * same actions and the same answers; and the two actions the console needs (CheckLiveDomainCname,
 * DescribeLiveCenters).
 */
class ConsoleEntryPointTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-02T10:00:00Z"));
    private final ControlStore store = JdbcControlStore.open("jdbc:h2:mem:console" + UUID.randomUUID().toString().replace("-", "")
            + ";DB_CLOSE_DELAY=-1", "sa", "");
    private final DomainCatalog catalog = new DomainCatalog(store, ControlSettings.defaults(), clock);
    private final List<String> checked = new CopyOnWriteArrayList<>();
    private volatile CompletableFuture<CnameStatus> nextCheck = CompletableFuture.completedFuture(CnameStatus.CONFIGURED);
    private final OpenApi api = new OpenApi(catalog, new AddressGenerator(catalog, clock, 1935, 80), null, null, null,
            d -> {
                checked.add(d.name());
                return nextCheck;
            }, id -> Optional.empty(), clock, "livecloud.test");

    @AfterEach
    void close() {
        store.close();
    }

    private record Answer(int status, JsonNode json) {
        String code() {
            return json.path("Code").asText(null);
        }
    }

    private Answer call(String... kv) throws Exception {
        Map<String, String> p = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            p.put(kv[i], kv[i + 1]);
        }
        OpenApi.Response r = api.handleAuthenticated(p, "127.0.0.1");
        return new Answer(r.status(), JSON.readTree(r.body()));
    }

    @Test
    void actionsRunWithoutSignatureParametersAndAnswerAsTheSignedApiDoes() throws Exception {
        Answer added = call("Action", "AddLiveDomain", "DomainName", "push.example.com", "LiveDomainType", "liveEdge",
                "Region", "cn-shanghai");
        assertThat(added.status()).isEqualTo(200);
        assertThat(added.json().path("RequestId").asText()).isNotBlank();
        assertThat(catalog.get("push.example.com").type()).isEqualTo(DomainType.PUSH);

        Answer bad = call("Action", "AddLiveDomain", "DomainName", "*.bad.example", "LiveDomainType", "liveEdge",
                "Region", "cn-shanghai");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.code()).isEqualTo("InvalidDomainName.Malformed");
        assertThat(bad.json().path("HostId").asText()).isEqualTo("livecloud.test");

        assertThat(call("Action", "Nope").code()).isEqualTo("InvalidAction.NotFound");
        assertThat(call().code()).isEqualTo("MissingParameter");
        assertThat(call("Action", "DescribeLiveUserDomains", "Format", "YAML").code()).isEqualTo("InvalidParameter.Format");

        Answer list = call("Action", "DescribeLiveUserDomains");
        assertThat(list.json().path("Domains").path("PageData").get(0).path("Scope").asText()).isEqualTo("domestic");
    }

    @Test
    void theSignedEntryPointStillNeedsItsSignature() throws Exception {
        OpenApi.Response r = api.handle("POST", Map.of("Action", "DescribeLiveUserDomains"), "127.0.0.1");
        assertThat(r.status()).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).path("Code").asText()).isEqualTo("MissingParameter");
    }

    @Test
    void checkLiveDomainCnameRunsTheCheckAndAnswersTheNewStatus() throws Exception {
        catalog.add("play.example.com", DomainType.PLAY, "cn-shanghai", "domestic");
        Answer a = call("Action", "CheckLiveDomainCname", "DomainName", "PLAY.example.com");
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.json().path("CnameStatus").asText()).isEqualTo("configured");
        assertThat(a.json().path("Cname").asText()).isEqualTo("play.example.com." + catalog.settings().cnameZone());
        assertThat(checked).containsExactly("play.example.com");

        nextCheck = CompletableFuture.failedFuture(new IllegalStateException("poller stopped"));
        Answer failed = call("Action", "CheckLiveDomainCname", "DomainName", "play.example.com");
        assertThat(failed.status()).isEqualTo(503);
        assertThat(failed.code()).isEqualTo("ServiceUnavailable");
        assertThat(failed.json().path("Message").asText()).contains("poller stopped");

        assertThat(call("Action", "CheckLiveDomainCname", "DomainName", "nobody.example.com").code())
                .isEqualTo("InvalidDomain.NotFound");
        assertThat(call("Action", "CheckLiveDomainCname").code()).isEqualTo("MissingParameter");
    }

    @Test
    void describeLiveCentersListsTheConfiguredRegions() throws Exception {
        Answer a = call("Action", "DescribeLiveCenters");
        List<String> centers = JSON.convertValue(a.json().path("LiveCenters").path("LiveCenter"),
                JSON.getTypeFactory().constructCollectionType(List.class, String.class));
        assertThat(centers).isEqualTo(catalog.settings().liveCenters());
        assertThat(a.json().path("CnameZone").asText()).isEqualTo(catalog.settings().cnameZone());
    }
}
