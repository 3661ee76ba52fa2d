package io.livecloud.server;

import com.aliyuncs.AcsRequest;
import com.aliyuncs.AcsResponse;
import com.aliyuncs.CommonRequest;
import com.aliyuncs.CommonResponse;
import com.aliyuncs.DefaultAcsClient;
import com.aliyuncs.exceptions.ClientException;
import com.aliyuncs.http.MethodType;
import com.aliyuncs.http.ProtocolType;
import com.aliyuncs.live.model.v20161101.AddLiveDomainMappingRequest;
import com.aliyuncs.live.model.v20161101.AddLiveDomainRequest;
import com.aliyuncs.live.model.v20161101.BatchSetLiveDomainConfigsRequest;
import com.aliyuncs.live.model.v20161101.DeleteLiveDomainMappingRequest;
import com.aliyuncs.live.model.v20161101.DeleteLiveDomainRequest;
import com.aliyuncs.live.model.v20161101.DescribeLiveDomainConfigsRequest;
import com.aliyuncs.live.model.v20161101.DescribeLiveDomainConfigsResponse;
import com.aliyuncs.live.model.v20161101.DescribeLiveDomainDetailRequest;
import com.aliyuncs.live.model.v20161101.DescribeLiveDomainDetailResponse;
import com.aliyuncs.live.model.v20161101.DescribeLiveDomainMappingRequest;
import com.aliyuncs.live.model.v20161101.DescribeLiveDomainMappingResponse;
import com.aliyuncs.live.model.v20161101.DescribeLiveUserDomainsRequest;
import com.aliyuncs.live.model.v20161101.DescribeLiveUserDomainsResponse;
import com.aliyuncs.live.model.v20161101.StartLiveDomainRequest;
import com.aliyuncs.live.model.v20161101.StopLiveDomainRequest;
import com.aliyuncs.profile.DefaultProfile;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.livecloud.control.domain.Domain;
import io.livecloud.control.domain.DomainStatus;
import io.livecloud.media.hub.HubSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The official Alibaba Cloud Java SDK (aliyun-java-sdk-live + core) against a running node. */
class OpenApiSdkTest {
    @TempDir
    static Path dir;
    static TestNode node;
    static DefaultAcsClient client;

