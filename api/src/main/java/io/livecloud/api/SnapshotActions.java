package io.livecloud.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.livecloud.control.ControlException;
import io.livecloud.control.snapshot.SnapshotCatalog;
import io.livecloud.control.snapshot.SnapshotConfig;
import io.livecloud.control.snapshot.SnapshotShot;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The snapshot actions of the cloud's API: AddLiveAppSnapshotConfig, UpdateLiveAppSnapshotConfig,
 * DeleteLiveAppSnapshotConfig, DescribeLiveSnapshotConfig, DescribeLiveStreamSnapshotInfo. {@code DomainName} may be
 * the push domain or a play domain mapped to it: configurations are kept (and answered) under the push domain.
 * {@code Callback} is not supported yet and refused rather than ignored.
 */
final class SnapshotActions {
    /** The cloud's limit on one DescribeLiveStreamSnapshotInfo window. */
    static final Duration MAX_WINDOW = Duration.ofDays(1);
    private final SnapshotCatalog snapshots;

    private SnapshotActions(SnapshotCatalog snapshots) {
        this.snapshots = snapshots;
    }

    static void register(Map<String, LiveActions.Action> actions, SnapshotCatalog snapshots) {
        SnapshotActions a = new SnapshotActions(snapshots);
        actions.put("AddLiveAppSnapshotConfig", a::add);
        actions.put("UpdateLiveAppSnapshotConfig", a::update);
        actions.put("DeleteLiveAppSnapshotConfig", (p, out) -> snapshots.delete(p.required("DomainName"),
                p.required("AppName")));
        actions.put("DescribeLiveSnapshotConfig", a::describeConfigs);
        actions.put("DescribeLiveStreamSnapshotInfo", a::describeShots);
    }

    private void add(ApiParams p, ObjectNode out) {
        noCallback(p);
        String domain = p.required("DomainName");
        String app = p.required("AppName");
        int interval = p.integer("TimeInterval", -1, SnapshotConfig.MIN_INTERVAL_SECONDS,
                SnapshotConfig.MAX_INTERVAL_SECONDS);
        if (interval < 0) {
            throw ApiParams.missing("TimeInterval");
        }
        snapshots.add(domain, app, interval, p.optional("OssEndpoint"), p.optional("OssBucket"),
                p.optional("OverwriteOssObject"), p.optional("SequenceOssObject"));
    }

    private void update(ApiParams p, ObjectNode out) {
        noCallback(p);
        String domain = p.required("DomainName");
        String app = p.required("AppName");
        Integer interval = p.optional("TimeInterval") == null ? null : p.integer("TimeInterval", 0,
                SnapshotConfig.MIN_INTERVAL_SECONDS, SnapshotConfig.MAX_INTERVAL_SECONDS);
        snapshots.update(domain, app, interval, p.optional("OssEndpoint"), p.optional("OssBucket"),
                p.optional("OverwriteOssObject"), p.optional("SequenceOssObject"));
    }

    private static void noCallback(ApiParams p) {
        if (p.optional("Callback") != null) {
            throw ControlException.badRequest("InvalidCallback.NotSupported", "Specified parameter Callback is not "
                    + "supported by LiveCloud yet: snapshots are listed by DescribeLiveStreamSnapshotInfo");
        }
    }

    /** Paged like the cloud: PageNum from 1, PageSize 1-100 (10), Order asc/desc by creation time (desc). */
    private void describeConfigs(ApiParams p, ObjectNode out) {
        List<SnapshotConfig> all = snapshots.list(p.required("DomainName"), p.optional("AppName"));
        int pageNum = p.integer("PageNum", 1, 1, 100_000);
        int pageSize = p.integer("PageSize", 10, 1, 100);
        String order = order(p, "desc");
        Comparator<SnapshotConfig> byTime = Comparator.comparing(SnapshotConfig::created)
                .thenComparing(SnapshotConfig::app);
        List<SnapshotConfig> sorted = all.stream().sorted(order.equals("asc") ? byTime : byTime.reversed()).toList();
        out.put("PageNum", pageNum);
        out.put("PageSize", pageSize);
        out.put("Order", order);
        out.put("TotalNum", sorted.size());
        out.put("TotalPage", (sorted.size() + pageSize - 1) / pageSize);
        ArrayNode items = out.putObject("LiveStreamSnapshotConfigList").putArray("LiveStreamSnapshotConfig");
        sorted.stream().skip((long) (pageNum - 1) * pageSize).limit(pageSize).forEach(c -> {
            ObjectNode i = items.addObject();
            i.put("DomainName", c.domain());
            i.put("AppName", c.app());
            i.put("TimeInterval", c.intervalSeconds());
            i.put("OssEndpoint", c.ossEndpoint());
            i.put("OssBucket", c.ossBucket());
            i.put("OverwriteOssObject", c.overwriteObject());
            i.put("SequenceOssObject", c.sequenceObject());
            i.put("CreateTime", LiveActions.gmt(c.created()));
        });
    }

    /**
     * The snapshots of a stream taken in [StartTime, EndTime) (at most a day), Limit 1-100 (10), Order asc/desc by
     * creation time (asc); NextStartTime is where the next page starts when more are left. Ours: Width, Height
     * (the picture, the source's resolution), Url (where the object is).
     */
    private void describeShots(ApiParams p, ObjectNode out) {
        String domain = p.required("DomainName");
        String app = p.required("AppName");
        String stream = p.required("StreamName");
        Instant from = p.time("StartTime");
        Instant to = p.time("EndTime");
        if (!to.isAfter(from)) {
            throw ControlException.badRequest("InvalidEndTime.Mismatch", "EndTime must be after StartTime");
        }
        if (Duration.between(from, to).compareTo(MAX_WINDOW) > 0) {
            throw ControlException.badRequest("InvalidTime.Range", "StartTime and EndTime may be at most one day apart");
        }
        int limit = p.integer("Limit", 10, 1, 100);
        boolean newestFirst = order(p, "asc").equals("desc");
        List<SnapshotShot> page = snapshots.shots(domain, app, stream, from, to, limit + 1, newestFirst);
        ArrayNode items = out.putObject("LiveStreamSnapshotInfoList").putArray("StreamSnapshotInfo");
        page.stream().limit(limit).forEach(s -> {
            ObjectNode i = items.addObject();
            i.put("OssEndpoint", s.ossEndpoint());
            i.put("OssBucket", s.ossBucket());
            i.put("OssObject", s.ossObject());
            i.put("CreateTime", LiveActions.gmt(s.created()));
            i.put("CreateTimestamp", s.created().toEpochMilli());
            i.put("IsOverlay", s.overwrite());
            i.put("Width", s.width());
            i.put("Height", s.height());
            i.put("Url", s.url());
        });
        if (page.size() > limit) {
            // the cloud's answers have whole seconds: the next page starts at the first one not returned (ascending),
            // or ends just after it (descending, where the next page is asked with a new EndTime)
            out.put("NextStartTime", LiveActions.gmt(page.get(limit).created()));
        }
    }

    private static String order(ApiParams p, String dflt) {
        String v = p.optional("Order");
        if (v == null) {
            return dflt;
        }
        if (!v.equals("asc") && !v.equals("desc")) {
            throw ControlException.badRequest("InvalidOrder.Malformed", "Specified parameter Order is not valid: asc "
                    + "or desc, got: " + v);
        }
        return v;
    }
}
