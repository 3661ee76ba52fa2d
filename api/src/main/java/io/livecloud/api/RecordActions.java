package io.livecloud.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.livecloud.control.ControlException;
import io.livecloud.control.record.RecordCatalog;
import io.livecloud.control.record.RecordConfig;
import io.livecloud.control.record.RecordFile;
import io.livecloud.control.record.RecordFormat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The recording actions of the cloud's API: AddLiveAppRecordConfig ({@code RecordFormat.N.Format},
 * {@code .OssObjectPrefix}, {@code .SliceOssObjectPrefix}, {@code .CycleDuration}, {@code .SliceDuration},
 * {@code OssEndpoint}, {@code OssBucket}, {@code OnDemand}, {@code DelayTime}, {@code StreamName}),
 * DeleteLiveAppRecordConfig, DescribeLiveRecordConfig, DescribeLiveStreamRecordIndexFiles and the recording
 * callbacks (Add/Update/Describe/DeleteLiveRecordNotifyConfig). {@code DomainName} is the
 * push domain, or a play domain standing for the push domain it plays. Recording transcoded renditions
 * ({@code TranscodeTemplates}, {@code TranscodeRecordFormat}) and time-boxed recordings ({@code StartTime} /
 * {@code EndTime}) are not offered and are refused rather than ignored.
 */
final class RecordActions {
    /** RecordFormat.N goes up to this; the cloud has three formats, so a few more only catch typos. */
    private static final int MAX_FORMATS = 10;
    private final RecordCatalog records;
    private final io.livecloud.control.record.RecordNotifier notifier;

    private RecordActions(RecordCatalog records, io.livecloud.control.record.RecordNotifier notifier) {
        this.records = records;
        this.notifier = notifier;
    }

    static void register(Map<String, LiveActions.Action> actions, RecordCatalog records,
                         io.livecloud.control.record.RecordNotifier notifier) {
        RecordActions a = new RecordActions(records, notifier);
        if (notifier != null) {
            actions.put("AddLiveRecordNotifyConfig", a::setNotify);
            actions.put("UpdateLiveRecordNotifyConfig", a::setNotify);
            actions.put("DescribeLiveRecordNotifyConfig", a::describeNotify);
            actions.put("DeleteLiveRecordNotifyConfig", (p, out) -> notifier.delete(
                    records.pushDomainOf(p.required("DomainName"))));
        }
        actions.put("AddLiveAppRecordConfig", a::add);
        actions.put("DeleteLiveAppRecordConfig", (p, out) -> records.delete(p.required("DomainName"),
                p.required("AppName"), p.optional("StreamName")));
        actions.put("DescribeLiveRecordConfig", a::describe);
        actions.put("DescribeLiveStreamRecordIndexFiles", a::files);
    }

    private void add(ApiParams p, ObjectNode out) {
        String domain = p.required("DomainName");
        String app = p.required("AppName");
        String stream = p.optional("StreamName");
        for (String unsupported : List.of("TranscodeTemplates.1", "TranscodeRecordFormat.1.Format", "StartTime", "EndTime")) {
            if (p.optional(unsupported) != null) {
                throw ControlException.badRequest("InvalidParameter.NotSupported", unsupported.replace(".1", "")
                        + " is not supported by LiveCloud: it records the pushed stream itself, from when it goes live");
            }
        }
        List<RecordFormat> formats = new ArrayList<>();
        for (int n = 1; n <= MAX_FORMATS; n++) {
            String key = "RecordFormat." + n + ".";
            String format = p.optional(key + "Format");
            if (format == null) {
                if (p.optional(key + "OssObjectPrefix") != null || p.optional(key + "CycleDuration") != null) {
                    throw ApiParams.missing(key + "Format");
                }
                continue;
            }
            formats.add(RecordFormat.of(format, p.optional(key + "OssObjectPrefix"),
                    p.optional(key + "SliceOssObjectPrefix"), integer(p, key + "CycleDuration"),
                    integer(p, key + "SliceDuration"), stream != null));
        }
        records.add(domain, app, stream, p.optional("OssEndpoint"), p.optional("OssBucket"), formats,
                integer(p, "OnDemand"), integer(p, "DelayTime"));
    }

    /** An optional integer: null when absent (the catalog has the default and the range). */
    private static Integer integer(ApiParams p, String name) {
        String v = p.optional(name);
        if (v == null) {
            return null;
        }
        try {
            return Integer.valueOf(v);
        } catch (NumberFormatException e) {
            throw ControlException.badRequest("Invalid" + name.replaceAll("^RecordFormat\\.\\d+\\.", "") + ".Malformed",
                    "Specified parameter " + name + " is not valid: an integer, got: " + v);
        }
    }

