package io.livecloud.control.gate;

import io.livecloud.control.auth.UrlAuthTypeA;
import io.livecloud.control.domain.ControlSettings;
import io.livecloud.control.domain.Domain;
import io.livecloud.control.domain.DomainCatalog;
import io.livecloud.control.domain.DomainType;
import io.livecloud.control.stream.BlockedStream;
import io.livecloud.control.stream.StreamBlockList;
import io.livecloud.media.Protocol;
import io.livecloud.media.Role;
import io.livecloud.media.SessionInfo;
import io.livecloud.media.StreamEvents;
import io.livecloud.media.StreamGate;
import io.livecloud.media.StreamKey;
import io.livecloud.media.StreamRequest;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The media plane's access decisions from the catalog's in-memory view (SPEC §1–3): the host picks the domain
 * (an IP address or {@code localhost} falls back to the default push/play domain), the domain must be of the
 * right business type and online, URL auth type A is checked at session start, and a play domain reads the
 * streams of the push domain mapped to it. It also counts live publishers per push domain (from
 * {@link StreamEvents}) for the stream-name and per-domain limits.
 */
public final class DomainGate implements StreamGate, StreamEvents {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private final DomainCatalog catalog;
    private final Clock clock;
    private final Supplier<StreamBlockList.View> blocks;
    private volatile InternalAccess internal;
    /** push domain → stream name → the app it is live under. */
    private final Map<String, Map<String, String>> live = new ConcurrentHashMap<>();

    /** A gate without a block list (nothing is forbidden). */
    public DomainGate(DomainCatalog catalog, Clock clock) {
        this(catalog, () -> StreamBlockList.View.EMPTY, clock);
    }

    /** A gate that also refuses the pushes of the streams on {@code blocks} (ForbidLiveStream). */
    public DomainGate(DomainCatalog catalog, StreamBlockList blocks, Clock clock) {
        this(catalog, blocks::view, clock);
    }

    private DomainGate(DomainCatalog catalog, Supplier<StreamBlockList.View> blocks, Clock clock) {
        this.catalog = catalog;
        this.blocks = blocks;
        this.clock = clock;
    }

    /** Lets the node's own ffmpeg jobs through with their tokens (without it, any internal token is refused). */
    public DomainGate withInternalAccess(InternalAccess access) {
        this.internal = access;
        return this;
    }

    @Override
    public Decision authorize(StreamRequest request) {
        DomainCatalog.View view = catalog.view();
        if (request.isInternal()) {
            return authorizeInternal(view, request);
        }
        boolean publish = request.role() == Role.PUBLISH;
        String host = domainName(request.host(), publish);
        Domain domain = view.domain(host);
        if (domain == null) {
            return Decision.deny(404, "unknown domain: " + host);
        }
        DomainType wanted = publish ? DomainType.PUSH : DomainType.PLAY;
        if (domain.type() != wanted) {
            return Decision.deny(403, (publish ? "play domain " + host + " does not take pushes"
                    : "push domain " + host + " does not serve players; play from a play domain mapped to it"));
        }
        if (!domain.online()) {
            return Decision.deny(403, "domain " + host + " is stopped");
        }
        UriSigner signer = UriSigner.NONE;
        if (domain.auth().enabled()) {
            String authKey = request.query().get("auth_key");
            UrlAuthTypeA.Verdict verdict = UrlAuthTypeA.verify(request.signedUri(), authKey,
                    domain.auth().settings(), clock.millis() / 1000);
            if (!verdict.allowed()) {
                return Decision.deny(403, verdict.reason());
            }
            if ((request.protocol() == Protocol.HLS || request.protocol() == Protocol.LL_HLS) && !request.isSubresource()) {
                // SPEC §2: the playlist's segment URIs carry their own auth_key, same timestamp, signed for their path
                String key = domain.auth().settings().primaryKey();
                signer = path -> "?auth_key=" + UrlAuthTypeA.resign(authKey, path, key);
            }
        }
        if (publish) {
            return admitPublisher(domain, request);
        }
        String push = view.pushDomainOfPlay().get(domain.name());
        if (push == null) {
            return Decision.deny(404, "play domain " + host + " is not mapped to a push domain");
        }
        return Decision.allow(new StreamKey(push, request.app(), request.stream()), signer);
    }

    /**
     * A processing job of this node: its token must verify (a wrong one is refused, never treated as a plain request,
     * so an admitted request that carries a token is truly internal); its host is the push domain in both roles.
     */
    private Decision authorizeInternal(DomainCatalog.View view, StreamRequest request) {
        InternalAccess access = internal;
        if (access == null || !access.verify(request)) {
            return Decision.deny(403, "invalid internal token");
        }
        Domain domain = view.domain(request.host());
        if (domain == null || domain.type() != DomainType.PUSH) {
            return Decision.deny(404, "unknown push domain: " + request.host());
        }
        if (!domain.online()) {
            return Decision.deny(403, "domain " + domain.name() + " is stopped");
        }
        if (request.role() == Role.PUBLISH) {
            return admitPublisher(domain, request);
        }
        return Decision.allow(new StreamKey(domain.name(), request.app(), request.stream()));
    }

    private Decision admitPublisher(Domain domain, StreamRequest request) {
        BlockedStream blocked = blocks.get().refusing(domain.name(), request.app(), request.stream(),
                !domain.appIsolation(), clock.millis());
        if (blocked != null) {
            return Decision.deny(403, "stream is forbidden" + (blocked.resumeAt() == null ? ""
                    : " until " + blocked.resumeAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)));
        }
        Map<String, String> streams = live.getOrDefault(domain.name(), Map.of());
        String otherApp = streams.get(request.stream());
        if (!domain.appIsolation() && otherApp != null && !otherApp.equals(request.app())) {
            return Decision.deny(409, "stream " + request.stream() + " is already live on " + domain.name()
                    + " under app " + otherApp + " (app isolation is off)");
        }
        int limit = catalog.settings().maxPublishersPerPushDomain();
        if (otherApp == null && streams.size() >= limit) {
            return Decision.deny(403, "push domain " + domain.name() + " already has " + limit + " live streams");
        }
        return Decision.allow(new StreamKey(domain.name(), request.app(), request.stream()));
    }

    private String domainName(String host, boolean publish) {
        return addressedDomain(host, publish, catalog.settings());
    }

    /**
     * The domain a host name addresses; addresses and {@code localhost} mean the default domain of the role. The
     * statistics use it too, so a session's bytes count for the domain the gate let it in on.
     */
    public static String addressedDomain(String host, boolean publish, ControlSettings settings) {
        if (host == null || host.isEmpty() || host.equals("localhost") || IPV4.matcher(host).matches() || host.contains(":")) {
            return publish ? settings.defaultPushDomain() : settings.defaultPlayDomain();
        }
        return host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    }

    @Override
    public void sessionStarted(SessionInfo session) {
        if (session.role() == Role.PUBLISH) {
            live.computeIfAbsent(session.key().domain(), d -> new ConcurrentHashMap<>())
                    .put(session.key().stream(), session.key().app());
        }
    }

    @Override
    public void sessionEnded(SessionInfo session, long bytes, String reason) {
        if (session.role() == Role.PUBLISH) {
            live.computeIfPresent(session.key().domain(), (d, streams) -> {
                streams.remove(session.key().stream(), session.key().app());
                return streams.isEmpty() ? null : streams;
            });
        }
    }
}
