package io.livecloud.server;

import io.livecloud.media.hub.HubSettings;
import io.micrometer.core.instrument.Gauge;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code /metrics} on the API port, scraped by a plain HTTP client while ffmpeg publishes and players play: the
 * media gauges and counters keep their names and follow what happens, players are split per protocol, each event
 * loop has a lag gauge, the JVM is there, and a meter another part of the node registers is scraped with the rest.
 */
class MetricsTest {
    @TempDir
    static Path dir;
    static TestNode node;
    private static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        node = new TestNode(dir, HubSettings.defaults());
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    private static String scrape() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(node.api("/metrics"))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
        return r.body();
    }

    /** The value of the sample {@code name} (with its labels, if any, as written). */
    private static double value(String metrics, String sample) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(sample) + " (\\S+)$").matcher(metrics);
        assertThat(m.find()).as(sample + " in\n" + metrics).isTrue();
        return Double.parseDouble(m.group(1));
    }

    @Test
    void mediaMetersFollowAPublisherAndItsPlayers() throws Exception {
        String idle = scrape();
        assertThat(value(idle, "livecloud_streams_live")).isZero();
        try (Ffmpeg ffmpeg = new Ffmpeg()) {
            ffmpeg.publish(Fixtures.h264Aac(20), node.rtmp("metered"));
            node.awaitPublisher("metered");
            try (FlvHttpClient a = new FlvHttpClient(node.server.httpPort(), "/live/metered.flv");
                 FlvHttpClient b = new FlvHttpClient(node.server.httpPort(), "/live/metered.flv")) {
                ffmpeg.decode(node.rtmp("metered"), 20);
                node.awaitPlayers("metered", 3);
                await().atMost(10, TimeUnit.SECONDS).until(() -> a.tags.size() > 50 && b.tags.size() > 50);
                String live = scrape();
                assertThat(value(live, "livecloud_streams_live")).isEqualTo(1);
                assertThat(value(live, "livecloud_publishers")).isEqualTo(1);
                assertThat(value(live, "livecloud_players")).isEqualTo(3);
                assertThat(value(live, "livecloud_players_by_protocol{protocol=\"http-flv\"}")).isEqualTo(2);
                assertThat(value(live, "livecloud_players_by_protocol{protocol=\"rtmp\"}")).isEqualTo(1);
                assertThat(value(live, "livecloud_players_by_protocol{protocol=\"hls\"}")).isZero();
                double in = value(live, "livecloud_media_bytes_in_total");
                double out = value(live, "livecloud_media_bytes_out_total");
                assertThat(in).isGreaterThan(10_000);
                assertThat(out).as("three players get about what came in each").isGreaterThan(in);
                assertThat(value(live, "livecloud_media_frames_in_total")).isGreaterThan(50);
                assertThat(value(live, "livecloud_frames_skipped_total")).isGreaterThanOrEqualTo(0);
                Thread.sleep(1_500);
                String later = scrape();
                assertThat(value(later, "livecloud_media_bytes_out_total")).as("counters grow").isGreaterThan(out);
            }
        }
    }

    @Test
    void everyEventLoopHasALagGaugeAndTheJvmIsThere() throws Exception {
        Thread.sleep(2 * NodeMetrics.LAG_PROBE_MILLIS);
        String m = scrape();
        int loops = 0;
        Matcher lag = Pattern.compile("(?m)^livecloud_event_loop_lag_seconds\\{loop=\"(\\d+)\"} (\\S+)$").matcher(m);
        while (lag.find()) {
            loops++;
            assertThat(Double.parseDouble(lag.group(2))).as("an idle loop runs its probe in time").isLessThan(0.5);
        }
        assertThat(loops).isEqualTo(node.server.config().workerThreads() > 0 ? node.server.config().workerThreads()
                : 2 * Runtime.getRuntime().availableProcessors());
        assertThat(m).contains("jvm_memory_used_bytes{").contains("jvm_threads_live_threads ")
                .contains("jvm_gc_").contains("process_uptime_seconds ").contains("livecloud_callback_queue ")
                .contains("livecloud_stats_events_dropped_total ").contains("livecloud_hls_segment_bytes ");
    }

    @Test
    void aMeterRegisteredByAnotherPartIsScraped() throws Exception {
        AtomicInteger jobs = new AtomicInteger(3);
        Gauge.builder("livecloud.test.jobs", jobs, AtomicInteger::get).register(node.server.meterRegistry());
        assertThat(value(scrape(), "livecloud_test_jobs")).isEqualTo(3);
        jobs.set(1);
        assertThat(value(scrape(), "livecloud_test_jobs")).isEqualTo(1);
    }
}