    private void describe(ApiParams p, ObjectNode out) {
        List<RecordConfig> all = new ArrayList<>(records.list(p.required("DomainName"), p.optional("AppName"),
                p.optional("StreamName")));
        boolean desc = order(p);
        all.sort(Comparator.comparing(RecordConfig::created));
        if (desc) {
            java.util.Collections.reverse(all);
        }
        List<RecordConfig> page = page(p, out, all, desc);
        ArrayNode items = out.putObject("LiveAppRecordList").putArray("LiveAppRecord");
        for (RecordConfig c : page) {
            ObjectNode i = items.addObject();
            i.put("DomainName", c.domain());
            i.put("AppName", c.app());
            i.put("StreamName", c.stream());
            i.put("OssEndpoint", c.ossEndpoint());
            i.put("OssBucket", c.ossBucket());
            i.put("CreateTime", LiveActions.gmt(c.created()));
            i.put("OnDemand", c.onDemand());
            i.put("OnDemond", c.onDemand()); // the SDK's response class reads this spelling
            i.put("DelayTime", c.delayTime());
            ArrayNode formats = i.putObject("RecordFormatList").putArray("RecordFormat");
            for (RecordFormat f : c.formats()) {
                ObjectNode o = formats.addObject();
                o.put("Format", f.format());
                o.put("OssObjectPrefix", f.ossObjectPrefix());
                if (f.sliceOssObjectPrefix() != null) {
                    o.put("SliceOssObjectPrefix", f.sliceOssObjectPrefix());
                    o.put("SliceDuration", f.sliceDuration());
                }
                o.put("CycleDuration", f.cycleDuration());
            }
        }
    }

    private void files(ApiParams p, ObjectNode out) {
        Instant from = p.time("StartTime");
        Instant to = p.time("EndTime");
        if (!to.isAfter(from)) {
            throw ControlException.badRequest("InvalidEndTime.Mismatch", "EndTime must be after StartTime");
        }
        List<RecordFile> all = new ArrayList<>(records.files(p.required("DomainName"), p.required("AppName"),
                p.required("StreamName"), from, to));
        boolean desc = order(p);
        if (desc) {
            java.util.Collections.reverse(all);
        }
        List<RecordFile> page = page(p, out, all, desc);
        ArrayNode items = out.putObject("RecordIndexInfoList").putArray("RecordIndexInfo");
        for (RecordFile f : page) {
            ObjectNode i = items.addObject();
            i.put("RecordId", f.recordId());
            i.put("RecordUrl", f.recordUrl());
            i.put("DomainName", f.domain());
            i.put("AppName", f.app());
            i.put("StreamName", f.stream());
            i.put("OssObject", f.ossObject());
            i.put("OssBucket", f.ossBucket());
            i.put("OssEndpoint", f.ossEndpoint());
            i.put("Format", f.format());
            i.put("Duration", Math.round(f.duration() * 1000) / 1000.0);
            i.put("Width", f.width());
            i.put("Height", f.height());
            i.put("StartTime", LiveActions.gmt(f.start()));
            i.put("EndTime", LiveActions.gmt(f.end()));
            i.put("CreateTime", LiveActions.gmt(f.created()));
        }
    }

    /**
     * AddLiveRecordNotifyConfig / UpdateLiveRecordNotifyConfig: a POST per stored file to {@code NotifyUrl}. Status
     * callbacks ({@code NeedStatusNotify}), on-demand asking ({@code OnDemandUrl}) and signed callbacks
     * ({@code NotifyReqAuth}) are not offered and are refused.
     */
    private void setNotify(ApiParams p, ObjectNode out) {
        String push = records.pushDomainOf(p.required("DomainName"));
        String url = p.required("NotifyUrl");
        if ("true".equalsIgnoreCase(p.optional("NeedStatusNotify")) || p.optional("OnDemandUrl") != null
                || "true".equalsIgnoreCase(p.optional("NotifyReqAuth"))) {
            throw ControlException.badRequest("InvalidParameter.NotSupported", "LiveCloud sends a callback per "
                    + "recorded file only: NeedStatusNotify, OnDemandUrl and NotifyReqAuth are not supported");
        }
        notifier.setUrl(push, url);
    }

    private void describeNotify(ApiParams p, ObjectNode out) {
        String push = records.pushDomainOf(p.required("DomainName"));
        String url = notifier.url(push).orElseThrow(() -> ControlException.notFound("InvalidConfig.NotFound",
                "no recording callback is configured for " + push));
        ObjectNode c = out.putObject("LiveRecordNotifyConfig");
        c.put("DomainName", push);
        c.put("NotifyUrl", url);
        c.put("NeedStatusNotify", false);
        c.put("OnDemandUrl", "");
        c.put("NotifyReqAuth", false);
        c.put("NotifyAuthKey", "");
    }

    /** {@code Order}: asc (the default) or desc. */
    private static boolean order(ApiParams p) {
        String o = p.optional("Order");
        if (o == null || o.equals("asc")) {
            return false;
        }
        if (o.equals("desc")) {
            return true;
        }
        throw ControlException.badRequest("InvalidOrder.Malformed", "Specified parameter Order is not valid: asc or desc, got: " + o);
    }

    /** {@code PageNum} (from 1) and {@code PageSize} (1-100, default 10), with the totals written to {@code out}. */
    private static <T> List<T> page(ApiParams p, ObjectNode out, List<T> all, boolean desc) {
        int num = p.integer("PageNum", 1, 1, 100_000);
        int size = p.integer("PageSize", 10, 1, 100);
        out.put("PageNum", num);
        out.put("PageSize", size);
        out.put("Order", desc ? "desc" : "asc");
        out.put("TotalNum", all.size());
        out.put("TotalPage", (all.size() + size - 1) / size);
        int from = Math.min(all.size(), (num - 1) * size);
        return all.subList(from, Math.min(all.size(), from + size));
    }
}
