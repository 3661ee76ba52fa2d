package io.livecloud.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.livecloud.control.ControlException;
import io.livecloud.control.domain.DomainCatalog;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

/** DescribeLiveDomainLog: a domain's access log files, a file per UTC day, with download links. */
final class LogActions {
    private static final Duration MAX_SPAN = Duration.ofDays(31);

    private LogActions() {
    }

    static void register(Map<String, LiveActions.Action> actions, DomainCatalog catalog, DomainLogs logs, Clock clock) {
        actions.put("DescribeLiveDomainLog", (p, out) -> {
            String domain = catalog.get(p.required("DomainName")).name();
            Instant end = p.optional("EndTime") == null ? clock.instant() : p.time("EndTime");
            Instant start = p.optional("StartTime") == null ? end.minus(Duration.ofDays(1)) : p.time("StartTime");
            if (!end.isAfter(start) || Duration.between(start, end).compareTo(MAX_SPAN) > 0) {
                throw ControlException.badRequest("InvalidEndTime.Mismatch",
                        "EndTime must be after StartTime and at most 31 days later");
            }
            int page = p.integer("PageNumber", 1, 1, 100_000);
            int size = p.integer("PageSize", 300, 1, 1000);
            List<DomainLogs.LogFile> files = logs.files(domain, LocalDate.ofInstant(start, ZoneOffset.UTC),
                    LocalDate.ofInstant(end, ZoneOffset.UTC));
            out.put("DomainName", domain);
            ObjectNode detail = out.putObject("DomainLogDetails").putArray("DomainLogDetail").addObject();
            detail.put("LogCount", files.size());
            ObjectNode pages = detail.putObject("PageInfos");
            pages.put("PageIndex", page);
            pages.put("PageSize", size);
            pages.put("Total", files.size());
            ArrayNode infos = detail.putObject("LogInfos").putArray("LogInfoDetail");
            files.stream().skip((long) (page - 1) * size).limit(size).forEach(f -> {
                ObjectNode i = infos.addObject();
                i.put("LogName", f.name());
                i.put("LogPath", f.link());
                i.put("LogSize", f.size());
                i.put("StartTime", LiveActions.gmt(f.day().atStartOfDay().toInstant(ZoneOffset.UTC)));
                i.put("EndTime", LiveActions.gmt(f.day().plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC)));
            });
        });
    }
}
