package io.livecloud.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.livecloud.control.ControlException;
import io.livecloud.control.domain.DomainNames;
import io.livecloud.control.stream.BlockedStream;
import io.livecloud.control.stream.PublishRecord;
import io.livecloud.control.stream.StreamManager;
import io.livecloud.media.Protocol;
import io.livecloud.media.SessionInfo;
import io.livecloud.media.StreamKey;
import io.livecloud.media.hub.StreamStats;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The stream management actions of the live API 2016-11-01 (SPEC §6) over the {@link StreamManager}, done the way
 * {@link LiveActions} does the domain actions: parameter names from the official SDK's request classes, response
 * fields and nesting as its unmarshallers read them, fields the cloud does not have marked "ours".
 *
 * <p>Units: {@code VideoDataRate} and {@code AudioDataRate} are kbit/s (the cloud documents no unit; its examples are
 * in kbit/s), measured over the last {@link StreamStats#WINDOW_SECONDS} seconds of stream time; {@code FrameRate} is
 * rounded to whole frames per second.
 */
final class StreamActions {
    /** The cloud's page size limits for these lists: 1 to 3000, 2000 when absent. */
    private static final int MAX_PAGE_SIZE = 3000;
    private static final int DEFAULT_PAGE_SIZE = 2000;
    /** The cloud answers DescribeLiveStreamsPublishList for at most 30 days at once. */
    private static final Duration MAX_HISTORY_SPAN = Duration.ofDays(30);

    private final StreamManager streams;
    private final Clock clock;

    private StreamActions(StreamManager streams, Clock clock) {
        this.streams = streams;
        this.clock = clock;
    }

    static void register(Map<String, LiveActions.Action> actions, StreamManager streams, Clock clock) {
        StreamActions a = new StreamActions(streams, clock);
        actions.put("DescribeLiveStreamsOnlineList", a::describeLiveStreamsOnlineList);
        actions.put("DescribeLiveStreamOnlineUserNum", a::describeLiveStreamOnlineUserNum);
        actions.put("ForbidLiveStream", a::forbidLiveStream);
        actions.put("ResumeLiveStream", a::resumeLiveStream);
        actions.put("DescribeLiveStreamsBlockList", a::describeLiveStreamsBlockList);
        actions.put("DescribeLiveStreamsPublishList", a::describeLiveStreamsPublishList);
    }

    private void describeLiveStreamsOnlineList(ApiParams p, ObjectNode out) {
        String domain = p.required("DomainName");
        int pageNum = p.integer("PageNum", 1, 1, 100_000);
        int pageSize = p.integer("PageSize", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE);
        String app = p.optional("AppName");
        Predicate<String> name = streamName(p);
        boolean onlyStream = yesNo(p, "OnlyStream");
        List<StreamManager.Online> all = streams.online(domain).stream()
                .filter(o -> app == null || o.session().key().app().equals(app))
                .filter(o -> name.test(o.session().key().stream()))
                .toList();
        String push = streams.pushDomainOf(domain);
        String asked = DomainNames.canonical(domain);
        page(out, "PageNum", pageNum, pageSize, all.size());
        ArrayNode items = out.putObject("OnlineInfo").putArray("LiveStreamOnlineInfo");
        for (StreamManager.Online o : slice(all, pageNum, pageSize)) {
            SessionInfo s = o.session();
            ObjectNode i = items.addObject();
            i.put("DomainName", asked);
            i.put("AppName", s.key().app());
            i.put("StreamName", s.key().stream());
            i.put("PublishTime", LiveActions.gmt(s.startedAt()));
            if (onlyStream) {
                continue;
            }
            i.put("PublishUrl", o.publishUrl());
            i.put("PublishDomain", push);
            i.put("PushDomain", push);
            i.put("PlayDomain", asked.equals(push) ? "" : asked);
            i.put("PublishType", "edge");
            i.put("ClientIp", s.request().clientAddress());
            i.put("Transcoded", "no");
            StreamStats.Snapshot m = o.stats();
            i.put("VideoCodecId", m.videoCodecId());
            i.put("VideoDataRate", kbps(m.videoBitsPerSecond()));
            i.put("FrameRate", Math.round(m.frameRate()));
            i.put("Width", m.width());
            i.put("Height", m.height());
            i.put("AudioCodecId", m.audioCodecId());
            i.put("AudioDataRate", kbps(m.audioBitsPerSecond()));
            i.put("VideoCodec", m.videoCodec() == null ? "" : codecName(m.videoCodec().name())); // ours
            i.put("AudioCodec", m.audioCodec() == null ? "" : codecName(m.audioCodec().name())); // ours
            i.put("ClientProtocol", s.protocol().label()); // ours
        }
    }

    /**
     * The cloud's (older) DescribeLiveStreamOnlineUserNum: players now per stream; ours: the same split per protocol.
     * Players are the play sessions the media plane reports through StreamEvents (an HLS viewer is one address + user
     * agent until it goes idle), not the hub's subscribers, which include internal ones such as the HLS packager.
     */
    private void describeLiveStreamOnlineUserNum(ApiParams p, ObjectNode out) {
        String domain = p.required("DomainName");
        String app = p.optional("AppName");
        String stream = p.optional("StreamName");
        String asked = DomainNames.canonical(domain);
        String now = LiveActions.gmt(clock.instant());
        List<StreamManager.Viewers> all = streams.viewers(domain).stream()
                .filter(v -> app == null || v.key().app().equals(app))
                .filter(v -> stream == null || v.key().stream().equals(stream))
                .toList();
        long total = 0;
        ArrayNode items = out.putObject("OnlineUserInfo").putArray("LiveStreamOnlineUserNumInfo");
        for (StreamManager.Viewers v : all) {
            StreamKey k = v.key();
            ObjectNode i = items.addObject();
            i.put("StreamUrl", "rtmp://" + asked + "/" + k.app() + "/" + k.stream());
            i.put("UserNumber", v.total());
            i.put("Time", now);
            ArrayNode protocols = i.putObject("Protocols").putArray("Protocol"); // ours
            for (Protocol proto : Protocol.values()) {
                Integer n = v.byProtocol().get(proto);
                if (n != null) {
                    ObjectNode pn = protocols.addObject();
                    pn.put("Name", proto.label());
                    pn.put("UserNumber", n);
                }
            }
            total += v.total();
        }
        out.put("TotalUserNumber", total);
    }

    private void forbidLiveStream(ApiParams p, ObjectNode out) {
        String domain = p.required("DomainName");
        String app = p.required("AppName");
        String stream = p.required("StreamName");
        publisherType(p);
        Instant resume = p.optional("ResumeTime") == null ? null : p.time("ResumeTime");
        streams.forbid(domain, app, stream, resume, yesNo(p, "Oneshot"));
    }

    private void resumeLiveStream(ApiParams p, ObjectNode out) {
        String domain = p.required("DomainName");
        String app = p.required("AppName");
        String stream = p.required("StreamName");
        publisherType(p);
        streams.resume(domain, app, stream);
    }

    private void describeLiveStreamsBlockList(ApiParams p, ObjectNode out) {
        String domain = p.required("DomainName");
        int pageNum = p.integer("PageNum", 1, 1, 100_000);
        int pageSize = p.integer("PageSize", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE);
        List<BlockedStream> all = streams.blocked(domain);
        out.put("DomainName", DomainNames.canonical(domain));
        page(out, "PageNum", pageNum, pageSize, all.size());
        ArrayNode urls = out.putObject("StreamUrls").putArray("StreamUrl");
        for (BlockedStream b : slice(all, pageNum, pageSize)) {
            urls.add(b.streamUrl());
        }
        // ours: when each entry lifts by itself ("" = only ResumeLiveStream), in StreamUrls order
        ArrayNode until = out.putObject("ResumeTimes").putArray("ResumeTime");
        for (BlockedStream b : slice(all, pageNum, pageSize)) {
            until.add(b.resumeAt() == null ? "" : LiveActions.gmt(b.resumeAt()));
        }
    }

    private void describeLiveStreamsPublishList(ApiParams p, ObjectNode out) {
        String domain = p.required("DomainName");
        Instant from = p.time("StartTime");
        Instant to = p.time("EndTime");
        if (to.isBefore(from)) {
            throw ControlException.badRequest("InvalidEndTime.Mismatch", "EndTime " + LiveActions.gmt(to)
                    + " is before StartTime " + LiveActions.gmt(from));
        }
        if (Duration.between(from, to).compareTo(MAX_HISTORY_SPAN) > 0) {
            throw ControlException.badRequest("InvalidEndTime.Mismatch",
                    "EndTime may be at most 30 days after StartTime");
        }
        int pageNumber = p.integer("PageNumber", 1, 1, 100_000);
        int pageSize = p.integer("PageSize", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE);
        String app = p.optional("AppName");
        Predicate<String> name = streamName(p);
        Comparator<PublishRecord> order = order(p.optional("OrderBy"));
        List<PublishRecord> all = streams.history(domain, from, to).stream()
                .filter(r -> app == null || r.app().equals(app))
                .filter(r -> name.test(r.stream()))
                .sorted(order)
                .toList();
        String asked = DomainNames.canonical(domain);
        page(out, "PageNum", pageNumber, pageSize, all.size());
        ArrayNode items = out.putObject("PublishInfo").putArray("LiveStreamPublishInfo");
        for (PublishRecord r : slice(all, pageNumber, pageSize)) {
            ObjectNode i = items.addObject();
            i.put("DomainName", asked);
            i.put("AppName", r.app());
            i.put("StreamName", r.stream());
            i.put("PublishTime", LiveActions.gmt(r.start()));
            i.put("StopTime", r.stop() == null ? "" : LiveActions.gmt(r.stop()));
            i.put("ClientAddr", r.clientAddr());
            i.put("EdgeNodeAddr", r.nodeAddr());
            i.put("PublishUrl", r.publishUrl());
            i.put("StreamUrl", "rtmp://" + r.domain() + "/" + r.app() + "/" + r.stream());
            i.put("PublishDomain", r.domain());
            i.put("PushDomain", r.domain());
            i.put("PlayDomain", asked.equals(r.domain()) ? "" : asked);
            i.put("PublishType", "edge");
            i.put("Transcoded", "no");
            i.put("StopReason", r.stop() == null ? "" : r.stopReason()); // ours
            i.put("Bytes", r.bytes()); // ours: media bytes received
        }
    }

    // ---- shared rules ---------------------------------------------------------------------------------------

    /** StreamName with QueryType: {@code fuzzy} (the default: the name contains it) or {@code strict} (equals). */
    private static Predicate<String> streamName(ApiParams p) {
        String name = p.optional("StreamName");
        String type = p.optional("QueryType");
        boolean strict = switch (type == null ? "fuzzy" : type.toLowerCase(Locale.ROOT)) {
            case "fuzzy" -> false;
            case "strict" -> true;
            default -> throw ControlException.badRequest("InvalidQueryType.Malformed",
                    "QueryType must be fuzzy or strict, got: " + type);
        };
        if (name == null) {
            return s -> true;
        }
        return strict ? name::equals : s -> s.contains(name);
    }

    private static Comparator<PublishRecord> order(String orderBy) {
        Comparator<PublishRecord> byTime = Comparator.comparing(PublishRecord::start).thenComparing(PublishRecord::id);
        Comparator<PublishRecord> byName = Comparator.comparing(PublishRecord::stream).thenComparing(byTime);
        return switch (orderBy == null ? "publish_time_desc" : orderBy.toLowerCase(Locale.ROOT)) {
            case "publish_time_desc" -> byTime.reversed();
            case "publish_time_asc" -> byTime;
            case "stream_name_desc" -> byName.reversed();
            case "stream_name_asc" -> byName;
            default -> throw ControlException.badRequest("InvalidOrderBy.Malformed", "OrderBy must be publish_time_desc, "
                    + "publish_time_asc, stream_name_desc or stream_name_asc, got: " + orderBy);
        };
    }

    /** LiveStreamType: only {@code publisher} (pushes), which is also the value when absent. */
    private static void publisherType(ApiParams p) {
        String type = p.optional("LiveStreamType");
        if (type != null && !type.equals("publisher")) {
            throw ControlException.badRequest("InvalidLiveStreamType.NotSupported",
                    "LiveStreamType must be publisher (pushes are what can be forbidden), got: " + type);
        }
    }

    private static boolean yesNo(ApiParams p, String name) {
        String v = p.optional(name);
        if (v == null) {
            return false;
        }
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "yes", "true" -> true;
            case "no", "false" -> false;
            default -> throw ControlException.badRequest("Invalid" + name + ".Malformed", name + " must be yes or no, got: " + v);
        };
    }

    private static void page(ObjectNode out, String pageField, int page, int size, int total) {
        out.put(pageField, page);
        out.put("PageSize", size);
        out.put("TotalNum", total);
        out.put("TotalPage", (total + size - 1) / size);
    }

    private static <T> List<T> slice(List<T> all, int page, int size) {
        long from = (long) (page - 1) * size;
        if (from >= all.size()) {
            return List.of();
        }
        return all.subList((int) from, (int) Math.min(all.size(), from + size));
    }

    private static long kbps(long bitsPerSecond) {
        return Math.round(bitsPerSecond / 1000.0);
    }

    private static String codecName(String enumName) {
        return switch (enumName) {
            case "AVC" -> "h264";
            case "HEVC" -> "h265";
            default -> enumName.toLowerCase(Locale.ROOT);
        };
    }
}
