package io.livecloud.control.stream;

import io.livecloud.control.ControlException;
import io.livecloud.control.domain.Domain;
import io.livecloud.control.domain.DomainCatalog;
import io.livecloud.control.domain.DomainNames;
import io.livecloud.media.Protocol;
import io.livecloud.media.Role;
import io.livecloud.media.SessionInfo;
import io.livecloud.media.StreamEvents;
import io.livecloud.media.StreamKey;
import io.livecloud.media.hub.StreamStats;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Stream management (SPEC §6): the live streams of a domain with what their publishers send, viewers per stream and
 * protocol, forbidding and resuming pushes, and the publish history. A {@link StreamEvents} listener: it keeps the
 * live publish sessions and the player counts in memory (map updates only, on the event loops) and hands each publish
 * session to the {@link PublishHistory}. Every other method is for the API, off the event loops.
 *
 * <p>A domain argument may name a push domain or a play domain; a play domain means the push domain mapped to it
 * (an unmapped play domain has no streams).
 */
public final class StreamManager implements StreamEvents {
    /** What a cut publisher is told, and what the history records as the reason. */
    public static final String FORBIDDEN_REASON = "forbidden by the operator (ForbidLiveStream)";

    private static final int PROTOCOLS = Protocol.values().length;

    private final DomainCatalog catalog;
    private final StreamBlockList blocks;
    private final PublishHistory history;
    private final LiveMedia media;
    private final Clock clock;
    private final Map<StreamKey, SessionInfo> publishing = new ConcurrentHashMap<>();
    /** Players per stream, by {@link Protocol#ordinal()}; each array is replaced, never changed, so reads are whole. */
    private final Map<StreamKey, int[]> players = new ConcurrentHashMap<>();

    /** A live stream: its publish session, the URL without secrets, and what is measured of it. */
    public record Online(SessionInfo session, String publishUrl, StreamStats.Snapshot stats) {
    }

