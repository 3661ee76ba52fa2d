package io.livecloud.server;

import com.aliyuncs.AcsRequest;
import com.aliyuncs.AcsResponse;
import com.aliyuncs.DefaultAcsClient;
import com.aliyuncs.exceptions.ClientException;
import com.aliyuncs.http.ProtocolType;
import com.aliyuncs.live.model.v20161101.DeleteLiveStreamsNotifyUrlConfigRequest;
import com.aliyuncs.live.model.v20161101.DescribeLiveStreamsNotifyUrlConfigRequest;
import com.aliyuncs.live.model.v20161101.DescribeLiveStreamsNotifyUrlConfigResponse;
import com.aliyuncs.live.model.v20161101.SetLiveStreamsNotifyUrlConfigRequest;
import com.aliyuncs.profile.DefaultProfile;
import com.sun.net.httpserver.HttpServer;
import io.livecloud.control.notify.CallbackNotifier;
import io.livecloud.media.hub.HubSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Publish callbacks set through the official SDK and received by a real HTTP server: publish then publish_done for
 * a real ffmpeg push, every argument, the ALI-LIVE signature, a retry after a 500, and nothing lost while the
 * receiver is down for a few seconds.
 */
class PublishCallbackTest {
    @TempDir
    static Path dir;
    private static TestNode node;
    private static DefaultAcsClient client;
    private final Ffmpeg ffmpeg = new Ffmpeg();
    private HttpServer receiver;
    private final List<Map<String, String>> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger failNext = new AtomicInteger();

    @BeforeAll
    static void start() {
        node = new TestNode(dir.resolve("data"), HubSettings.defaults().withPublisherGraceMillis(0));
        client = new DefaultAcsClient(DefaultProfile.getProfile("cn-shanghai", node.server.accessKey().id(),
                node.server.accessKey().secret()));
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @AfterEach
    void stopReceiver() {
        ffmpeg.close();
        if (receiver != null) {
            receiver.stop(0);
        }
    }

    private static <R extends AcsRequest<T>, T extends AcsResponse> T send(R request) throws ClientException {
        request.setSysEndpoint("127.0.0.1:" + node.server.apiPort());
        request.setSysProtocol(ProtocolType.HTTP);
        return client.getAcsResponse(request);
    }

    private void startReceiver(int port) throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        receiver.createContext("/hook", exchange -> {
            Map<String, String> r = new LinkedHashMap<>();
            for (String kv : exchange.getRequestURI().getRawQuery().split("&")) {
                String[] p = kv.split("=", 2);
                r.put(p[0], URLDecoder.decode(p.length > 1 ? p[1] : "", StandardCharsets.UTF_8));
            }
            r.put("header:timestamp", exchange.getRequestHeaders().getFirst("ALI-LIVE-TIMESTAMP"));
            r.put("header:signature", exchange.getRequestHeaders().getFirst("ALI-LIVE-SIGNATURE"));
            boolean fail = failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
            r.put("answered", fail ? "500" : "200");
            received.add(r);
            exchange.sendResponseHeaders(fail ? 500 : 200, -1);
            exchange.close();
        });
        receiver.start();
    }

    private void configure(String url) throws ClientException {
        SetLiveStreamsNotifyUrlConfigRequest set = new SetLiveStreamsNotifyUrlConfigRequest();
        set.setDomainName(node.server.catalog().settings().defaultPushDomain());
        set.setNotifyUrl(url);
        set.setNotifyReqAuth("yes");
        set.setNotifyAuthKey("yourkey");
        send(set);
    }

    @Test
    void theDocumentedSignatureExample() {
        assertThat(CallbackNotifier.signature("learn.aliyundoc.com", 1519375990, "yourkey"))
                .isEqualTo("9e226fc2c250be266e3657e156f68c12");
    }

