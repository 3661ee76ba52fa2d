package io.livecloud.server;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.sun.net.httpserver.HttpServer;
import io.livecloud.media.hub.HubSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * HTTP-FLV in a real browser: mpegts.js 1.7.3 in Debian's Chromium, driven by Playwright, loading the stream
 * cross-origin (the page comes from another port), so CORS is exercised too.
 */
class BrowserPlaybackTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    @TempDir
    static Path dir;
    private static TestNode node;
    private static HttpServer pages;

    @BeforeAll
    static void start() throws Exception {
        node = new TestNode(dir.resolve("data"), HubSettings.defaults());
        pages = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        pages.createContext("/mpegts.js", exchange -> {
            try (InputStream in = BrowserPlaybackTest.class.getResourceAsStream("/web/mpegts-1.7.3.js")) {
                byte[] js = in.readAllBytes();
                exchange.getResponseHeaders().set("Content-Type", "text/javascript");
                exchange.sendResponseHeaders(200, js.length);
                exchange.getResponseBody().write(js);
            }
            exchange.close();
        });
        pages.createContext("/player.html", exchange -> {
            byte[] html = ("""
                    <!doctype html><html><body><video id="v" muted autoplay playsinline></video>
                    <script src="/mpegts.js"></script>
                    <script>
                      window.playerErrors = [];
                      const player = mpegts.createPlayer({type: 'flv', isLive: true, url: '%s'});
                      player.on(mpegts.Events.ERROR, (type, detail, info) => window.playerErrors.push(type + ': ' + detail));
                      player.attachMediaElement(document.getElementById('v'));
                      player.load();
                      player.play();
                    </script></body></html>
                    """.formatted(node.flv("browser"))).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html");
            exchange.sendResponseHeaders(200, html.length);
            exchange.getResponseBody().write(html);
            exchange.close();
        });
        pages.start();
    }

    @AfterAll
    static void stop() {
        pages.stop(0);
        node.close();
    }

    @Test
    void mpegtsJsPlaysHttpFlvInChromium() throws Exception {
        assertThat(Files.isExecutable(CHROMIUM)).as("Debian's chromium (apt-get install chromium)").isTrue();
        try (Ffmpeg ffmpeg = new Ffmpeg(); Playwright playwright = Playwright.create()) {
            ffmpeg.publish(Fixtures.h264Aac(20), node.rtmp("browser"));
            node.awaitPublisher("browser");
            Browser browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                    .setExecutablePath(CHROMIUM).setHeadless(true)
                    .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-background-networking",
                            "--disable-component-update", "--disable-sync", "--no-first-run", "--autoplay-policy=no-user-gesture-required")));
            Page page = browser.newPage();
            page.navigate("http://127.0.0.1:" + pages.getAddress().getPort() + "/player.html");
            page.waitForFunction("document.getElementById('v').currentTime > 1",  null,
                    new Page.WaitForFunctionOptions().setTimeout(20_000));
            double first = ((Number) page.evaluate("document.getElementById('v').currentTime")).doubleValue();
            page.waitForTimeout(2_000);
            double later = ((Number) page.evaluate("document.getElementById('v').currentTime")).doubleValue();
            assertThat(later - first).as("currentTime advances in real time").isBetween(1.0, 3.5);
            assertThat(page.evaluate("window.playerErrors")).asList().isEmpty();
            assertThat(((Number) page.evaluate("document.getElementById('v').videoWidth")).intValue()).isEqualTo(640);
            Files.createDirectories(Path.of("target", "screenshots"));
            page.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target", "screenshots", "mpegts-http-flv.png")));
            browser.close();
        }
    }
}
