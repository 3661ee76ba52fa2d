package io.livecloud.server;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.WaitForSelectorState;
import io.livecloud.control.domain.Domain;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The console's whole journey in Debian's Chromium (Playwright, no browser download), against a node as a user gets
 * it (URL auth on): sign in with the admin AccessKey; add a push and a play domain (and see the API's validation error
 * for {@code *.bad.example} next to the field); associate them; change the play domain's auth key; generate URLs; push
 * with ffmpeg to the push URL the page shows; see the stream online and its FLV and HLS previews playing
 * ({@code currentTime} advancing); add a snapshot configuration (its validation error under the field, an edit) and
 * see the shots of the push listed; forbid it and see ffmpeg cut; switch to Chinese; sign out. A screenshot of each page
 * goes to {@code target/console-screenshots/}.
 *
 * <p>The new domains are {@code *.console.example}: Chromium maps them to 127.0.0.1 ({@code --host-resolver-rules},
 * what the CNAME would do), and ffmpeg connects to 127.0.0.1 with the push URL's host as its tcUrl.
 */
class ConsoleBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path SHOTS = Path.of("target", "console-screenshots");
    private static final String PUSH = "push.console.example";
    private static final String PLAY = "play.console.example";
    @TempDir
    Path dir;
    private TestNode node;
    private final Ffmpeg ffmpeg = new Ffmpeg();
    private Playwright playwright;
    private Browser browser;
    private final List<String> browserErrors = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        assertThat(Files.isExecutable(CHROMIUM)).as("Debian's chromium (apt-get install chromium)").isTrue();
        node = TestNode.withAuth(dir.resolve("data"));
        playwright = Playwright.create();
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                .setExecutablePath(CHROMIUM).setHeadless(true)
                .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync", "--no-first-run",
                        "--autoplay-policy=no-user-gesture-required",
                        "--host-resolver-rules=MAP *.console.example 127.0.0.1")));
    }

    @AfterEach
    void stop() {
        browserErrors.forEach(e -> System.out.println("browser: " + e)); // for a failed run's report
        if (browser != null) {
            browser.close();
        }
        if (playwright != null) {
            playwright.close();
        }
        ffmpeg.close();
        if (node != null) {
            node.close();
        }
    }

    private static void screenshot(Page page, String name) throws Exception {
        Files.createDirectories(SHOTS);
        page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve(name)).setFullPage(true));
    }

    @Test
    void theWholeJourneyFromSignInToForbiddingALiveStream() throws Exception {
        Page page = browser.newContext(new Browser.NewContextOptions().setLocale("en-US")).newPage();
        page.onConsoleMessage(m -> {
            // refused API calls are part of the journey; other failed loads are caught by onResponse below
            if (m.type().equals("error") && !m.text().startsWith("Failed to load resource")) {
                browserErrors.add(m.text());
            }
        });
        page.onPageError(e -> browserErrors.add("page error: " + e));
        page.onResponse(r -> {
            if (r.status() >= 400 && !r.url().matches(".*/console/api(/.*)?")) { // API refusals are part of the journey
                browserErrors.add("HTTP " + r.status() + " " + r.url());
            }
        });
        String console = "http://127.0.0.1:" + node.server.apiPort() + "/";
        page.navigate(console);

        // --- sign in (a wrong secret first: the error is shown, nothing else happens)
        assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Sign in"))).isVisible();
        screenshot(page, "01-sign-in.png");
        page.getByLabel("AccessKey ID").fill(node.server.accessKey().id());
        page.getByLabel("AccessKey secret").fill("wrong-secret");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
        assertThat(page.locator("#signin-error")).containsText("InvalidAccessKey");
        page.getByLabel("AccessKey secret").fill(node.server.accessKey().secret());
        page.getByLabel("AccessKey secret").press("Enter"); // the keyboard works as well as the button
        assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Overview"))).isVisible();
        assertThat(page.locator("[data-card=domains] .value")).hasText("2"); // the demo pair
        // the node serves DescribeLiveDomainBpsData: the overview shows its latest point (zero: nothing played yet)
        assertThat(page.locator("[data-section=statistics]")).containsText(java.util.regex.Pattern.compile("0\\.00 Mbit/s at \\d{4}-"));
        assertThat(page.locator("[data-chart=bps] polyline")).hasAttribute("points", java.util.regex.Pattern.compile("^[\\d.]+,[\\d.]+ [\\d.]+,"));
        screenshot(page, "02-overview.png");

        // --- domains: the API's validation message next to the field, then a push and a play domain
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Domains")).click();
        Locator name = page.getByLabel("Domain name");
        name.fill("*.bad.example");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Add domain")).click();
        Locator nameError = page.locator("#" + name.getAttribute("id") + "-error");
        assertThat(nameError).hasText("wildcard domains are not supported: *.bad.example (InvalidDomainName.Malformed)");
        screenshot(page, "03-domains-validation-error.png");
        addDomain(page, PUSH, "liveEdge");
        addDomain(page, PLAY, "liveVideo");
        assertThat(page.locator("tr[data-domain='" + PLAY + "']")).containsText(PLAY + ".");
        assertThat(page.locator("tr[data-domain='" + PLAY + "']")).containsText("pending");
        page.locator("tr[data-domain='" + PLAY + "'] [data-action=check-cname]").click();
        assertThat(page.locator("tr[data-domain='" + PLAY + "'] [data-action=check-cname]")).isEnabled(
                new com.microsoft.playwright.assertions.LocatorAssertions.IsEnabledOptions().setTimeout(25_000));
        assertThat(page.locator("#domains-error")).isEmpty();
        screenshot(page, "04-domains.png");

        // stop/start/delete ask first: cancel leaves the domain alone, OK does it
        String demoPush = "tr[data-domain='push.livecloud.localhost']";
        page.locator(demoPush + " [data-action=delete]").click();
        assertThat(page.locator("#confirm")).isVisible();
        page.keyboard().press("Escape");
        assertThat(page.locator("#confirm")).isHidden();
        assertThat(node.server.catalog().list()).hasSize(4);
        page.locator(demoPush + " [data-action=stop]").click();
        page.locator("#confirm-ok").click();
        assertThat(page.locator(demoPush)).containsText("stopped");
        assertThat(node.server.catalog().get("push.livecloud.localhost").status().apiName()).isEqualTo("offline");
        page.locator(demoPush + " [data-action=start]").click();
        page.locator("#confirm-ok").click();
        assertThat(page.locator(demoPush + " [data-action=stop]")).isVisible();
        assertThat(node.server.catalog().get("push.livecloud.localhost").status().apiName()).isEqualTo("online");

        // --- domain configuration: associate, then a new primary key for URL auth
        page.locator("tr[data-domain='" + PLAY + "'] a", new Page.LocatorOptions().setHasText("Configure")).click();
        assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Domain " + PLAY))).isVisible();
        page.locator("[data-section=basic] [data-action=check-cname]").click();
        assertThat(page.locator("[data-section=basic] [data-action=check-cname]")).isEnabled(
                new com.microsoft.playwright.assertions.LocatorAssertions.IsEnabledOptions().setTimeout(25_000));
        assertThat(page.locator("#cname-error")).isEmpty();
        page.getByLabel("Push domain").selectOption(PUSH);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Associate")).click();
        assertThat(page.locator("[data-push-domain]")).hasText("Associated push domain: " + PUSH);
        assertThat(node.server.catalog().pushDomainOf(PLAY)).hasValue(PUSH);

        Locator key1 = page.getByLabel("Primary key");
        assertThat(key1).hasAttribute("type", "password");
        String oldKey = key1.inputValue();
        assertThat(oldKey).isEqualTo(node.server.catalog().get(PLAY).auth().primaryKey());
        page.locator("[data-action=regenerate-auth_key1]").click();
        page.locator("[data-action=reveal-auth_key1]").click();
        assertThat(key1).hasAttribute("type", "text");
        String newKey = key1.inputValue();
        assertThat(newKey).matches("[A-Za-z0-9]{16}").isNotEqualTo(oldKey);
        Locator key2 = page.getByLabel("Backup key");
        key2.fill("abc"); // too short: the API's message shows under the backup key, nothing is saved
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save")).click();
        assertThat(page.locator("#" + key2.getAttribute("id") + "-error"))
                .hasText("auth_key2 must be 6-128 letters and digits (InvalidAuthKey.Malformed)");
        assertThat(node.server.catalog().get(PLAY).auth().primaryKey()).isEqualTo(oldKey);
        key2.fill("");
        page.getByLabel("Validity (seconds)").fill("3600");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save")).click();
        assertThat(page.locator("[data-section=auth] .status")).hasText("Saved.");
        Domain play = node.server.catalog().get(PLAY);
        assertThat(play.auth().primaryKey()).isEqualTo(newKey);
        assertThat(play.auth().validitySeconds()).isEqualTo(3600);
        assertThat(play.auth().enabled()).isTrue();
        screenshot(page, "05-domain-config.png");

        // --- transcoding: a custom template with a bad name (the API's message under the field), then a good one and
        // a standard one, both lazy so nothing is transcoded until a viewer asks
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Transcoding")).click();
        page.getByLabel("Play domain").selectOption(PLAY);
        // the page re-renders for the chosen domain: wait for that render before filling its forms
        assertThat(page.locator("[data-section=bindings][data-domain='" + PLAY + "']")).containsText("No template is bound");
        Locator custom = page.locator("[data-section=add-custom]");
        Locator templateName = custom.getByLabel("Template name");
        templateName.fill("bad name!");
        custom.getByLabel("Start on the first viewer").check();
        custom.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Add custom template")).click();
        assertThat(page.locator("#" + templateName.getAttribute("id") + "-error")).containsText("(InvalidTemplate.Malformed)");
        templateName.fill("mobile-240");
        custom.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Add custom template")).click();
        assertThat(page.locator("tr[data-template=mobile-240]")).containsText("auto × 240");
        Locator standard = page.locator("[data-section=add-standard]");
        standard.getByLabel("lld", new Locator.GetByLabelOptions().setExact(false)).check();
        standard.getByLabel("Start on the first viewer").check();
        standard.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Bind templates")).click();
        assertThat(page.locator("tr[data-template=lld]")).containsText("on the first viewer");
        assertThat(node.server.transcodes().list(PLAY, "live")).extracting(b -> b.templateName())
                .containsExactlyInAnyOrder("mobile-240", "lld");
        assertThat(page.locator("[data-section=jobs]")).containsText("No rendition of this domain is running");
        screenshot(page, "05b-transcoding.png");
        page.locator("tr[data-template=mobile-240] [data-action=unbind]").click();
        page.locator("#confirm-ok").click();
        assertThat(page.locator("tr[data-template=mobile-240]")).hasCount(0);
        assertThat(node.server.transcodes().list(PLAY, "live")).extracting(b -> b.templateName()).containsExactly("lld");

        // --- snapshots: an interval below 5 s (the API's message under the field), then a configuration for app live
        // of the play domain (kept under its push domain), every 5 s, so the push below is snapshotted
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Snapshots")).click();
        page.getByLabel("Domain", new Page.GetByLabelOptions().setExact(true)).selectOption(PLAY);
        assertThat(page.locator("[data-section=configs][data-domain='" + PLAY + "']")).containsText("No app of this domain");
        Locator addSnapshot = page.locator("[data-section=add-config]");
        Locator interval = addSnapshot.getByLabel("Interval (seconds)");
        interval.fill("2");
        addSnapshot.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Add configuration")).click();
        assertThat(page.locator("#" + interval.getAttribute("id") + "-error")).hasText("Specified parameter TimeInterval "
                + "is not valid: TimeInterval must be an integer from 5 to 3600, got: 2 (InvalidTimeInterval.Malformed)");
        assertThat(node.server.snapshots().list(PLAY, null)).isEmpty();
        interval.fill("5");
        addSnapshot.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Add configuration")).click();
        Locator snapshotRow = page.locator("[data-section=configs] tr[data-app=live]");
        assertThat(snapshotRow).containsText("every 5 s");
        assertThat(snapshotRow).containsText("{AppName}/{StreamName}.jpg"); // both names empty: the defaults shown
        assertThat(snapshotRow).containsText("snapshot/{AppName}/{StreamName}/{UnixTimestamp}.jpg");
        assertThat(node.server.snapshots().list(PUSH, "live")).singleElement()
                .satisfies(c -> assertThat(c.intervalSeconds()).isEqualTo(5));
        // an edit: the overwritten picture moves under latest/ (checked on disk once the push has run)
        snapshotRow.locator("[data-action=edit]").click();
        Locator editSnapshot = page.locator("[data-section=edit-config][data-app=live]");
        assertThat(editSnapshot.getByLabel("Interval (seconds)")).hasValue("5");
        editSnapshot.getByLabel("Overwritten object").fill("latest/{AppName}/{StreamName}.jpg");
        editSnapshot.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Save configuration")).click();
        assertThat(snapshotRow).containsText("latest/{AppName}/{StreamName}.jpg");
        assertThat(editSnapshot).hasCount(0);
        assertThat(node.server.snapshots().list(PUSH, "live").get(0).overwriteObject())
                .isEqualTo("latest/{AppName}/{StreamName}.jpg");
        screenshot(page, "05c-snapshots.png");

        // --- address generator
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Address generator")).click();
        page.getByLabel("Play domain").selectOption(PLAY);
        assertThat(page.getByLabel("Associated push domain")).hasValue(PUSH);
        assertThat(page.locator("[data-section=generated]")).isEmpty();
        assertThat(page.getByLabel("Transcode template").locator("option[value=lld]")).hasCount(1);
        page.getByLabel("StreamName").fill("cam1");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Generate URLs")).click();
        String pushUrl = page.locator("[data-url=push]").inputValue();
        String flvUrl = page.locator("[data-url=flv]").inputValue();
        assertThat(pushUrl).startsWith("rtmp://" + PUSH + ":" + node.server.rtmpPort() + "/live/cam1?auth_key=");
        assertThat(flvUrl).startsWith("http://" + PLAY + ":" + node.server.httpPort() + "/live/cam1.flv?auth_key=");
        assertThat(page.locator("[data-section=obs]")).containsText("Stream Key: leave it empty");
        page.locator("[data-copy=push]").click();
        assertThat(page.locator("[data-section=generated] .status").first()).hasText("Copied");
        screenshot(page, "06-address-generator.png");

        // --- push with ffmpeg to the URL the page shows (connecting to 127.0.0.1, the push domain as tcUrl)
        URI u = URI.create(pushUrl);
        String viaLoopback = "rtmp://127.0.0.1:" + u.getPort() + u.getRawPath() + "?" + u.getRawQuery();
        Ffmpeg.Proc publisher = ffmpeg.publish(Fixtures.h264Aac(60), viaLoopback,
                List.of("-rtmp_tcurl", "rtmp://" + u.getHost() + ":" + u.getPort() + "/live"));
        await().atMost(15, TimeUnit.SECONDS).until(() -> node.server.hub().streams().stream()
                .anyMatch(s -> s.key().domain().equals(PUSH) && s.publisher() != null));

        // --- the overview counts it, and the node's bandwidth (from /metrics) shows the push coming in
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Overview")).click();
        assertThat(page.locator("[data-card=streams] .value")).hasText("1");
        assertThat(page.locator("[data-card=node] .value")).hasText(java.util.regex.Pattern.compile("\\d+\\.\\d\\d / \\d+\\.\\d\\d"),
                new com.microsoft.playwright.assertions.LocatorAssertions.HasTextOptions().setTimeout(10_000));
        double mbitIn = Double.parseDouble(page.locator("[data-card=node] .value").textContent().split(" / ")[0]);
        assertThat(mbitIn).as("the push's bitrate, in Mbit/s").isBetween(0.2, 20.0);
        screenshot(page, "06b-overview-live.png");

        // --- streams: online, previews, forbid
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Streams")).click();
        page.getByLabel("Domain", new Page.GetByLabelOptions().setExact(true)).selectOption(PLAY);
        Locator row = page.locator("tr[data-stream='live/cam1']");
        assertThat(row).isVisible();
        // codecs, picture size and bitrate are measured over whole seconds of the stream: they show after a few
        await().atMost(20, TimeUnit.SECONDS).pollInterval(1, TimeUnit.SECONDS).untilAsserted(() -> {
            page.locator("[data-action=refresh]").click();
            assertThat(row).containsText("h264 640×360");
        });
        preview(page, row, "flv");
        screenshot(page, "07-streams-flv-preview.png");
        preview(page, row, "hls");
        screenshot(page, "08-streams-hls-preview.png");

        row.locator("[data-action=forbid]").click();
        assertThat(page.locator("#confirm")).isVisible();
        page.locator("#confirm-ok").click();
        assertThat(publisher.waitFor(15)).as("ffmpeg is cut when the stream is forbidden").isNotEqualTo(0);
        assertThat(page.locator("[data-blocked='live/cam1']")).isVisible();
        assertThat(page.locator("[data-section=online]")).containsText("No stream is live");
        await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> {
            page.locator("[data-action=refresh]").click();
            assertThat(page.locator("[data-section=history]")).containsText("forbidden");
        });
        screenshot(page, "09-streams-forbidden.png");
        page.locator("[data-blocked='live/cam1'] [data-action=resume]").click();
        assertThat(page.locator("[data-section=blocked]")).containsText("No stream is forbidden");
        assertThat(node.server.streams().blocked(PUSH)).isEmpty();

        // --- snapshots of the push that ran (about 5 s apart, at the source's 640×360): newest first, each a file of
        // the node's local store, shown through the console
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Snapshots")).click();
        Locator shotsForm = page.locator("[data-section=latest-shots]");
        shotsForm.getByLabel("StreamName").fill("cam1");
        shotsForm.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Show latest shots")).click();
        Locator shotRows = page.locator("[data-section=shots] tbody tr");
        assertThat(shotRows.first()).containsText("640×360");
        assertThat(page.locator("[data-note=local-files]")).isVisible();
        Locator overwritten = page.locator("[data-section=shots] tr[data-shot='latest/live/cam1.jpg']");
        Path picture = dir.resolve("data").resolve("storage").resolve("latest/live/cam1.jpg").toAbsolutePath();
        assertThat(overwritten.first()).containsText("stored at " + picture);
        assertThat(Files.size(picture)).isPositive();
        // the local file comes through /console/api/picture: the browser decodes it at the source's size
        Locator image = overwritten.first().locator("img");
        await().atMost(10, TimeUnit.SECONDS).pollInterval(200, TimeUnit.MILLISECONDS).until(() ->
                ((Number) image.evaluate("img => img.complete ? img.naturalWidth : 0")).intValue() > 0);
        assertThat(image.evaluate("img => img.naturalWidth + 'x' + img.naturalHeight")).isEqualTo("640x360");
        assertThat(shotRows.locator("img")).hasCount(shotRows.count());
        // the stream was forbidden above, so no shot comes in between: the page lists the index's newest 20 in order
        List<String> indexed = node.server.snapshots().shots(PUSH, "live", "cam1", java.time.Instant.now().minusSeconds(3600),
                java.time.Instant.now().plusSeconds(1), 20, true).stream().map(s -> s.ossObject()).toList();
        assertThat(indexed).isNotEmpty();
        List<String> listed = shotRows.evaluateAll("rows => rows.map(r => r.dataset.shot)") instanceof List<?> l
                ? l.stream().map(String::valueOf).toList() : List.of();
        assertThat(listed).isEqualTo(indexed);
        screenshot(page, "09b-snapshots-shots.png");
        // delete asks first: cancel keeps the configuration, OK removes it (the shots stay listed: they are the user's)
        page.locator("[data-section=configs] tr[data-app=live] [data-action=delete]").click();
        page.keyboard().press("Escape");
        assertThat(node.server.snapshots().list(PUSH, null)).hasSize(1);
        page.locator("[data-section=configs] tr[data-app=live] [data-action=delete]").click();
        page.locator("#confirm-ok").click();
        assertThat(page.locator("[data-section=configs]")).containsText("No app of this domain");
        assertThat(node.server.snapshots().list(PUSH, null)).isEmpty();

        // --- Chinese, persisted across a reload (the session survives it too)
        page.getByLabel("Language").selectOption("zh-CN");
        assertThat(page.locator("html")).hasAttribute("lang", "zh-CN");
        assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("截图").setExact(true))).isVisible();
        assertThat(page.locator("[data-section=configs]")).containsText("该域名下没有应用配置截图");
        page.reload();
        assertThat(page.locator("nav")).containsText("域名管理");
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("域名管理")).click();
        assertThat(page.locator("tr[data-domain='" + PUSH + "']")).containsText("推流域名");
        screenshot(page, "10-domains-zh-CN.png");

        // --- sign out: back to the sign-in page, and the old session is gone on the server
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("退出登录")).click();
        assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("登录"))).isVisible();
        page.reload();
        assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("登录"))).isVisible();

        assertThat(browserErrors).as("no errors (CSP violations included) in the browser console").isEmpty();
    }

    private static void addDomain(Page page, String domain, String type) {
        page.getByLabel("Domain name").fill(domain);
        page.getByLabel("Business type").selectOption(type);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Add domain")).click();
        page.locator("tr[data-domain='" + domain + "']").waitFor();
    }

    /** Starts a preview and checks the video plays in real time: currentTime advances about as the clock does. */
    private static void preview(Page page, Locator row, String kind) {
        row.locator("[data-preview=" + kind + "]").click();
        page.locator("#preview-video").waitFor(new Locator.WaitForOptions().setState(WaitForSelectorState.ATTACHED));
        // polled from here: waitForFunction evaluates a string in the page, which the console's CSP (rightly) refuses
        await().atMost(30, TimeUnit.SECONDS).pollInterval(200, TimeUnit.MILLISECONDS).until(() -> currentTime(page) > 1);
        double first = currentTime(page);
        page.waitForTimeout(2000);
        double later = currentTime(page);
        assertThat(later - first).as(kind + " preview advances").isBetween(1.4, 2.6);
        assertThat(page.locator("#preview-error")).isEmpty();
    }

    private static double currentTime(Page page) {
        return ((Number) page.evaluate("document.getElementById('preview-video').currentTime")).doubleValue();
    }
}
