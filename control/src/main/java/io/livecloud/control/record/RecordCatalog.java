package io.livecloud.control.record;

import io.livecloud.control.ControlException;
import io.livecloud.control.domain.Domain;
import io.livecloud.control.domain.DomainCatalog;
import io.livecloud.control.domain.DomainNames;
import io.livecloud.control.domain.DomainType;
import io.livecloud.control.store.ControlStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * The recording configurations (SPEC §5, 录制), built like the other catalogs: changes serialised, written to the
 * store first, then published as a new immutable list behind a volatile field, so the recorder reads it without a
 * lock or I/O. Streams live under their push domain, so a configuration is kept under the push domain; a play domain
 * named in the API stands for the push domain it plays.
 */
public final class RecordCatalog {
    private static final Logger log = LoggerFactory.getLogger(RecordCatalog.class);
    /** Configurations one push domain may have, so a loop of typos cannot make thousands. */
    static final int MAX_CONFIGS_PER_DOMAIN = 100;

    private final ControlStore store;
    private final DomainCatalog domains;
    private final Clock clock;
    private final BiConsumer<String, String> storageCheck;
    private volatile List<RecordConfig> configs;

    /**
     * @param storageCheck throws IllegalArgumentException (with the reason) when an OssEndpoint/OssBucket pair cannot
     *                     be written to by this node
     */
    public RecordCatalog(ControlStore store, DomainCatalog domains, Clock clock, BiConsumer<String, String> storageCheck) {
        this.store = store;
        this.domains = domains;
        this.clock = clock;
        this.storageCheck = storageCheck;
        this.configs = List.copyOf(store.recordConfigs());
    }

