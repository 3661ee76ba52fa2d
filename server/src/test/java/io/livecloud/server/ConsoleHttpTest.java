package io.livecloud.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console over plain HTTP, against a whole node: its files and their headers, and the session rules — no cookie
 * → 401, a missing or wrong CSRF token → 403, a cross-origin request → 403, sign-out ends the session, the cookie's
 * flags — and that console calls reach the same OpenAPI (same errors) while {@code /?Action=…} stays the signed API;
 * the snapshot pictures of the local store go to the session only and never from outside the store.
 */
class ConsoleHttpTest {
    @TempDir
    static Path dir;
    private static TestNode node;
    private static final HttpClient http = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start() {
        node = TestNode.withAuth(dir.resolve("data"));
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private static HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(node.api(path)));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String path, Map<String, String> form, String... headers) throws Exception {
        String body = form.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(node.api(path)))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A signed-in session: {cookie header value, CSRF token}. */
    private static String[] signIn() throws Exception {
        HttpResponse<String> r = post("/console/api/signin", Map.of("AccessKeyId", node.server.accessKey().id(),
                "AccessKeySecret", node.server.accessKey().secret()));
        assertThat(r.statusCode()).isEqualTo(200);
        String setCookie = r.headers().firstValue("Set-Cookie").orElseThrow();
        return new String[]{setCookie.substring(0, setCookie.indexOf(';')), JSON.readTree(r.body()).path("CsrfToken").asText()};
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    private static Map<String, String> action(String name, String... params) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("Action", name);
        for (int i = 0; i < params.length; i += 2) {
            m.put(params[i], params[i + 1]);
        }
        return m;
    }

    @Test
    void theConsoleFilesAreServedWithTheirTypesCachingAndAStrictContentSecurityPolicy() throws Exception {
        HttpResponse<String> index = get("/");
        assertThat(index.statusCode()).isEqualTo(200);
        assertThat(index.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(index.body()).contains("<script type=\"module\" src=\"/console/app.js\">");
        String csp = index.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertThat(csp).contains("default-src 'none'", "script-src 'self'", "frame-ancestors 'none'").doesNotContain("unsafe");
        assertThat(index.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(index.headers().firstValue("Cache-Control")).hasValue("no-cache");
        String etag = index.headers().firstValue("ETag").orElseThrow();
        assertThat(get("/", "If-None-Match", etag).statusCode()).isEqualTo(304);

        assertThat(get("/console/app.js").headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
        assertThat(get("/console/style.css").headers().firstValue("Content-Type")).hasValue("text/css; charset=utf-8");
        HttpResponse<String> hls = get("/console/vendor/hls-1.7.4.min.js");
        assertThat(hls.statusCode()).isEqualTo(200);
        assertThat(hls.headers().firstValue("Cache-Control")).hasValue("public, max-age=31536000, immutable");
        assertThat(get("/console/vendor/mpegts-1.7.3.js").statusCode()).isEqualTo(200);

        assertThat(get("/console/nope.js").statusCode()).isEqualTo(404);
        assertThat(get("/console/..%2Fapp.js").statusCode()).isEqualTo(404);
        assertThat(get("/console/pages/../app.js").statusCode()).isIn(200, 404); // the client may normalise the path
        assertThat(get("/console/io/livecloud/server/ConsoleHttp.class").statusCode()).isEqualTo(404);
    }

    @Test
    void anActionAtTheRootIsStillTheSignedOpenApi() throws Exception {
        HttpResponse<String> unsigned = get("/?Action=DescribeLiveUserDomains&Format=JSON");
        assertThat(unsigned.statusCode()).isEqualTo(400);
        assertThat(json(unsigned).path("Code").asText()).isEqualTo("MissingParameter");
        // a session cookie does not sign an OpenAPI request
        String[] s = signIn();
        HttpResponse<String> withCookie = get("/?Action=DescribeLiveUserDomains&Format=JSON", "Cookie", s[0]);
        assertThat(json(withCookie).path("Code").asText()).isEqualTo("MissingParameter");
    }

    @Test
    void signInSetsAnHttpOnlySameSiteStrictCookieAndWrongKeysAreRefused() throws Exception {
        HttpResponse<String> wrong = post("/console/api/signin", Map.of("AccessKeyId", node.server.accessKey().id(),
                "AccessKeySecret", "not-the-secret"));
        assertThat(wrong.statusCode()).isEqualTo(403);
        assertThat(json(wrong).path("Code").asText()).isEqualTo("InvalidAccessKey");
        assertThat(wrong.headers().firstValue("Set-Cookie")).isEmpty();

        HttpResponse<String> ok = post("/console/api/signin", Map.of("AccessKeyId", node.server.accessKey().id(),
                "AccessKeySecret", node.server.accessKey().secret()));
        assertThat(ok.statusCode()).isEqualTo(200);
        String cookie = ok.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(cookie).matches(ConsoleHttp.COOKIE + "=[A-Za-z0-9_-]{43}; Path=/; HttpOnly; SameSite=Strict");
        assertThat(json(ok).path("CsrfToken").asText()).hasSize(43);
        assertThat(ok.body()).doesNotContain(node.server.accessKey().secret());
        assertThat(ok.headers().firstValue("Cache-Control")).hasValue("no-store");

        assertThat(get("/console/api/signin").statusCode()).isEqualTo(405);
        HttpResponse<String> viaTls = post("/console/api/signin", Map.of("AccessKeyId", node.server.accessKey().id(),
                "AccessKeySecret", node.server.accessKey().secret()), "X-Forwarded-Proto", "https");
        assertThat(viaTls.headers().firstValue("Set-Cookie").orElseThrow()).endsWith("; SameSite=Strict; Secure");
    }

    @Test
    void consoleCallsNeedTheCookieAndTheCsrfToken() throws Exception {
        Map<String, String> list = action("DescribeLiveUserDomains");
        HttpResponse<String> noCookie = post("/console/api", list);
        assertThat(noCookie.statusCode()).isEqualTo(401);
        assertThat(json(noCookie).path("Code").asText()).isEqualTo("ConsoleSession.Missing");
        assertThat(post("/console/api", list, "Cookie", ConsoleHttp.COOKIE + "=forged", "X-CSRF-Token", "x").statusCode())
                .isEqualTo(401);

        String[] s = signIn();
        String[] other = signIn();
        HttpResponse<String> noToken = post("/console/api", list, "Cookie", s[0]);
        assertThat(noToken.statusCode()).isEqualTo(403);
        assertThat(json(noToken).path("Code").asText()).isEqualTo("ConsoleRequest.InvalidCsrfToken");
        assertThat(post("/console/api", list, "Cookie", s[0], "X-CSRF-Token", other[1]).statusCode())
                .as("another session's token").isEqualTo(403);
        assertThat(get("/console/api?Action=DescribeLiveUserDomains", "Cookie", s[0], "X-CSRF-Token", s[1]).statusCode())
                .as("changes only by POST").isEqualTo(405);

        HttpResponse<String> ok = post("/console/api", list, "Cookie", s[0], "X-CSRF-Token", s[1]);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(json(ok).path("Domains").path("PageData").findValuesAsText("DomainName"))
                .contains("push.livecloud.localhost", "play.livecloud.localhost");
    }

    @Test
    void crossOriginRequestsAreRefusedEvenWithTheCookieAndToken() throws Exception {
        String[] s = signIn();
        Map<String, String> list = action("DescribeLiveUserDomains");
        HttpResponse<String> evil = post("/console/api", list, "Cookie", s[0], "X-CSRF-Token", s[1], "Origin", "http://evil.example");
        assertThat(evil.statusCode()).isEqualTo(403);
        assertThat(json(evil).path("Code").asText()).isEqualTo("ConsoleRequest.CrossOrigin");
        assertThat(post("/console/api", list, "Cookie", s[0], "X-CSRF-Token", s[1], "Sec-Fetch-Site", "cross-site").statusCode())
                .isEqualTo(403);
        assertThat(post("/console/api/signin", Map.of("AccessKeyId", node.server.accessKey().id(), "AccessKeySecret",
                node.server.accessKey().secret()), "Origin", "http://evil.example").statusCode()).as("login CSRF").isEqualTo(403);
        String self = "http://127.0.0.1:" + node.server.apiPort();
        assertThat(post("/console/api", list, "Cookie", s[0], "X-CSRF-Token", s[1], "Origin", self,
                "Sec-Fetch-Site", "same-origin").statusCode()).isEqualTo(200);
    }

    @Test
    void signOutEndsTheSessionAndAReloadGetsTheTokenBackWhileItLives() throws Exception {
        String[] s = signIn();
        HttpResponse<String> session = get("/console/api/session", "Cookie", s[0]);
        assertThat(session.statusCode()).isEqualTo(200);
        assertThat(json(session).path("CsrfToken").asText()).isEqualTo(s[1]);
        assertThat(get("/console/api/session").statusCode()).isEqualTo(401);

        assertThat(post("/console/api/signout", Map.of(), "Cookie", s[0]).statusCode()).as("sign-out needs the token too")
                .isEqualTo(403);
        HttpResponse<String> out = post("/console/api/signout", Map.of(), "Cookie", s[0], "X-CSRF-Token", s[1]);
        assertThat(out.statusCode()).isEqualTo(200);
        assertThat(out.headers().firstValue("Set-Cookie").orElseThrow()).contains("Max-Age=0");
        assertThat(get("/console/api/session", "Cookie", s[0]).statusCode()).isEqualTo(401);
        assertThat(post("/console/api", action("DescribeLiveUserDomains"), "Cookie", s[0], "X-CSRF-Token", s[1]).statusCode())
                .isEqualTo(401);
    }

    @Test
    void consoleCallsGetTheOpenApisOwnAnswersAndErrors() throws Exception {
        String[] s = signIn();
        HttpResponse<String> bad = post("/console/api", action("AddLiveDomain", "DomainName", "*.bad.example",
                "LiveDomainType", "liveEdge", "Region", "cn-shanghai"), "Cookie", s[0], "X-CSRF-Token", s[1]);
        assertThat(bad.statusCode()).isEqualTo(400);
        JsonNode error = json(bad);
        assertThat(error.path("Code").asText()).isEqualTo("InvalidDomainName.Malformed");
        assertThat(error.path("Message").asText()).isEqualTo("wildcard domains are not supported: *.bad.example");
        assertThat(error.path("RequestId").asText()).isNotBlank();

        HttpResponse<String> unknown = post("/console/api", action("NoSuchAction"), "Cookie", s[0], "X-CSRF-Token", s[1]);
        assertThat(json(unknown).path("Code").asText()).isEqualTo("InvalidAction.NotFound");

        HttpResponse<String> centers = post("/console/api", action("DescribeLiveCenters"), "Cookie", s[0], "X-CSRF-Token", s[1]);
        assertThat(json(centers).path("LiveCenters").path("LiveCenter").get(0).asText()).isNotBlank();

        HttpResponse<String> cname = post("/console/api", action("CheckLiveDomainCname", "DomainName", "play.livecloud.localhost"),
                "Cookie", s[0], "X-CSRF-Token", s[1]);
        assertThat(cname.statusCode()).as(cname.body()).isEqualTo(200);
        assertThat(json(cname).path("CnameStatus").asText()).isIn("configured", "pending");
        assertThat(json(cname).path("Cname").asText()).startsWith("play.livecloud.localhost.");
    }

    /**
     * {@code /console/api/picture} serves a .jpg of the node's local store to a signed-in console, and nothing else:
     * no session → 401, another site → 403, names that climb out ({@code ..}, absolute, a link inside the store
     * pointing out), other file types, a bucket (not the local store) and missing files are refused, and no refusal
     * carries the bytes of the file outside.
     */
    @Test
    void picturesOfTheLocalStoreAreServedToTheSessionOnlyAndNeverFromOutsideIt() throws Exception {
        Path data = dir.resolve("data");
        Path storage = data.resolve("storage");
        byte[] picture = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 1, 2, 3, 4, (byte) 0xFF, (byte) 0xD9};
        java.nio.file.Files.createDirectories(storage.resolve("pic"));
        java.nio.file.Files.write(storage.resolve("pic/a b.jpg"), picture);
        java.nio.file.Files.writeString(storage.resolve("notes.txt"), "notes");
        String secret = "outside-the-store-" + java.util.UUID.randomUUID();
        java.nio.file.Files.writeString(data.resolve("outside.jpg"), secret);
        java.nio.file.Files.createSymbolicLink(storage.resolve("link.jpg"), data.resolve("outside.jpg"));
        String cookie = signIn()[0];

        HttpResponse<byte[]> ok = picture("OssObject=pic/a%20b.jpg", "Cookie", cookie);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).isEqualTo(picture);
        assertThat(ok.headers().firstValue("Content-Type")).hasValue("image/jpeg");
        assertThat(ok.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(ok.headers().firstValue("Content-Security-Policy")).isPresent();
        // an <img> of the console's own page says same-origin
        assertThat(picture("OssObject=pic/a%20b.jpg", "Cookie", cookie, "Sec-Fetch-Site", "same-origin").statusCode())
                .isEqualTo(200);

        HttpResponse<byte[]> noSession = picture("OssObject=pic/a%20b.jpg");
        assertThat(noSession.statusCode()).isEqualTo(401);
        assertThat(code(noSession)).isEqualTo("ConsoleSession.Missing");
        assertThat(code(picture("OssObject=pic/a%20b.jpg", "Cookie", cookie, "Sec-Fetch-Site", "cross-site")))
                .isEqualTo("ConsoleRequest.CrossOrigin");
        Map<String, String> bad = new LinkedHashMap<>();
        bad.put("OssObject=../outside.jpg", "InvalidOssObject.Malformed");
        bad.put("OssObject=pic/..%2F..%2Foutside.jpg", "InvalidOssObject.Malformed");
        bad.put("OssObject=%2Fetc%2Fx.jpg", "InvalidOssObject.Malformed");
        bad.put("OssObject=pic%5C..%5C..%5Coutside.jpg", "InvalidOssObject.Malformed");
        bad.put("OssObject=notes.txt", "InvalidOssObject.Malformed");
        bad.put("OssObject=", "InvalidOssObject.Malformed");
        bad.put("OssObject=link.jpg", "InvalidOssObject.NotFound");
        bad.put("OssObject=pic/missing.jpg", "InvalidOssObject.NotFound");
        bad.put("OssBucket=somebucket&OssObject=pic/a%20b.jpg", "InvalidOssBucket.Unavailable");
        for (Map.Entry<String, String> e : bad.entrySet()) {
            HttpResponse<byte[]> r = picture(e.getKey(), "Cookie", cookie);
            assertThat(code(r)).as(e.getKey()).isEqualTo(e.getValue());
            assertThat(r.statusCode()).as(e.getKey()).isIn(400, 404);
            assertThat(new String(r.body(), StandardCharsets.UTF_8)).doesNotContain(secret);
        }
        HttpResponse<byte[]> post = http.send(HttpRequest.newBuilder(URI.create(node.api("/console/api/picture?OssObject=pic/a%20b.jpg")))
                .header("Cookie", cookie).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(post.statusCode()).isEqualTo(405);
    }

    private static HttpResponse<byte[]> picture(String query, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(node.api("/console/api/picture?" + query)));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String code(HttpResponse<byte[]> r) throws Exception {
        return JSON.readTree(r.body()).path("Code").asText();
    }
}
