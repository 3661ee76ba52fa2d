package io.livecloud.api;

import io.livecloud.testkit.MutableClock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.livecloud.control.address.AddressGenerator;
import io.livecloud.control.domain.ControlSettings;
import io.livecloud.control.domain.DomainCatalog;
import io.livecloud.control.store.ControlStore;
import io.livecloud.control.store.JdbcControlStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class OpenApiTest {
    private static final String ID = "LTAItestaccesskey0000000";
    private static final String SECRET = "testsecret0123456789abcdefghij";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-02T10:00:00Z"));
    private final ControlStore store = JdbcControlStore.open("jdbc:h2:mem:api" + UUID.randomUUID().toString().replace("-", "")
            + ";DB_CLOSE_DELAY=-1", "sa", "");
    private final DomainCatalog catalog = new DomainCatalog(store, ControlSettings.defaults(), clock);
    private final OpenApi api = new OpenApi(catalog, new AddressGenerator(catalog, clock, 1935, 80),
            id -> ID.equals(id) ? Optional.of(SECRET) : Optional.empty(), clock, "livecloud.test");

    @AfterEach
    void close() {
        store.close();
    }

    private Map<String, String> request(String action, String... kv) {
        Map<String, String> p = new HashMap<>();
        p.put("Action", action);
        p.put("Version", "2016-11-01");
        p.put("Format", "JSON");
        p.put("AccessKeyId", ID);
        p.put("SignatureMethod", "HMAC-SHA1");
        p.put("SignatureVersion", "1.0");
        p.put("SignatureNonce", UUID.randomUUID().toString());
        p.put("Timestamp", ISO.format(clock.instant()));
        p.put("RegionId", "cn-shanghai");
        for (int i = 0; i < kv.length; i += 2) {
            p.put(kv[i], kv[i + 1]);
        }
        return p;
    }

    private static Map<String, String> signed(String method, Map<String, String> p, String secret) {
        p.put("Signature", RpcSignature.sign(method, p, secret));
        return p;
    }

    private record Answer(int status, JsonNode json) {
        String code() {
            return json.path("Code").asText(null);
        }
    }

    private Answer send(String method, Map<String, String> p) throws Exception {
        OpenApi.Response r = api.handle(method, p, "127.0.0.1");
        JsonNode json = JSON.readTree(r.body());
        assertThat(json.path("RequestId").asText()).matches("[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}");
        if (r.status() != 200) {
            assertThat(json.path("HostId").asText()).isEqualTo("livecloud.test");
            assertThat(json.path("Message").asText()).isNotBlank();
        }
        assertThat(r.contentType()).startsWith("application/json");
        return new Answer(r.status(), json);
    }

    private Answer call(String action, String... kv) throws Exception {
        return send("POST", signed("POST", request(action, kv), SECRET));
    }

    @Test
    void aSignedRequestIsServedAndDomainsRoundTrip() throws Exception {
        assertThat(call("AddLiveDomain", "DomainName", "push.example.com", "LiveDomainType", "liveEdge", "Region", "cn-shanghai",
                "Scope", "domestic", "CheckUrl", "http://ignored/").status()).isEqualTo(200);
        clock.advance(Duration.ofSeconds(1));
        assertThat(call("AddLiveDomain", "DomainName", "play.example.com", "LiveDomainType", "liveVideo", "Region", "cn-shanghai")
                .status()).isEqualTo(200);
        Answer detail = call("DescribeLiveDomainDetail", "DomainName", "push.example.com");
        assertThat(detail.status()).isEqualTo(200);
        JsonNode d = detail.json().path("DomainDetail");
        assertThat(d.path("DomainName").asText()).isEqualTo("push.example.com");
        assertThat(d.path("LiveDomainType").asText()).isEqualTo("liveEdge");
        assertThat(d.path("Cname").asText()).isEqualTo("push.example.com.livecloud.internal");
        assertThat(d.path("CnameStatus").asText()).isEqualTo("pending");
        assertThat(d.path("DomainStatus").asText()).isEqualTo("online");
        assertThat(d.path("GmtCreated").asText()).isEqualTo("2026-11-02T10:00:00Z");
        clock.advance(Duration.ofSeconds(1));

        assertThat(call("AddLiveDomainMapping", "PushDomain", "push.example.com", "PullDomain", "play.example.com").status()).isEqualTo(200);
        JsonNode models = call("DescribeLiveDomainMapping", "DomainName", "play.example.com").json().path("LiveDomainModels").path("LiveDomainModel");
        assertThat(models).hasSize(1);
        assertThat(models.get(0).path("DomainName").asText()).isEqualTo("push.example.com");
        assertThat(models.get(0).path("Type").asText()).isEqualTo("publish");

        JsonNode urls = call("DescribeLiveStreamUrls", "DomainName", "play.example.com", "AppName", "live", "StreamName", "s1").json();
        assertThat(urls.path("PushUrl").asText()).startsWith("rtmp://push.example.com/live/s1?auth_key=" + clock.instant().getEpochSecond() + "-");
        assertThat(urls.path("FlvPlayUrl").asText()).startsWith("http://play.example.com/live/s1.flv?auth_key=");
        assertThat(urls.path("PlayUrlExpireTime").asLong()).isEqualTo(urls.path("Timestamp").asLong() + 1800);

        JsonNode page = call("DescribeLiveUserDomains", "PageSize", "1", "PageNumber", "2").json();
        assertThat(page.path("TotalCount").asInt()).isEqualTo(2);
        assertThat(page.path("Domains").path("PageData")).hasSize(1);
        assertThat(page.path("Domains").path("PageData").get(0).path("DomainName").asText()).isEqualTo("play.example.com");
        assertThat(call("DescribeLiveUserDomains", "DomainName", "push", "LiveDomainType", "liveEdge").json()
                .path("TotalCount").asInt()).isEqualTo(1);
    }

    @Test
    void getIsSignedWithItsOwnMethod() throws Exception {
        assertThat(send("GET", signed("GET", request("DescribeLiveUserDomains"), SECRET)).status()).isEqualTo(200);
        Answer wrongMethod = send("POST", signed("GET", request("DescribeLiveUserDomains"), SECRET));
        assertThat(wrongMethod.code()).isEqualTo("SignatureDoesNotMatch");
    }

    @Test
    void missingCommonParameters() throws Exception {
        Map<String, String> p = request("DescribeLiveUserDomains");
        p.remove("SignatureNonce");
        Answer a = send("GET", signed("GET", p, SECRET));
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.code()).isEqualTo("MissingParameter");
        assertThat(a.json().path("Message").asText()).contains("SignatureNonce");
        Answer noAction = send("GET", new HashMap<>(Map.of("Format", "JSON")));
        assertThat(noAction.code()).isEqualTo("MissingParameter");
        Answer noSignature = send("GET", request("DescribeLiveUserDomains"));
        assertThat(noSignature.code()).isEqualTo("MissingParameter");
        assertThat(call("DescribeLiveDomainDetail").code()).isEqualTo("MissingParameter");
    }

    @Test
    void badSignatureUnknownKeyVersionAndMethod() throws Exception {
        Answer bad = send("POST", signed("POST", request("DescribeLiveUserDomains"), "not-the-secret"));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.code()).isEqualTo("SignatureDoesNotMatch");
        Map<String, String> tampered = signed("POST", request("DeleteLiveDomain", "DomainName", "a.example.com"), SECRET);
        tampered.put("DomainName", "b.example.com");
        assertThat(send("POST", tampered).code()).isEqualTo("SignatureDoesNotMatch");

        Answer unknown = send("POST", signed("POST", request("DescribeLiveUserDomains", "AccessKeyId", "LTAInobody"), SECRET));
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.code()).isEqualTo("InvalidAccessKeyId.NotFound");

        assertThat(send("POST", signed("POST", request("DescribeLiveUserDomains", "Version", "2014-05-26"), SECRET)).code())
                .isEqualTo("InvalidVersion");
        assertThat(send("POST", signed("POST", request("DescribeLiveUserDomains", "SignatureMethod", "HMAC-SHA256"), SECRET)).code())
                .isEqualTo("InvalidSignatureMethod");
        assertThat(send("PUT", signed("PUT", request("DescribeLiveUserDomains"), SECRET)).code()).isEqualTo("UnsupportedHTTPMethod");
    }

    @Test
    void staleOrMalformedTimestamps() throws Exception {
        Map<String, String> old = request("DescribeLiveUserDomains", "Timestamp", ISO.format(clock.instant().minus(Duration.ofMinutes(16))));
        Answer a = send("GET", signed("GET", old, SECRET));
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.code()).isEqualTo("InvalidTimeStamp.Expired");
        Map<String, String> future = request("DescribeLiveUserDomains", "Timestamp", ISO.format(clock.instant().plus(Duration.ofMinutes(16))));
        assertThat(send("GET", signed("GET", future, SECRET)).code()).isEqualTo("InvalidTimeStamp.Expired");
        Map<String, String> nearlyStale = request("DescribeLiveUserDomains", "Timestamp", ISO.format(clock.instant().minus(Duration.ofMinutes(14))));
        assertThat(send("GET", signed("GET", nearlyStale, SECRET)).status()).isEqualTo(200);
        Map<String, String> local = request("DescribeLiveUserDomains", "Timestamp", "2026-11-02T18:00:00+08:00");
        assertThat(send("GET", signed("GET", local, SECRET)).code()).isEqualTo("InvalidTimeStamp.Format");
        Map<String, String> junk = request("DescribeLiveUserDomains", "Timestamp", "yesterday");
        assertThat(send("GET", signed("GET", junk, SECRET)).code()).isEqualTo("InvalidTimeStamp.Format");
    }

    @Test
    void aReplayedNonceIsRefusedUntilItsTimestampExpires() throws Exception {
        Map<String, String> p = signed("GET", request("DescribeLiveUserDomains"), SECRET);
        assertThat(send("GET", new HashMap<>(p)).status()).isEqualTo(200);
        Answer replay = send("GET", new HashMap<>(p));
        assertThat(replay.status()).isEqualTo(400);
        assertThat(replay.code()).isEqualTo("SignatureNonceUsed");
        // The same nonce in a new request (new timestamp, new signature) is still a reuse.
        clock.advance(Duration.ofMinutes(1));
        Map<String, String> again = request("DescribeLiveUserDomains", "SignatureNonce", p.get("SignatureNonce"));
        assertThat(send("GET", signed("GET", again, SECRET)).code()).isEqualTo("SignatureNonceUsed");
        // A refused (unsigned) request does not burn its nonce.
        Map<String, String> forged = signed("GET", request("DescribeLiveUserDomains"), "wrong");
        assertThat(send("GET", new HashMap<>(forged)).code()).isEqualTo("SignatureDoesNotMatch");
        Map<String, String> genuine = request("DescribeLiveUserDomains", "SignatureNonce", forged.get("SignatureNonce"));
        assertThat(send("GET", signed("GET", genuine, SECRET)).status()).isEqualTo(200);
        // Memory is bounded: a nonce is forgotten once its timestamp could no longer be accepted.
        assertThat(api.rememberedNonces()).isEqualTo(2);
        clock.advance(Duration.ofMinutes(16));
        assertThat(call("DescribeLiveUserDomains").status()).isEqualTo(200);
        assertThat(api.rememberedNonces()).isEqualTo(1);
    }

    @Test
    void unknownActionsAndDomainErrorsInTheCloudsCodes() throws Exception {
        Answer a = call("DescribeRegions");
        assertThat(a.status()).isEqualTo(404);
        assertThat(a.code()).isEqualTo("InvalidAction.NotFound");
        assertThat(call("AddLiveDomain", "DomainName", "*.bad.example", "LiveDomainType", "liveEdge", "Region", "cn-shanghai").code())
                .isEqualTo("InvalidDomainName.Malformed");
        assertThat(call("AddLiveDomain", "DomainName", "x.example.com", "LiveDomainType", "liveSomething", "Region", "cn-shanghai").code())
                .isEqualTo("InvalidLiveDomainType.Malformed");
        Answer notFound = call("DescribeLiveDomainDetail", "DomainName", "nope.example.com");
        assertThat(notFound.status()).isEqualTo(404);
        assertThat(notFound.code()).isEqualTo("InvalidDomain.NotFound");
        assertThat(call("DescribeLiveUserDomains", "PageSize", "500").code()).isEqualTo("InvalidPageSize.Malformed");
    }

    @Test
    void aliauthIsSetAndShownWithOmittedArgsKept() throws Exception {
        call("AddLiveDomain", "DomainName", "a.example.com", "LiveDomainType", "liveVideo", "Region", "cn-shanghai");
        call("AddLiveDomain", "DomainName", "b.example.com", "LiveDomainType", "liveVideo", "Region", "cn-shanghai");
        String key1Before = catalog.get("a.example.com").auth().primaryKey();
        Answer set = call("BatchSetLiveDomainConfigs", "DomainNames", "a.example.com,b.example.com", "Functions",
                "[{\"functionName\":\"aliauth\",\"functionArgs\":[{\"argName\":\"auth_key2\",\"argValue\":\"backup123456\"},"
                        + "{\"argName\":\"ali_auth_delta\",\"argValue\":\"3600\"}]}]");
        assertThat(set.status()).as(set.json().toString()).isEqualTo(200);
        assertThat(catalog.get("a.example.com").auth().primaryKey()).isEqualTo(key1Before);
        assertThat(catalog.get("b.example.com").auth().backupKey()).isEqualTo("backup123456");
        assertThat(catalog.get("b.example.com").auth().validitySeconds()).isEqualTo(3600);

        call("BatchSetLiveDomainConfigs", "DomainNames", "a.example.com", "Functions",
                "[{\"functionName\":\"aliauth\",\"functionArgs\":[{\"argName\":\"auth_type\",\"argValue\":\"no_auth\"}]}]");
        JsonNode config = call("DescribeLiveDomainConfigs", "DomainName", "a.example.com", "FunctionNames", "aliauth").json()
                .path("DomainConfigs").path("DomainConfig").get(0);
        assertThat(config.path("FunctionName").asText()).isEqualTo("aliauth");
        Map<String, String> args = new HashMap<>();
        config.path("FunctionArgs").path("FunctionArg").forEach(a -> args.put(a.path("ArgName").asText(), a.path("ArgValue").asText()));
        assertThat(args).containsEntry("auth_type", "no_auth").containsEntry("auth_key1", key1Before)
                .containsEntry("auth_key2", "backup123456").containsEntry("ali_auth_delta", "3600");

        assertThat(args).containsEntry("timestamp_rule", "plus_delta");
        call("BatchSetLiveDomainConfigs", "DomainNames", "a.example.com", "Functions",
                "[{\"functionName\":\"aliauth\",\"functionArgs\":[{\"argName\":\"timestamp_rule\",\"argValue\":\"is_expiry\"}]}]");
        assertThat(catalog.get("a.example.com").auth().timestampIsExpiry()).isTrue();
        assertThat(catalog.get("a.example.com").auth().validitySeconds()).as("other args kept").isEqualTo(3600);
        assertThat(call("BatchSetLiveDomainConfigs", "DomainNames", "a.example.com", "Functions",
                "[{\"functionName\":\"aliauth\",\"functionArgs\":[{\"argName\":\"timestamp_rule\",\"argValue\":\"sometimes\"}]}]").code())
                .isEqualTo("InvalidTimestampRule.Malformed");

        Answer unknownFunction = call("BatchSetLiveDomainConfigs", "DomainNames", "a.example.com", "Functions",
                "[{\"functionName\":\"referer_white_list_set\",\"functionArgs\":[]}]");
        assertThat(unknownFunction.code()).isEqualTo("InvalidFunctionName.NotSupported");
        assertThat(unknownFunction.json().path("Message").asText()).contains("aliauth");
        assertThat(call("BatchSetLiveDomainConfigs", "DomainNames", "a.example.com", "Functions", "{not json").code())
                .isEqualTo("InvalidFunctions.Malformed");
        assertThat(call("BatchSetLiveDomainConfigs", "DomainNames", "a.example.com", "Functions",
                "[{\"functionName\":\"aliauth\",\"functionArgs\":[{\"argName\":\"auth_type\",\"argValue\":\"type_b\"}]}]").code())
                .isEqualTo("InvalidAuthType.NotSupported");
        // One unknown domain changes none.
        Answer partial = call("BatchSetLiveDomainConfigs", "DomainNames", "a.example.com,nope.example.com", "Functions",
                "[{\"functionName\":\"aliauth\",\"functionArgs\":[{\"argName\":\"auth_type\",\"argValue\":\"type_a\"}]}]");
        assertThat(partial.code()).isEqualTo("InvalidDomain.NotFound");
        assertThat(catalog.get("a.example.com").auth().enabled()).isFalse();
        assertThat(call("DescribeLiveDomainConfigs", "DomainName", "a.example.com", "FunctionNames", "aliauth,https_force").code())
                .isEqualTo("InvalidFunctionName.NotSupported");
    }

    @Test
    void xmlIsTheSameDocument() throws Exception {
        call("AddLiveDomain", "DomainName", "a.example.com", "LiveDomainType", "liveVideo", "Region", "cn-shanghai");
        OpenApi.Response r = api.handle("GET", signed("GET", request("DescribeLiveUserDomains", "Format", "XML"), SECRET), "127.0.0.1");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.contentType()).startsWith("application/xml");
        assertThat(r.body()).startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?><DescribeLiveUserDomainsResponse><RequestId>")
                .contains("<Domains><PageData><DomainName>a.example.com</DomainName>");
        OpenApi.Response e = api.handle("GET", signed("GET", request("Nope", "Format", "XML"), SECRET), "127.0.0.1");
        assertThat(e.status()).isEqualTo(404);
        assertThat(e.body()).contains("<Error><RequestId>").contains("<Code>InvalidAction.NotFound</Code>");
    }
}