    /** AddLiveAppRecordConfig. */
    public synchronized RecordConfig add(String domain, String app, String stream, String ossEndpoint, String ossBucket,
                                         List<RecordFormat> formats, Integer onDemand, Integer delayTime) {
        String push = pushDomainOf(domain);
        String a = DomainNames.checkAppName(app);
        String s = stream == null || stream.isEmpty() ? "" : DomainNames.checkStreamName(stream);
        if (formats.isEmpty()) {
            throw ControlException.badRequest("MissingParameter", "RecordFormat.1.Format is required (flv, mp4 or m3u8)");
        }
        if (formats.stream().map(RecordFormat::format).distinct().count() != formats.size()) {
            throw ControlException.badRequest("InvalidFormat.Duplicate", "each format may be given once");
        }
        int od = onDemand == null ? RecordConfig.ALWAYS : onDemand;
        if (od != RecordConfig.ALWAYS && od != RecordConfig.ON_DEMAND_BY_URL) {
            throw ControlException.badRequest("InvalidOnDemand.Malformed", "Specified parameter OnDemand is not valid: "
                    + "0 (record every push) or 1 (record pushes whose URL carries record=1), got: " + od);
        }
        int delay = delayTime == null ? RecordConfig.DEFAULT_DELAY : delayTime;
        if (delay < RecordConfig.MIN_DELAY || delay > RecordConfig.MAX_DELAY) {
            throw ControlException.badRequest("InvalidDelayTime.Malformed", "Specified parameter DelayTime is not valid: "
                    + RecordConfig.MIN_DELAY + "-" + RecordConfig.MAX_DELAY + " seconds, got: " + delay);
        }
        try {
            storageCheck.accept(ossEndpoint, ossBucket);
        } catch (IllegalArgumentException e) {
            throw ControlException.badRequest("InvalidOssBucket.Unavailable", e.getMessage());
        }
        List<RecordConfig> current = valid();
        if (current.stream().anyMatch(c -> c.domain().equals(push) && c.app().equals(a) && c.stream().equals(s))) {
            throw ControlException.badRequest("ConfigAlreadyExists", "a recording configuration for " + push + " app " + a
                    + (s.isEmpty() ? "" : " stream " + s) + " exists; delete it first to change it");
        }
        if (current.stream().filter(c -> c.domain().equals(push)).count() >= MAX_CONFIGS_PER_DOMAIN) {
            throw ControlException.badRequest("QuotaExceeded.RecordConfig", push + " already has "
                    + MAX_CONFIGS_PER_DOMAIN + " recording configurations, the most a domain may have");
        }
        RecordConfig c = new RecordConfig(push, a, s, ossEndpoint, ossBucket, formats, od, delay,
                clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS)); // as the store keeps it
        store.saveRecordConfig(c);
        List<RecordConfig> next = new ArrayList<>(current);
        next.add(c);
        configs = List.copyOf(next);
        log.info("record config added: {}/{}/{} formats {} to {}", push, a, s.isEmpty() ? "*" : s,
                formats.stream().map(RecordFormat::format).toList(), c.ossBucket().isEmpty() ? "local storage"
                        : "bucket " + c.ossBucket());
        return c;
    }

    /** DeleteLiveAppRecordConfig: recordings running on it finish their current files. */
    public synchronized void delete(String domain, String app, String stream) {
        String push = pushDomainOf(domain);
        String a = DomainNames.checkAppName(app);
        String s = stream == null ? "" : stream;
        List<RecordConfig> current = valid();
        RecordConfig found = current.stream().filter(c -> c.domain().equals(push) && c.app().equals(a)
                && c.stream().equals(s)).findFirst().orElseThrow(() -> ControlException.notFound(
                "InvalidConfig.NotFound", "no recording configuration for " + push + " app " + a
                        + (s.isEmpty() ? "" : " stream " + s)));
        store.deleteRecordConfig(push, a, s);
        List<RecordConfig> next = new ArrayList<>(current);
        next.remove(found);
        configs = List.copyOf(next);
        log.info("record config deleted: {}/{}/{}", push, a, s.isEmpty() ? "*" : s);
    }

    /** DescribeLiveRecordConfig: a domain's configurations (of one app / stream when given), by app then stream. */
    public List<RecordConfig> list(String domain, String app, String stream) {
        String push = pushDomainOf(domain);
        return valid().stream().filter(c -> c.domain().equals(push) && (app == null || c.app().equals(app))
                        && (stream == null || c.stream().equals(stream)))
                .sorted(Comparator.comparing(RecordConfig::app).thenComparing(RecordConfig::stream)).toList();
    }

    /** The configuration a stream is recorded by: its own, else its app's. Memory only. */
    public Optional<RecordConfig> configFor(String pushDomain, String app, String stream) {
        List<RecordConfig> all = valid();
        Optional<RecordConfig> own = all.stream().filter(c -> c.domain().equals(pushDomain) && c.app().equals(app)
                && c.stream().equals(stream)).findFirst();
        return own.isPresent() ? own : all.stream().filter(c -> c.domain().equals(pushDomain) && c.app().equals(app)
                && c.stream().isEmpty()).findFirst();
    }

    /** DescribeLiveStreamRecordIndexFiles: the files of a stream overlapping {@code [from, to)}, oldest first. */
    public List<RecordFile> files(String domain, String app, String stream, Instant from, Instant to) {
        String push = pushDomainOf(domain);
        return store.recordFiles(push, DomainNames.checkAppName(app), DomainNames.checkStreamName(stream), from, to);
    }

    /** The push domain a domain name stands for: itself, or the push domain a play domain plays. */
    public String pushDomainOf(String name) {
        if (name == null || name.isBlank()) {
            throw ControlException.badRequest("MissingParameter", "DomainName is required");
        }
        return domains.streamsDomainOf(name).orElseThrow(() -> ControlException.badRequest(
                "InvalidDomain.NotMapped", domains.get(name).name() + " is a play domain that plays no push domain "
                        + "(AddLiveDomainMapping): recordings are made from the streams pushed to a push domain"));
    }

    /** Configurations whose domain still exists as the one they were made for (a re-added domain starts with none). */
    private List<RecordConfig> valid() {
        DomainCatalog.View view = domains.view();
        List<RecordConfig> out = new ArrayList<>();
        for (RecordConfig c : configs) {
            Domain d = view.domain(c.domain());
            if (d != null && d.type() == DomainType.PUSH
                    && !c.created().isBefore(Instant.ofEpochMilli(d.created().toEpochMilli()))) {
                out.add(c);
            }
        }
        return out;
    }
}