    @BeforeAll
    static void start() {
        node = new TestNode(dir, HubSettings.defaults());
        client = client(node.server.accessKey().secret());
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    private static DefaultAcsClient client(String secret) {
        return new DefaultAcsClient(DefaultProfile.getProfile("cn-shanghai", node.server.accessKey().id(), secret));
    }

    private static <R extends AcsRequest<T>, T extends AcsResponse> T send(DefaultAcsClient c, R request) throws ClientException {
        request.setSysEndpoint("127.0.0.1:" + node.server.apiPort());
        request.setSysProtocol(ProtocolType.HTTP);
        return c.getAcsResponse(request);
    }

    private static <R extends AcsRequest<T>, T extends AcsResponse> T send(R request) throws ClientException {
        return send(client, request);
    }

    private static String errorCode(ThrowingRunnable r) {
        try {
            r.run();
        } catch (ClientException e) { // ServerException extends ClientException
            return e.getErrCode();
        } catch (Exception e) {
            throw new AssertionError("expected a ClientException, got " + e, e);
        }
        throw new AssertionError("expected an error");
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    private static AddLiveDomainRequest add(String name, String type, String region) {
        AddLiveDomainRequest r = new AddLiveDomainRequest();
        r.setDomainName(name);
        r.setLiveDomainType(type);
        r.setRegion(region);
        r.setScope("domestic");
        return r;
    }

    private static DescribeLiveDomainDetailResponse.DomainDetail detail(String name) throws ClientException {
        DescribeLiveDomainDetailRequest r = new DescribeLiveDomainDetailRequest();
        r.setDomainName(name);
        DescribeLiveDomainDetailResponse response = send(r);
        assertThat(response.getRequestId()).matches("[0-9A-F-]{36}");
        return response.getDomainDetail();
    }

    @Test
    void domainsFromAddToDelete() throws Exception {
        assertThat(send(add("push.sdk.example.com", "liveEdge", "cn-shanghai")).getRequestId()).isNotBlank();
        send(add("play.sdk.example.com", "liveVideo", "cn-shanghai"));

        DescribeLiveDomainDetailResponse.DomainDetail d = detail("push.sdk.example.com");
        assertThat(d.getDomainName()).isEqualTo("push.sdk.example.com");
        assertThat(d.getLiveDomainType()).isEqualTo("liveEdge");
        assertThat(d.getRegion()).isEqualTo("cn-shanghai");
        assertThat(d.getScope()).isEqualTo("domestic");
        assertThat(d.getDomainStatus()).isEqualTo("online");
        assertThat(d.getCname()).isEqualTo("push.sdk.example.com." + node.server.catalog().settings().cnameZone());
        assertThat(d.getGmtCreated()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");

        DescribeLiveUserDomainsRequest list = new DescribeLiveUserDomainsRequest();
        list.setDomainName("sdk.example");
        DescribeLiveUserDomainsResponse page = send(list);
        assertThat(page.getTotalCount()).isEqualTo(2);
        assertThat(page.getDomains()).extracting(DescribeLiveUserDomainsResponse.PageData::getDomainName)
                .containsExactlyInAnyOrder("push.sdk.example.com", "play.sdk.example.com");
        DescribeLiveUserDomainsResponse.PageData item = page.getDomains().stream()
                .filter(p -> p.getDomainName().equals("play.sdk.example.com")).findFirst().orElseThrow();
        assertThat(item.getLiveDomainType()).isEqualTo("liveVideo");
        assertThat(item.getLiveDomainStatus()).isEqualTo("online");
        assertThat(item.getRegionName()).isEqualTo("cn-shanghai");
        assertThat(item.getCname()).endsWith(node.server.catalog().settings().cnameZone());

        DescribeLiveUserDomainsRequest all = new DescribeLiveUserDomainsRequest();
        all.setPageSize(1);
        all.setPageNumber(1);
        DescribeLiveUserDomainsResponse first = send(all);
        assertThat(first.getDomains()).hasSize(1);
        assertThat(first.getPageSize()).isEqualTo(1L);
        assertThat(first.getTotalCount()).isGreaterThanOrEqualTo(4); // + the two demo domains
        DescribeLiveUserDomainsRequest pushOnly = new DescribeLiveUserDomainsRequest();
        pushOnly.setLiveDomainType("liveEdge");
        pushOnly.setPageSize(50);
        assertThat(send(pushOnly).getDomains()).allMatch(p -> p.getLiveDomainType().equals("liveEdge"))
                .extracting(DescribeLiveUserDomainsResponse.PageData::getDomainName).contains("push.sdk.example.com");

        StopLiveDomainRequest stop = new StopLiveDomainRequest();
        stop.setDomainName("play.sdk.example.com");
        send(stop);
        assertThat(detail("play.sdk.example.com").getDomainStatus()).isEqualTo("offline");
        assertThat(node.server.catalog().get("play.sdk.example.com").status()).isEqualTo(DomainStatus.OFFLINE);
        DescribeLiveUserDomainsRequest offline = new DescribeLiveUserDomainsRequest();
        offline.setDomainStatus("offline");
        assertThat(send(offline).getDomains()).extracting(DescribeLiveUserDomainsResponse.PageData::getDomainName)
                .containsExactly("play.sdk.example.com");
        StartLiveDomainRequest start = new StartLiveDomainRequest();
        start.setDomainName("play.sdk.example.com");
        send(start);
        assertThat(detail("play.sdk.example.com").getDomainStatus()).isEqualTo("online");

        for (String name : List.of("play.sdk.example.com", "push.sdk.example.com")) {
            DeleteLiveDomainRequest rm = new DeleteLiveDomainRequest();
            rm.setDomainName(name);
            send(rm);
        }
        assertThat(errorCode(() -> detail("push.sdk.example.com"))).isEqualTo("InvalidDomain.NotFound");
    }

    @Test
    void mappings() throws Exception {
        send(add("push.map.example.com", "liveEdge", "cn-beijing"));
        send(add("play.map.example.com", "liveVideo", "cn-beijing"));
        send(add("far.map.example.com", "liveVideo", "ap-southeast-1"));
        AddLiveDomainMappingRequest map = new AddLiveDomainMappingRequest();
        map.setPushDomain("push.map.example.com");
        map.setPullDomain("play.map.example.com");
        send(map);
        assertThat(node.server.catalog().pushDomainOf("play.map.example.com")).contains("push.map.example.com");

        DescribeLiveDomainMappingRequest ofPlay = new DescribeLiveDomainMappingRequest();
        ofPlay.setDomainName("play.map.example.com");
        List<DescribeLiveDomainMappingResponse.LiveDomainModel> models = send(ofPlay).getLiveDomainModels();
        assertThat(models).hasSize(1);
        assertThat(models.get(0).getDomainName()).isEqualTo("push.map.example.com");
        assertThat(models.get(0).getType()).isEqualTo("publish");
        DescribeLiveDomainMappingRequest ofPush = new DescribeLiveDomainMappingRequest();
        ofPush.setDomainName("push.map.example.com");
        assertThat(send(ofPush).getLiveDomainModels()).extracting(DescribeLiveDomainMappingResponse.LiveDomainModel::getDomainName,
                DescribeLiveDomainMappingResponse.LiveDomainModel::getType).containsExactly(
                org.assertj.core.groups.Tuple.tuple("play.map.example.com", "vhost"));

        AddLiveDomainMappingRequest far = new AddLiveDomainMappingRequest();
        far.setPushDomain("push.map.example.com");
        far.setPullDomain("far.map.example.com");
        assertThat(errorCode(() -> send(far))).isEqualTo("InvalidDomain.RegionMismatch");
        assertThat(errorCode(() -> send(map))).isEqualTo("DomainMapping.AlreadyExist");

        DeleteLiveDomainRequest rmPush = new DeleteLiveDomainRequest();
        rmPush.setDomainName("push.map.example.com");
        assertThat(errorCode(() -> send(rmPush))).isEqualTo("Domain.MappingExist");

        DeleteLiveDomainMappingRequest unmap = new DeleteLiveDomainMappingRequest();
        unmap.setPushDomain("push.map.example.com");
        unmap.setPullDomain("play.map.example.com");
        send(unmap);
        assertThat(send(ofPlay).getLiveDomainModels()).isEmpty();
        assertThat(errorCode(() -> send(unmap))).isEqualTo("InvalidDomainMapping.NotFound");
    }

    @Test
    void refusalsCarryTheCloudsCodes() {
        assertThat(errorCode(() -> send(add("not a domain", "liveEdge", "cn-shanghai")))).isEqualTo("InvalidDomainName.Malformed");
        assertThat(errorCode(() -> send(add("*.bad.example", "liveEdge", "cn-shanghai")))).isEqualTo("InvalidDomainName.Malformed");
        assertThat(errorCode(() -> send(add(node.server.catalog().settings().defaultPushDomain(), "liveVideo", "cn-shanghai"))))
                .isEqualTo("Domain.AlreadyExist");
        assertThat(errorCode(() -> send(add("x.refuse.example.com", "liveEdge", "mars-1")))).isEqualTo("InvalidRegion.NotSupported");
        DescribeLiveDomainDetailRequest unknown = new DescribeLiveDomainDetailRequest();
        unknown.setDomainName("unknown.example.com");
        assertThat(errorCode(() -> send(unknown))).isEqualTo("InvalidDomain.NotFound");
        StopLiveDomainRequest stopUnknown = new StopLiveDomainRequest();
        stopUnknown.setDomainName("unknown.example.com");
        assertThat(errorCode(() -> send(stopUnknown))).isEqualTo("InvalidDomain.NotFound");
        assertThat(errorCode(() -> send(new DescribeLiveDomainDetailRequest()))).isEqualTo("MissingParameter");

        DescribeLiveUserDomainsRequest list = new DescribeLiveUserDomainsRequest();
        assertThat(errorCode(() -> send(client("wrong-secret-wrong-secret-0000"), list))).isEqualTo("SignatureDoesNotMatch");
        DefaultAcsClient stranger = new DefaultAcsClient(DefaultProfile.getProfile("cn-shanghai", "LTAInobodyatall00000000", "x"));
        assertThat(errorCode(() -> send(stranger, list))).isEqualTo("InvalidAccessKeyId.NotFound");
    }

    private static Map<String, String> aliauthArgs(String domain) throws ClientException {
        DescribeLiveDomainConfigsRequest r = new DescribeLiveDomainConfigsRequest();
        r.setDomainName(domain);
        r.setFunctionNames("aliauth");
        List<DescribeLiveDomainConfigsResponse.DomainConfig> configs = send(r).getDomainConfigs();
        assertThat(configs).hasSize(1);
        assertThat(configs.get(0).getFunctionName()).isEqualTo("aliauth");
        return configs.get(0).getFunctionArgs().stream().collect(Collectors.toMap(
                DescribeLiveDomainConfigsResponse.DomainConfig.FunctionArg::getArgName,
                DescribeLiveDomainConfigsResponse.DomainConfig.FunctionArg::getArgValue));
    }

    @Test
    void urlAuthThroughDomainConfigs() throws Exception {
        send(add("a.auth.example.com", "liveVideo", "cn-shanghai"));
        send(add("b.auth.example.com", "liveVideo", "cn-shanghai"));
        Map<String, String> before = aliauthArgs("a.auth.example.com");
        assertThat(before).containsEntry("auth_type", "type_a").containsEntry("ali_auth_delta", "1800")
                .containsEntry("auth_key2", "");
        assertThat(before.get("auth_key1")).isEqualTo(node.server.catalog().get("a.auth.example.com").auth().primaryKey());

        BatchSetLiveDomainConfigsRequest set = new BatchSetLiveDomainConfigsRequest();
        set.setDomainNames("a.auth.example.com,b.auth.example.com");
        set.setFunctions("[{\"functionArgs\":[{\"argName\":\"auth_key1\",\"argValue\":\"primary1234\"},"
                + "{\"argName\":\"ali_auth_delta\",\"argValue\":\"600\"}],\"functionName\":\"aliauth\"}]");
        send(set);
        for (String name : List.of("a.auth.example.com", "b.auth.example.com")) {
            assertThat(aliauthArgs(name)).containsEntry("auth_type", "type_a").containsEntry("auth_key1", "primary1234")
                    .containsEntry("ali_auth_delta", "600");
        }
        BatchSetLiveDomainConfigsRequest off = new BatchSetLiveDomainConfigsRequest();
        off.setDomainNames("b.auth.example.com");
        off.setFunctions("[{\"functionArgs\":[{\"argName\":\"auth_type\",\"argValue\":\"no_auth\"}],\"functionName\":\"aliauth\"}]");
        send(off);
        Domain b = node.server.catalog().get("b.auth.example.com");
        assertThat(b.auth().enabled()).isFalse();
        assertThat(b.auth().primaryKey()).as("omitted args keep their values").isEqualTo("primary1234");

        BatchSetLiveDomainConfigsRequest unknownFunction = new BatchSetLiveDomainConfigsRequest();
        unknownFunction.setDomainNames("b.auth.example.com");
        unknownFunction.setFunctions("[{\"functionArgs\":[{\"argName\":\"enable\",\"argValue\":\"on\"}],\"functionName\":\"https_force\"}]");
        assertThat(errorCode(() -> send(unknownFunction))).isEqualTo("InvalidFunctionName.NotSupported");
        BatchSetLiveDomainConfigsRequest badKey = new BatchSetLiveDomainConfigsRequest();
        badKey.setDomainNames("b.auth.example.com");
        badKey.setFunctions("[{\"functionArgs\":[{\"argName\":\"auth_key1\",\"argValue\":\"no!\"}],\"functionName\":\"aliauth\"}]");
        assertThat(errorCode(() -> send(badKey))).isEqualTo("InvalidAuthKey.Malformed");
    }

    private static CommonRequest ours(String action) {
        CommonRequest r = new CommonRequest();
        r.setSysDomain("127.0.0.1:" + node.server.apiPort());
        r.setSysProtocol(ProtocolType.HTTP);
        r.setSysMethod(MethodType.POST);
        r.setSysVersion("2016-11-01");
        r.setSysAction(action);
        return r;
    }

    @Test
    void ourActionsThroughACommonRequest() throws Exception {
        String play = node.server.catalog().settings().defaultPlayDomain();
        CommonRequest r = ours("DescribeLiveStreamUrls");
        r.putQueryParameter("DomainName", play);
        r.putQueryParameter("AppName", "live");
        r.putQueryParameter("StreamName", "sdk");
        CommonResponse response = client.getCommonResponse(r);
        JsonNode urls = new ObjectMapper().readTree(response.getData());
        String push = node.server.catalog().settings().defaultPushDomain();
        assertThat(urls.path("PushUrl").asText()).startsWith("rtmp://" + push + ":" + node.server.rtmpPort() + "/live/sdk");
        assertThat(urls.path("RtmpPlayUrl").asText()).startsWith("rtmp://" + play + ":" + node.server.rtmpPort() + "/live/sdk");
        assertThat(urls.path("FlvPlayUrl").asText()).startsWith("http://" + play + ":" + node.server.httpPort() + "/live/sdk.flv");
        assertThat(urls.path("HlsPlayUrl").asText()).contains("/live/sdk.m3u8");
        assertThat(urls.path("Timestamp").asLong()).isPositive();

        CommonRequest isolation = ours("SetLiveDomainAppIsolation");
        isolation.putQueryParameter("DomainName", push);
        isolation.putQueryParameter("AppIsolation", "on");
        client.getCommonResponse(isolation);
        assertThat(node.server.catalog().get(push).appIsolation()).isTrue();
        isolation.putQueryParameter("AppIsolation", "off");
        client.getCommonResponse(isolation);
        assertThat(node.server.catalog().get(push).appIsolation()).isFalse();

        assertThat(errorCode(() -> client.getCommonResponse(ours("DescribeNothing")))).isEqualTo("InvalidAction.NotFound");
    }

    @Test
    void healthAndMetricsStillAnswerAndUnsignedGetsAreRefused() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        Function<String, HttpResponse<String>> get = path -> {
            try {
                return http.send(HttpRequest.newBuilder(URI.create(node.api(path))).build(), HttpResponse.BodyHandlers.ofString());
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        };
        assertThat(get.apply("/health").statusCode()).isEqualTo(200);
        assertThat(get.apply("/metrics").body()).contains("livecloud_streams_live");
        HttpResponse<String> unsigned = get.apply("/?Action=DescribeLiveUserDomains&Format=JSON");
        assertThat(unsigned.statusCode()).isEqualTo(400);
        assertThat(unsigned.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        JsonNode error = new ObjectMapper().readTree(unsigned.body());
        assertThat(error.path("Code").asText()).isEqualTo("MissingParameter");
        assertThat(error.path("RequestId").asText()).isNotBlank();
        assertThat(error.path("HostId").asText()).isNotBlank();
        assertThat(get.apply("/nope").statusCode()).isEqualTo(404);
    }
}
