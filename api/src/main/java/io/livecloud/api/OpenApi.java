package io.livecloud.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.livecloud.control.ControlException;
import io.livecloud.control.address.AddressGenerator;
import io.livecloud.control.domain.CnameStatus;
import io.livecloud.control.domain.Domain;
import io.livecloud.control.domain.DomainCatalog;
import io.livecloud.control.stats.TrafficStats;
import io.livecloud.control.notify.CallbackNotifier;
import io.livecloud.control.stream.StreamManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The RPC OpenAPI, compatible with the cloud's {@code live} API version 2016-11-01 (SPEC §7), without any HTTP
 * machinery: the server hands it the method and the merged query + form parameters, and writes back what it
 * returns. It may block (the store is JDBC): call it off the event loops.
 *
 * <p>Order of checks, each refusal in the cloud's words: {@code Format} → {@code Action} present and known →
 * the other common parameters present → {@code Version} → {@code SignatureMethod} / {@code SignatureVersion} →
 * {@code Timestamp} (ISO-8601 UTC, within 15 minutes) → {@code AccessKeyId} known → {@code Signature} →
 * {@code SignatureNonce} unused (only signed requests are remembered) → the action.
 *
 * <p>{@code Format=JSON} (also the default when absent — the cloud's default is XML) answers JSON;
 * {@code Format=XML} answers the same document as XML, root {@code <{Action}Response>} or {@code <Error>}.
 */
public final class OpenApi {
    private static final Logger log = LoggerFactory.getLogger(OpenApi.class);

    public static final String API_VERSION = "2016-11-01";
    /** How far a request's Timestamp may be from the server's clock, either way. */
    public static final Duration TIMESTAMP_WINDOW = Duration.ofMinutes(15);
    static final int MAX_NONCES = 200_000;
    private static final List<String> COMMON = List.of("Version", "AccessKeyId", "SignatureMethod", "SignatureVersion",
            "SignatureNonce", "Timestamp", "Signature");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** An answer: the HTTP status, the content type and the body. */
    public record Response(int status, String contentType, String body) {
    }

    private final LiveActions actions;
    private final Function<String, Optional<String>> secrets;
    private final Clock clock;
    private final String hostId;
    private final NonceCache nonces;

    /**
     * @param secrets the secret of an AccessKey id, empty when the id is unknown ({@link AdminAccessKey#secretOf})
     * @param hostId  what errors carry as {@code HostId} (the cloud puts its endpoint there)
     */
    public OpenApi(DomainCatalog catalog, AddressGenerator addresses, Function<String, Optional<String>> secrets,
                   Clock clock, String hostId) {
        this(catalog, addresses, null, null, null, secrets, clock, hostId, MAX_NONCES);
    }

    /**
     * With stream management (the live streams, forbid/resume, the publish history, viewers), publish callbacks and
     * the access log listing.
     */
    public OpenApi(DomainCatalog catalog, AddressGenerator addresses, StreamManager streams, CallbackNotifier notifier,
                   DomainLogs logs, Function<String, Optional<String>> secrets, Clock clock, String hostId) {
        this(catalog, addresses, streams, notifier, logs, secrets, clock, hostId, MAX_NONCES);
    }

    /** As above, with CheckLiveDomainCname ("check now") run by {@code cnameCheckNow} (the node's CNAME poller). */
    public OpenApi(DomainCatalog catalog, AddressGenerator addresses, StreamManager streams, CallbackNotifier notifier,
                   DomainLogs logs, Function<Domain, CompletableFuture<CnameStatus>> cnameCheckNow,
                   Function<String, Optional<String>> secrets, Clock clock, String hostId) {
        this(catalog, addresses, streams, notifier, logs, secrets, clock, hostId, MAX_NONCES);
        actions.registerCnameCheck(cnameCheckNow);
    }

    OpenApi(DomainCatalog catalog, AddressGenerator addresses, StreamManager streams, CallbackNotifier notifier,
            DomainLogs logs, Function<String, Optional<String>> secrets, Clock clock, String hostId, int maxNonces) {
        this.actions = new LiveActions(catalog, addresses, streams, notifier, logs, clock, JSON);
        this.secrets = secrets;
        this.clock = clock;
        this.hostId = hostId;
        this.nonces = new NonceCache(maxNonces);
    }

    /**
     * Serves the statistics actions too (DescribeLiveDomainBpsData, DescribeLiveDomainTrafficData,
     * DescribeLiveDomainOnlineUserNum, DescribeLiveUsageReport); call before requests arrive.
     */
    public OpenApi withStatistics(TrafficStats stats) {
        actions.addStatistics(stats, clock);
        return this;
    }

    /** Serves the transcoding actions too; call before the API port takes requests. */
    public OpenApi withTranscoding(io.livecloud.control.transcode.TranscodeCatalog transcodes, TranscodeJobs jobs) {
        actions.register(table -> TranscodeActions.register(table, transcodes, jobs));
        return this;
    }

    /** Serves the snapshot actions too; call before the API port takes requests. */
    public OpenApi withSnapshots(io.livecloud.control.snapshot.SnapshotCatalog snapshots) {
        actions.register(table -> SnapshotActions.register(table, snapshots));
        return this;
    }

    /**
     * Adds the recording actions (AddLiveAppRecordConfig, …, DescribeLiveStreamRecordIndexFiles) and, with a
     * notifier, the recording callbacks (AddLiveRecordNotifyConfig, …).
     */
    public OpenApi withRecording(io.livecloud.control.record.RecordCatalog records,
                                 io.livecloud.control.record.RecordNotifier notifier) {
        actions.register(table -> RecordActions.register(table, records, notifier));
        return this;
    }

    /** The actions served, in a stable order. */
    public List<String> actionNames() {
        return List.copyOf(actions.names());
    }

    /**
     * @param httpMethod {@code GET} or {@code POST} (the signature covers it)
     * @param params     query and form-body parameters, decoded
     * @param clientIp   for the log
     */
    public Response handle(String httpMethod, Map<String, String> params, String clientIp) {
        return handle(httpMethod, params, clientIp, true);
    }

    /**
     * The console's entry point: the caller has already authenticated the request (a signed-in console session with
     * its CSRF token), so the common signature parameters are neither needed nor checked. Same actions, same
     * parameter rules and the same answers (errors included) as {@link #handle}.
     */
    public Response handleAuthenticated(Map<String, String> params, String clientIp) {
        return handle("POST", params, clientIp, false);
    }

    private Response handle(String httpMethod, Map<String, String> params, String clientIp, boolean signed) {
        String requestId = UUID.randomUUID().toString().toUpperCase(Locale.ROOT);
        String format = params.get("Format");
        boolean xml = format != null && format.equalsIgnoreCase("XML");
        String action = params.get("Action");
        try {
            if (format != null && !format.equalsIgnoreCase("JSON") && !xml) {
                throw ControlException.badRequest("InvalidParameter.Format",
                        "Specified parameter Format is not valid: JSON or XML, got: " + format);
            }
            String method = httpMethod == null ? "" : httpMethod.toUpperCase(Locale.ROOT);
            if (!method.equals("GET") && !method.equals("POST")) {
                throw ControlException.badRequest("UnsupportedHTTPMethod", "Specified HTTP method " + httpMethod
                        + " is not supported; use GET or POST.");
            }
            new ApiParams(params).required("Action");
            LiveActions.Action run = actions.get(action);
            if (run == null) {
                throw ControlException.notFound("InvalidAction.NotFound", "Specified api " + action
                        + " is not found, please check your url and method. LiveCloud serves: " + String.join(", ", actions.names()));
            }
            if (signed) {
                authenticate(method, params);
            }
            ObjectNode out = JSON.createObjectNode();
            out.put("RequestId", requestId);
            run.run(new ApiParams(params), out);
            log.debug("api {} 200 from {} ({})", action, clientIp, requestId);
            return render(200, xml, action + "Response", out);
        } catch (ControlException e) {
            log.info("api {} {} {} from {}: {} ({})", action, e.httpStatus(), e.code(), clientIp, e.getMessage(), requestId);
            return error(requestId, xml, e.httpStatus(), e.code(), e.getMessage());
        } catch (RuntimeException e) {
            log.warn("api {} failed for {} ({})", action, clientIp, requestId, e);
            return error(requestId, xml, 500, "InternalError",
                    "The request processing has failed due to some unknown error, exception or failure.");
        }
    }

    /** The answer when the server cannot take the request at all (its queue is full), in the cloud's words. */
    public Response throttled() {
        return error(UUID.randomUUID().toString().toUpperCase(Locale.ROOT), false, 503, "Throttling",
                "Request was denied due to request throttling.");
    }

    private void authenticate(String method, Map<String, String> params) {
        ApiParams p = new ApiParams(params);
        for (String name : COMMON) {
            p.required(name);
        }
        if (!API_VERSION.equals(params.get("Version"))) {
            throw ControlException.badRequest("InvalidVersion", "Specified parameter Version is not valid: LiveCloud "
                    + "serves the live API version " + API_VERSION + ", got: " + params.get("Version"));
        }
        if (!RpcSignature.METHOD.equals(params.get("SignatureMethod"))) {
            throw ControlException.badRequest("InvalidSignatureMethod", "Specified signature method is not supported: "
                    + "use SignatureMethod=" + RpcSignature.METHOD + ", got: " + params.get("SignatureMethod"));
        }
        if (!RpcSignature.VERSION.equals(params.get("SignatureVersion"))) {
            throw ControlException.badRequest("InvalidSignatureVersion", "Specified signature version is not supported: "
                    + "use SignatureVersion=" + RpcSignature.VERSION + ", got: " + params.get("SignatureVersion"));
        }
        Instant now = clock.instant();
        Instant timestamp = timestamp(params.get("Timestamp"));
        if (Duration.between(timestamp, now).abs().compareTo(TIMESTAMP_WINDOW) > 0) {
            throw ControlException.badRequest("InvalidTimeStamp.Expired", "Specified time stamp or date value is expired: "
                    + params.get("Timestamp") + " is more than 15 minutes from the server's time " + now.truncatedTo(
                    java.time.temporal.ChronoUnit.SECONDS) + " (UTC).");
        }
        String id = params.get("AccessKeyId");
        String secret = secrets.apply(id).orElseThrow(() -> ControlException.notFound("InvalidAccessKeyId.NotFound",
                "Specified access key is not found."));
        if (!RpcSignature.verify(method, params, secret, params.get("Signature"))) {
            throw ControlException.badRequest("SignatureDoesNotMatch", "Specified signature is not matched with our "
                    + "calculation. The string to sign was: " + RpcSignature.stringToSign(method, params));
        }
        String nonce = params.get("SignatureNonce");
        if (nonce.length() > 128) {
            throw ControlException.badRequest("InvalidParameter.SignatureNonce",
                    "Specified parameter SignatureNonce is not valid: at most 128 characters.");
        }
        // Remembered until the request's timestamp leaves the window: until then a replay would be accepted.
        long expires = timestamp.plus(TIMESTAMP_WINDOW).toEpochMilli();
        switch (nonces.use(id + "\n" + nonce, expires, now.toEpochMilli())) {
            case USED -> throw ControlException.badRequest("SignatureNonceUsed", "Specified signature nonce was used already.");
            case FULL -> throw new ControlException(503, "Throttling", "Request was denied due to request throttling.");
            case FRESH -> {
            }
        }
    }

    private static Instant timestamp(String value) {
        try {
            if (!value.endsWith("Z")) {
                throw new DateTimeParseException("not UTC", value, 0);
            }
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw ControlException.badRequest("InvalidTimeStamp.Format", "Specified time stamp or date value is not well "
                    + "formatted: use ISO 8601 UTC, like 2016-02-23T12:46:24Z, got: " + value);
        }
    }

    int rememberedNonces() {
        return nonces.size();
    }

    private Response error(String requestId, boolean xml, int status, String code, String message) {
        ObjectNode out = JSON.createObjectNode();
        out.put("RequestId", requestId);
        out.put("HostId", hostId);
        out.put("Code", code);
        out.put("Message", message);
        return render(status, xml, "Error", out);
    }

    private static Response render(int status, boolean xml, String root, ObjectNode body) {
        if (xml) {
            StringBuilder sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
            XmlWriter.element(sb, root, body);
            return new Response(status, "application/xml;charset=utf-8", sb.toString());
        }
        try {
            return new Response(status, "application/json;charset=utf-8", JSON.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The cloud's XML form of a response: an array is its elements repeated under the array's name. */
    private static final class XmlWriter {
        static void element(StringBuilder sb, String name, JsonNode node) {
            if (node.isArray()) {
                node.forEach(e -> element(sb, name, e));
                return;
            }
            sb.append('<').append(name).append('>');
            if (node.isObject()) {
                node.properties().forEach(e -> element(sb, e.getKey(), e.getValue()));
            } else if (!node.isNull()) {
                escape(sb, node.asText());
            }
            sb.append("</").append(name).append('>');
        }

        private static void escape(StringBuilder sb, String s) {
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '<' -> sb.append("&lt;");
                    case '>' -> sb.append("&gt;");
                    case '&' -> sb.append("&amp;");
                    case '"' -> sb.append("&quot;");
                    case '\'' -> sb.append("&apos;");
                    default -> sb.append(c);
                }
            }
        }
    }
}