    /** The players of one stream, per protocol (only protocols with players). */
    public record Viewers(StreamKey key, Map<Protocol, Integer> byProtocol) {
        public int total() {
            return byProtocol.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    public StreamManager(DomainCatalog catalog, StreamBlockList blocks, PublishHistory history, LiveMedia media,
                         Clock clock) {
        this.catalog = catalog;
        this.blocks = blocks;
        this.history = history;
        this.media = media;
        this.clock = clock;
    }

    public StreamBlockList blockList() {
        return blocks;
    }

    // ---- events (event loops) -------------------------------------------------------------------------------

    @Override
    public void sessionStarted(SessionInfo s) {
        if (s.role() == Role.PUBLISH) {
            publishing.put(s.key(), s);
            history.started(s, publishUrl(s));
            // A forbid that raced this publish (listed after the gate let it in, before it was live): cut it now.
            Domain d = catalog.view().domain(s.key().domain());
            boolean anyApp = d != null && !d.appIsolation();
            if (blocks.view().refusing(s.key().domain(), s.key().app(), s.key().stream(), anyApp, clock.millis()) != null) {
                media.cutPublisher(s.key(), FORBIDDEN_REASON);
            }
        } else if (!s.request().isInternal()) { // a transcode or recording reading the stream is not a viewer
            count(s, 1);
        }
    }

    @Override
    public void sessionEnded(SessionInfo s, long bytes, String reason) {
        if (s.role() == Role.PUBLISH) {
            publishing.remove(s.key(), s);
            history.ended(s, bytes, reason);
        } else if (!s.request().isInternal()) {
            count(s, -1);
        }
    }

    private void count(SessionInfo s, int delta) {
        int p = s.protocol().ordinal();
        players.compute(s.key(), (k, old) -> {
            int[] next = old == null ? new int[PROTOCOLS] : old.clone();
            next[p] = Math.max(0, next[p] + delta);
            for (int n : next) {
                if (n > 0) {
                    return next;
                }
            }
            return null;
        });
    }

    // ---- the API's questions --------------------------------------------------------------------------------

    /** Play sessions live now over {@code protocol}, every stream of every domain (for /metrics). */
    public int players(Protocol protocol) {
        int n = 0;
        for (int[] counts : players.values()) {
            n += counts[protocol.ordinal()];
        }
        return n;
    }

    /** Publish sessions live now (for /metrics). */
    public int publishers() {
        return publishing.size();
    }

    /** The push domain whose streams {@code domainName} addresses, null for an unmapped play domain. */
    public String pushDomainOf(String domainName) {
        return catalog.streamsDomainOf(domainName).orElse(null);
    }

    /** The live streams of the domain, by app then stream name. */
    public List<Online> online(String domainName) {
        String push = pushDomainOf(domainName);
        List<Online> out = new ArrayList<>();
        if (push == null) {
            return out;
        }
        for (SessionInfo s : publishing.values()) {
            if (s.key().domain().equals(push)) {
                out.add(new Online(s, publishUrl(s), media.stats(s.key())));
            }
        }
        out.sort(Comparator.comparing((Online o) -> o.session().key().app()).thenComparing(o -> o.session().key().stream()));
        return out;
    }

    /** The streams of the domain that are live or have players, with their players per protocol. */
    public List<Viewers> viewers(String domainName) {
        String push = pushDomainOf(domainName);
        Map<StreamKey, Map<Protocol, Integer>> all = new TreeMap<>(Comparator.comparing(StreamKey::app)
                .thenComparing(StreamKey::stream));
        if (push == null) {
            return List.of();
        }
        for (StreamKey k : publishing.keySet()) {
            if (k.domain().equals(push)) {
                all.put(k, new EnumMap<>(Protocol.class));
            }
        }
        players.forEach((k, counts) -> {
            if (k.domain().equals(push)) {
                Map<Protocol, Integer> m = all.computeIfAbsent(k, x -> new EnumMap<>(Protocol.class));
                for (Protocol p : Protocol.values()) {
                    if (counts[p.ordinal()] > 0) {
                        m.put(p, counts[p.ordinal()]);
                    }
                }
            }
        });
        List<Viewers> out = new ArrayList<>();
        all.forEach((k, m) -> out.add(new Viewers(k, Map.copyOf(m))));
        return out;
    }

    /**
     * ForbidLiveStream: cuts the live publisher at once and, unless {@code oneshot}, refuses new pushes until
     * {@link #resume} or {@code resumeAt}. With app isolation off the stream name is forbidden under every app of the
     * domain, as it is unique there.
     */
    public void forbid(String domainName, String app, String stream, Instant resumeAt, boolean oneshot) {
        String push = requirePushDomain(domainName);
        DomainNames.checkAppName(app);
        DomainNames.checkStreamName(stream);
        if (resumeAt != null && !resumeAt.isAfter(clock.instant())) {
            throw ControlException.badRequest("InvalidResumeTime.Malformed",
                    "ResumeTime must be in the future, got: " + resumeAt + " (now " + clock.instant() + ")");
        }
        if (!oneshot) {
            blocks.forbid(push, app, stream, resumeAt);
        }
        boolean anyApp = !catalog.get(push).appIsolation();
        for (SessionInfo s : publishing.values()) {
            StreamKey k = s.key();
            if (k.domain().equals(push) && k.stream().equals(stream) && (anyApp || k.app().equals(app))) {
                media.cutPublisher(k, FORBIDDEN_REASON);
            }
        }
    }

    /** ResumeLiveStream. */
    public void resume(String domainName, String app, String stream) {
        String push = requirePushDomain(domainName);
        if (!blocks.resume(push, app, stream)) {
            throw ControlException.notFound("InvalidStream.NotFound", "stream " + push + "/" + app + "/" + stream
                    + " is not forbidden (DescribeLiveStreamsBlockList lists the forbidden streams)");
        }
    }

    /** DescribeLiveStreamsBlockList: the entries in force, by app then stream. */
    public List<BlockedStream> blocked(String domainName) {
        String push = pushDomainOf(domainName);
        return push == null ? List.of() : blocks.list(push);
    }

    /** DescribeLiveStreamsPublishList: the sessions live at some time in {@code [from, to]}, unordered. */
    public List<PublishRecord> history(String domainName, Instant from, Instant to) {
        String push = pushDomainOf(domainName);
        return push == null ? List.of() : history.sessions(push, from, to);
    }

    private String requirePushDomain(String domainName) {
        String push = pushDomainOf(domainName);
        if (push == null) {
            throw ControlException.badRequest("InvalidDomain.NotMapped", "play domain " + domainName
                    + " is not mapped to a push domain; name the push domain");
        }
        return push;
    }

    /** The URL a publisher used, on its push domain, with its arguments but never {@code auth_key}. */
    public static String publishUrl(SessionInfo s) {
        StringBuilder sb = new StringBuilder(s.protocol() == Protocol.RTMP ? "rtmp" : s.protocol().label())
                .append("://").append(s.key().domain()).append('/').append(s.key().app()).append('/')
                .append(s.key().stream());
        char sep = '?';
        for (Map.Entry<String, String> e : new TreeMap<>(s.request().query()).entrySet()) {
            if (e.getKey().equals("auth_key")) {
                continue;
            }
            sb.append(sep).append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
            sep = '&';
        }
        return sb.toString();
    }
}