    @Test
    void publishAndPublishDoneArriveSignedInOrderAfterARetry() throws Exception {
        startReceiver(0);
        int port = receiver.getAddress().getPort();
        String push = node.server.catalog().settings().defaultPushDomain();
        configure("http://127.0.0.1:" + port + "/hook?source=livecloud");
        DescribeLiveStreamsNotifyUrlConfigRequest describe = new DescribeLiveStreamsNotifyUrlConfigRequest();
        describe.setDomainName(push);
        DescribeLiveStreamsNotifyUrlConfigResponse.LiveStreamsNotifyConfig config = send(describe).getLiveStreamsNotifyConfig();
        assertThat(config.getNotifyUrl()).isEqualTo("http://127.0.0.1:" + port + "/hook?source=livecloud");
        assertThat(config.getNotifyReqAuth()).isEqualTo("yes");

        failNext.set(1); // the receiver's first answer is a 500: the publish callback is sent again
        Ffmpeg.Proc publisher = ffmpeg.publish(Fixtures.h264Aac(2), node.rtmp("hooked?room=42"));
        assertThat(publisher.waitFor(30)).isZero();
        await().atMost(20, TimeUnit.SECONDS).until(() -> received.stream().filter(r -> r.get("answered").equals("200")).count() == 2);
        assertThat(received).extracting(r -> r.get("action") + "/" + r.get("answered"))
                .containsExactly("publish/500", "publish/200", "publish_done/200");
        Map<String, String> publish = received.get(1);
        assertThat(publish).containsEntry("source", "livecloud").containsEntry("app", push)
                .containsEntry("appname", "live").containsEntry("id", "hooked").containsEntry("ip", "127.0.0.1")
                .containsEntry("usrargs", "room=42");
        assertThat(publish.get("node")).isNotBlank();
        long time = Long.parseLong(publish.get("time"));
        assertThat(time).isCloseTo(System.currentTimeMillis() / 1000, org.assertj.core.data.Offset.offset(60L));
        long ts = Long.parseLong(publish.get("header:timestamp"));
        assertThat(publish.get("header:signature")).isEqualTo(CallbackNotifier.signature("127.0.0.1", ts, "yourkey"));
        assertThat(node.server.notifier().retries.sum()).isGreaterThanOrEqualTo(1);
        String metrics = new String(HlsEndToEndTest.get(node.api("/metrics")).body());
        assertThat(metrics).containsPattern("(?m)^livecloud_callbacks_delivered_total [1-9]")
                .containsPattern("(?m)^livecloud_callback_retries_total [1-9]").contains("livecloud_callback_queue 0");
    }

    @Test
    void nothingIsLostWhileTheReceiverIsDown() throws Exception {
        startReceiver(0);
        int port = receiver.getAddress().getPort();
        receiver.stop(0); // down: connection refused
        configure("http://127.0.0.1:" + port + "/hook");
        Ffmpeg.Proc publisher = ffmpeg.publish(Fixtures.h264Aac(2), node.rtmp("outage"));
        assertThat(publisher.waitFor(30)).as("a dead receiver does not hold up the publish").isZero();
        Thread.sleep(3_000);
        assertThat(received).isEmpty();
        startReceiver(port); // back after ~5 s
        await().atMost(30, TimeUnit.SECONDS).until(() -> received.size() >= 2);
        assertThat(received).extracting(r -> r.get("action") + " " + r.get("id"))
                .containsExactly("publish outage", "publish_done outage");
    }

    @Test
    void configurationErrorsAndDelete() throws Exception {
        String push = node.server.catalog().settings().defaultPushDomain();
        SetLiveStreamsNotifyUrlConfigRequest bad = new SetLiveStreamsNotifyUrlConfigRequest();
        bad.setDomainName(push);
        bad.setNotifyUrl("ftp://example.com/x");
        assertThatThrownBy(() -> send(bad)).isInstanceOf(ClientException.class).hasMessageContaining("InvalidNotifyUrl.Malformed");
        SetLiveStreamsNotifyUrlConfigRequest play = new SetLiveStreamsNotifyUrlConfigRequest();
        play.setDomainName(node.server.catalog().settings().defaultPlayDomain());
        play.setNotifyUrl("http://example.com/x");
        assertThatThrownBy(() -> send(play)).isInstanceOf(ClientException.class).hasMessageContaining("InvalidDomain.TypeMismatch");
        configure("http://example.com/hook");
        DeleteLiveStreamsNotifyUrlConfigRequest delete = new DeleteLiveStreamsNotifyUrlConfigRequest();
        delete.setDomainName(push);
        send(delete);
        DescribeLiveStreamsNotifyUrlConfigRequest describe = new DescribeLiveStreamsNotifyUrlConfigRequest();
        describe.setDomainName(push);
        assertThat(send(describe).getLiveStreamsNotifyConfig().getNotifyUrl()).isNull();
    }
}
