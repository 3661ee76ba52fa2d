package io.livecloud.server;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.livecloud.media.hub.HubSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Playback in a real browser, Debian's Chromium driven by Playwright: HTTP-FLV with mpegts.js 1.7.3 and HLS with
 * hls.js 1.7.4, each page loading the stream cross-origin (the page comes from another port), so CORS is exercised
 * too. The HLS test also reads hls.js's idea of the live latency (wall clock minus the program date time of the
 * frame on screen) and prints it for docs/benchmarks.md.
 */
class BrowserPlaybackTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    @TempDir
    static Path dir;
    private static TestNode node;
    private static HttpServer pages;
    private final Ffmpeg ffmpeg = new Ffmpeg();
    private Playwright playwright;
    private Browser browser;

    @BeforeAll
    static void start() throws Exception {
        node = new TestNode(dir.resolve("data"), HubSettings.defaults());
        pages = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        pages.createContext("/mpegts.js", exchange -> resource(exchange, "/console/vendor/mpegts-1.7.3.js"));
        pages.createContext("/hls.js", exchange -> resource(exchange, "/console/vendor/hls-1.7.4.min.js"));
        pages.createContext("/flv.html", exchange -> page(exchange, """
                <script src="/mpegts.js"></script>
                <script>
                  const player = mpegts.createPlayer({type: 'flv', isLive: true, url: '%s'});
                  player.on(mpegts.Events.ERROR, (type, detail, info) => window.playerErrors.push(type + ': ' + detail));
                  player.attachMediaElement(video);
                  player.load();
                  player.play();
                </script>""".formatted(node.flv("browser-flv"))));
        pages.createContext("/hls.html", exchange -> page(exchange, hlsJs(node.hls("browser-hls"), false)));
        pages.createContext("/llhls.html", exchange -> page(exchange,
                hlsJs(node.hls("browser-ll").replace("browser-ll.m3u8", "browser-ll/ll.m3u8"), true)));
        pages.start();
    }

    private static String hlsJs(String url, boolean lowLatency) {
        return """
                <script src="/hls.js"></script>
                <script>
                  const hls = new Hls({lowLatencyMode: %s});
                  window.hls = hls;
                  hls.on(Hls.Events.ERROR, (event, data) => { if (data.fatal) window.playerErrors.push(data.type + ': ' + data.details); });
                  hls.loadSource('%s');
                  hls.attachMedia(video);
                  video.play();
                </script>""".formatted(lowLatency, url);
    }

    private static void resource(HttpExchange exchange, String name) throws IOException {
        try (InputStream in = BrowserPlaybackTest.class.getResourceAsStream(name)) {
            send(exchange, "text/javascript", in.readAllBytes());
        }
    }

    private static void page(HttpExchange exchange, String player) throws IOException {
        String html = """
                <!doctype html><html><body><video id="v" muted autoplay playsinline></video>
                <script>window.playerErrors = []; const video = document.getElementById('v');</script>
                %s</body></html>""".formatted(player);
        send(exchange, "text/html", html.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    @AfterAll
    static void stop() {
        pages.stop(0);
        node.close();
    }

    @BeforeEach
    void launch() {
        assertThat(Files.isExecutable(CHROMIUM)).as("Debian's chromium (apt-get install chromium)").isTrue();
        playwright = Playwright.create();
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                .setExecutablePath(CHROMIUM).setHeadless(true)
                .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync", "--no-first-run", "--autoplay-policy=no-user-gesture-required")));
    }

    @AfterEach
    void close() {
        browser.close();
        playwright.close();
        ffmpeg.close();
    }

    /** Opens the page, waits for playback, and checks it advances in real time for {@code seconds}. */
    private Page playFor(String pagePath, double seconds) {
        Page page = browser.newPage();
        List<String> console = new java.util.concurrent.CopyOnWriteArrayList<>();
        page.onConsoleMessage(m -> console.add(m.type() + ": " + m.text()));
        page.onRequestFailed(r -> console.add("request failed: " + r.url() + " " + r.failure()));
        page.onResponse(r -> { if (r.status() >= 400) console.add("HTTP " + r.status() + " " + r.url()); });
        page.navigate("http://127.0.0.1:" + pages.getAddress().getPort() + pagePath);
        try {
            page.waitForFunction("document.getElementById('v').currentTime > 1", null,
                    new Page.WaitForFunctionOptions().setTimeout(20_000));
        } catch (RuntimeException e) {
            throw new AssertionError("no playback; player errors " + page.evaluate("JSON.stringify(window.playerErrors)")
                    + "; console and failed requests: " + String.join("\n", console), e);
        }
        double first = currentTime(page);
        page.waitForTimeout(seconds * 1000);
        double later = currentTime(page);
        assertThat(later - first).as("currentTime advances in real time").isBetween(seconds * 0.8, seconds * 1.2);
        assertThat(page.evaluate("window.playerErrors")).asList().isEmpty();
        assertThat(((Number) page.evaluate("video.videoWidth")).intValue()).isEqualTo(640);
        return page;
    }

    private static double currentTime(Page page) {
        return ((Number) page.evaluate("document.getElementById('v').currentTime")).doubleValue();
    }

    private static void screenshot(Page page, String name) throws IOException {
        Files.createDirectories(Path.of("target", "screenshots"));
        page.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target", "screenshots", name)));
    }

    @Test
    void mpegtsJsPlaysHttpFlvInChromium() throws Exception {
        ffmpeg.publish(Fixtures.h264Aac(20), node.rtmp("browser-flv"));
        node.awaitPublisher("browser-flv");
        Page page = playFor("/flv.html", 2);
        screenshot(page, "mpegts-http-flv.png");
    }

    @Test
    void hlsJsPlaysHlsInChromium() throws Exception {
        ffmpeg.publish(Fixtures.h264Aac(40), node.rtmp("browser-hls"));
        node.awaitPublisher("browser-hls");
        Page page = playFor("/hls.html", 10);
        double latency = ((Number) page.evaluate("(Date.now() - hls.playingDate.getTime()) / 1000")).doubleValue();
        System.out.printf("hls.js live latency (TS HLS, 2 s segments): %.2f s%n", latency);
        assertThat(latency).as("behind the live edge by a few segments, as HLS players are").isBetween(0.0, 12.0);
        screenshot(page, "hlsjs-hls.png");
    }

    @Test
    void hlsJsPlaysLowLatencyHlsInChromium() throws Exception {
        ffmpeg.publish(Fixtures.h264Aac(40), node.rtmp("browser-ll"));
        node.awaitPublisher("browser-ll");
        Page page = playFor("/llhls.html", 10);
        double latency = ((Number) page.evaluate("(Date.now() - hls.playingDate.getTime()) / 1000")).doubleValue();
        System.out.printf("hls.js live latency (LL-HLS, 0.5 s parts): %.2f s%n", latency);
        assertThat(latency).as("LL-HLS plays about two seconds behind live").isBetween(0.0, 3.5);
        assertThat(page.evaluate("hls.levels[0].details.partList.length > 0")).as("hls.js saw the parts").isEqualTo(true);
        screenshot(page, "hlsjs-ll-hls.png");
    }
}
