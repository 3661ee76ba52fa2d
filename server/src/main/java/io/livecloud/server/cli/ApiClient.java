package io.livecloud.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.livecloud.api.AdminAccessKey;
import io.livecloud.api.OpenApi;
import io.livecloud.api.RpcSignature;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * A small client of the node's OpenAPI: every call is a POST to {@code /} with the parameters in a form body, signed
 * (signature v1, HMAC-SHA1) exactly as the cloud's SDKs sign.
 */
final class ApiClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    /** The API said no: its {@code Code} and {@code Message}. */
    static final class ApiError extends Exception {
        final int status;
        final String code;
        final JsonNode body;

        ApiError(int status, String code, String message, JsonNode body) {
            super(message);
            this.status = status;
            this.code = code;
            this.body = body;
        }
    }

    /** The API could not be reached, or did not answer like one. */
    static final class Unreachable extends Exception {
        Unreachable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** One answer: the parsed document and its raw text. */
    record Answer(JsonNode json, String raw) {
    }

    private final URI endpoint;
    private final AdminAccessKey.Credentials credentials;
    private final HttpClient http;

    ApiClient(URI endpoint, AdminAccessKey.Credentials credentials) {
        this.endpoint = endpoint.resolve("/");
        this.credentials = credentials;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    URI endpoint() {
        return endpoint;
    }

    Answer call(String action, Map<String, String> actionParams) throws ApiError, Unreachable {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("Action", action);
        p.put("Version", OpenApi.API_VERSION);
        p.put("Format", "JSON");
        p.put("AccessKeyId", credentials.id());
        p.put("SignatureMethod", RpcSignature.METHOD);
        p.put("SignatureVersion", RpcSignature.VERSION);
        p.put("SignatureNonce", UUID.randomUUID().toString());
        p.put("Timestamp", ISO.format(Instant.now()));
        actionParams.forEach((k, v) -> {
            if (v != null) {
                p.put(k, v);
            }
        });
        p.put("Signature", RpcSignature.sign("POST", p, credentials.secret()));
        StringBuilder form = new StringBuilder();
        p.forEach((k, v) -> {
            if (form.length() > 0) {
                form.append('&');
            }
            form.append(RpcSignature.percentEncode(k)).append('=').append(RpcSignature.percentEncode(v));
        });
        HttpRequest request = HttpRequest.newBuilder(endpoint)
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form.toString(), StandardCharsets.UTF_8))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new Unreachable("cannot reach the API at " + endpoint + ": " + describe(e)
                    + " (is 'livecloud serve' running? --api sets the address)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unreachable("interrupted", e);
        }
        JsonNode json;
        try {
            json = JSON.readTree(response.body());
        } catch (IOException e) {
            throw new Unreachable("the API at " + endpoint + " answered HTTP " + response.statusCode()
                    + " with something that is not JSON", e);
        }
        if (response.statusCode() / 100 != 2) {
            String code = json.path("Code").asText("HTTP" + response.statusCode());
            throw new ApiError(response.statusCode(), code, json.path("Message").asText(""), json);
        }
        return new Answer(json, response.body());
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        if ((m == null || m.isBlank()) && e.getCause() != null) {
            return describe(e.getCause());
        }
        return m == null ? e.getClass().getSimpleName() : m;
    }
}
