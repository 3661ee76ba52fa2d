package io.livecloud.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.livecloud.control.ControlException;
import io.livecloud.control.address.AddressGenerator;
import io.livecloud.control.domain.AuthConfig;
import io.livecloud.control.domain.Domain;
import io.livecloud.control.domain.DomainCatalog;
import io.livecloud.control.stats.TrafficStats;
import io.livecloud.control.notify.CallbackNotifier;
import io.livecloud.control.domain.DomainMapping;
import io.livecloud.control.domain.DomainType;
import io.livecloud.control.stream.StreamManager;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The actions of the live API 2016-11-01 that LiveCloud serves, on the control plane. Parameter names are the
 * official SDK's request classes'; response fields and nesting are what its unmarshallers read (a list is an
 * object holding one array named after the item, e.g. {@code Domains.PageData[]}, as the cloud answers).
 * Fields the cloud does not have are marked "ours".
 */
final class LiveActions {
    /** One action: reads the parameters, fills the response (which already holds {@code RequestId}). */
    interface Action {
        void run(ApiParams p, ObjectNode out);
    }

    static final String ALIAUTH = "aliauth";
    private static final DateTimeFormatter GMT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
    /**
     * The cloud's aliauth args, plus one of ours: {@code timestamp_rule} = {@code plus_delta} (the URL is valid until
     * timestamp + ali_auth_delta, the current rule and the default) or {@code is_expiry} (the older rule: the
     * timestamp itself is the expiry, for URL generators written against it).
     */
    private static final Set<String> ALIAUTH_ARGS = Set.of("auth_type", "auth_key1", "auth_key2", "ali_auth_delta",
            "timestamp_rule");
    private static final String RULE_PLUS_DELTA = "plus_delta";
    private static final String RULE_IS_EXPIRY = "is_expiry";

    private final DomainCatalog catalog;
    private final AddressGenerator addresses;
    private final ObjectMapper mapper;
    private final Map<String, Action> actions = new LinkedHashMap<>();

    /** @param streams stream management, or null on a node that serves only the domain actions */
    LiveActions(DomainCatalog catalog, AddressGenerator addresses, StreamManager streams, CallbackNotifier notifier,
                DomainLogs logs, Clock clock, ObjectMapper mapper) {
        this.catalog = catalog;
        this.addresses = addresses;
        this.mapper = mapper;
        actions.put("AddLiveDomain", this::addLiveDomain);
        actions.put("DeleteLiveDomain", (p, out) -> catalog.delete(p.required("DomainName")));
        actions.put("DescribeLiveDomainDetail", this::describeLiveDomainDetail);
        actions.put("DescribeLiveUserDomains", this::describeLiveUserDomains);
        actions.put("StartLiveDomain", (p, out) -> catalog.start(p.required("DomainName")));
        actions.put("StopLiveDomain", (p, out) -> catalog.stop(p.required("DomainName")));
        actions.put("AddLiveDomainMapping", (p, out) -> catalog.map(p.required("PushDomain"), p.required("PullDomain")));
        actions.put("DeleteLiveDomainMapping", (p, out) -> catalog.unmap(p.required("PushDomain"), p.required("PullDomain")));
        actions.put("DescribeLiveDomainMapping", this::describeLiveDomainMapping);
        actions.put("BatchSetLiveDomainConfigs", this::batchSetLiveDomainConfigs);
        actions.put("DescribeLiveDomainConfigs", this::describeLiveDomainConfigs);
        // ours
        actions.put("DescribeLiveStreamUrls", this::describeLiveStreamUrls);
        actions.put("SetLiveDomainAppIsolation", this::setLiveDomainAppIsolation);
        actions.put("DescribeLiveCenters", this::describeLiveCenters);
        if (streams != null) {
            StreamActions.register(actions, streams, clock);
        }
        if (notifier != null) {
            NotifyActions.register(actions, catalog, notifier);
        }
        if (logs != null) {
            LogActions.register(actions, catalog, logs, clock);
        }
    }

    /** Adds CheckLiveDomainCname; called once, while the OpenApi is being built (before it serves). */
    void registerCnameCheck(java.util.function.Function<Domain, java.util.concurrent.CompletableFuture<
            io.livecloud.control.domain.CnameStatus>> checkNow) {
        CnameActions.register(actions, catalog, checkNow);
    }

    /** Serves the statistics actions too ({@link StatsActions}). */
    void addStatistics(TrafficStats stats, Clock clock) {
        StatsActions.register(actions, catalog, stats, clock);
    }

    /** Adds the actions of a part of the node made after this table (transcoding). */
    void register(java.util.function.Consumer<Map<String, Action>> registrar) {
        registrar.accept(actions);
    }

    Action get(String name) {
        return actions.get(name);
    }

    Set<String> names() {
        return actions.keySet();
    }

    private void addLiveDomain(ApiParams p, ObjectNode out) {
        String type = p.optional("LiveDomainType");
        // CheckUrl (a health-check URL of the cloud's origin) has no meaning here and is ignored.
        catalog.add(p.required("DomainName"), type == null ? null : DomainType.fromApiName(type), p.optional("Region"),
                p.optional("Scope"));
    }

    private void describeLiveDomainDetail(ApiParams p, ObjectNode out) {
        Domain d = catalog.get(p.required("DomainName"));
        ObjectNode detail = out.putObject("DomainDetail");
        detail.put("DomainName", d.name());
        detail.put("LiveDomainType", d.type().apiName());
        detail.put("Region", d.region());
        detail.put("Scope", d.scope());
        detail.put("DomainStatus", d.status().apiName());
        detail.put("Cname", d.cname());
        detail.put("CnameStatus", d.cnameStatus().apiName()); // ours: configured | pending
        detail.put("AppIsolation", d.appIsolation() ? "on" : "off"); // ours
        detail.put("Description", "");
        detail.put("SSLProtocol", "off");
        detail.put("GmtCreated", gmt(d.created()));
        detail.put("GmtModified", gmt(d.modified()));
    }

    private void describeLiveUserDomains(ApiParams p, ObjectNode out) {
        int pageNumber = p.integer("PageNumber", 1, 1, 100_000);
        int pageSize = p.integer("PageSize", 20, 1, 50);
        Predicate<Domain> filter = d -> true;
        String type = p.optional("LiveDomainType");
        if (type != null) {
            DomainType t = DomainType.fromApiName(type);
            filter = filter.and(d -> d.type() == t);
        }
        String status = p.optional("DomainStatus");
        if (status != null) {
            filter = filter.and(d -> d.status().apiName().equals(status));
        }
        String region = p.optional("RegionName");
        if (region != null) {
            filter = filter.and(d -> d.region().equals(region));
        }
        String name = p.optional("DomainName");
        if (name != null) {
            String n = name.toLowerCase(Locale.ROOT);
            String search = p.optional("DomainSearchType");
            Predicate<String> match = switch (search == null ? "fuzzy_match" : search) {
                case "fuzzy_match" -> s -> s.contains(n);
                case "pre_match" -> s -> s.startsWith(n);
                case "suf_match" -> s -> s.endsWith(n);
                case "full_match" -> s -> s.equals(n);
                default -> throw ControlException.badRequest("InvalidDomainSearchType.Malformed",
                        "DomainSearchType must be fuzzy_match, pre_match, suf_match or full_match, got: " + search);
            };
            filter = filter.and(d -> match.test(d.name()));
        }
        List<Domain> all = catalog.list().stream().filter(filter).toList();
        out.put("PageNumber", pageNumber);
        out.put("PageSize", pageSize);
        out.put("TotalCount", all.size());
        ArrayNode items = out.putObject("Domains").putArray("PageData");
        long from = (long) (pageNumber - 1) * pageSize;
        for (long i = from; i < Math.min(all.size(), from + pageSize); i++) {
            Domain d = all.get((int) i);
            ObjectNode o = items.addObject();
            o.put("DomainName", d.name());
            o.put("LiveDomainType", d.type().apiName());
            o.put("RegionName", d.region());
            o.put("Scope", d.scope()); // ours
            o.put("LiveDomainStatus", d.status().apiName());
            o.put("Cname", d.cname());
            o.put("CnameStatus", d.cnameStatus().apiName()); // ours
            o.put("Description", "");
            o.put("GmtCreated", gmt(d.created()));
            o.put("GmtModified", gmt(d.modified()));
        }
    }

    /** The other side of each mapping of the domain: {@code publish} (a push domain) or {@code vhost} (a play domain). */
    private void describeLiveDomainMapping(ApiParams p, ObjectNode out) {
        Domain d = catalog.get(p.required("DomainName"));
        ArrayNode items = out.putObject("LiveDomainModels").putArray("LiveDomainModel");
        for (DomainMapping m : catalog.mappingsOf(d.name())) {
            ObjectNode o = items.addObject();
            if (d.type() == DomainType.PUSH) {
                o.put("DomainName", m.playDomain());
                o.put("Type", "vhost");
            } else {
                o.put("DomainName", m.pushDomain());
                o.put("Type", "publish");
            }
        }
    }

    /** One function of {@code Functions}: its name and arguments in order. */
    private record Function(String name, Map<String, String> args) {
    }

    /**
     * Only {@code aliauth} (URL authentication). Every domain and every function is checked before anything is
     * changed; arguments left out keep their current values.
     */
    private void batchSetLiveDomainConfigs(ApiParams p, ObjectNode out) {
        Set<String> names = new LinkedHashSet<>();
        for (String n : p.required("DomainNames").split(",")) {
            if (!n.isBlank()) {
                names.add(catalog.get(n.trim()).name());
            }
        }
        if (names.isEmpty()) {
            throw ApiParams.missing("DomainNames");
        }
        List<Function> functions = parseFunctions(p.required("Functions"));
        for (String name : names) {
            AuthConfig auth = catalog.get(name).auth();
            for (Function f : functions) {
                auth = applyAliauth(auth, f.args());
            }
            // Check the outcome for every domain before the first write (the catalog checks again on write).
            if (auth.enabled() && auth.primaryKey().isEmpty()) {
                throw ControlException.badRequest("InvalidAuthKey.Malformed",
                        "auth_key1 (primary key) is required for type_a; " + name + " has none");
            }
        }
        for (String name : names) {
            AuthConfig auth = catalog.get(name).auth();
            for (Function f : functions) {
                auth = applyAliauth(auth, f.args());
            }
            catalog.setAuth(name, auth);
        }
    }

    private List<Function> parseFunctions(String json) {
        JsonNode root;
        try {
            root = mapper.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw invalidFunctions("Functions is not JSON: " + e.getOriginalMessage());
        }
        if (root != null && root.isObject()) {
            root = mapper.createArrayNode().add(root);
        }
        if (root == null || !root.isArray() || root.isEmpty()) {
            throw invalidFunctions("Functions must be a JSON array like [{\"functionName\":\"aliauth\",\"functionArgs\":"
                    + "[{\"argName\":\"auth_type\",\"argValue\":\"type_a\"}]}]");
        }
        List<Function> out = new ArrayList<>();
        for (JsonNode f : root) {
            String name = text(f, "functionName");
            if (name == null) {
                throw invalidFunctions("every function needs a functionName");
            }
            if (!name.equals(ALIAUTH)) {
                throw unsupportedFunction(name);
            }
            Map<String, String> args = new LinkedHashMap<>();
            JsonNode list = field(f, "functionArgs");
            if (list != null && !list.isArray()) {
                throw invalidFunctions("functionArgs of " + name + " must be an array of {argName, argValue}");
            }
            if (list != null) {
                for (JsonNode a : list) {
                    String argName = text(a, "argName");
                    JsonNode value = field(a, "argValue");
                    if (argName == null || value == null || value.isContainerNode()) {
                        throw invalidFunctions("every arg of " + name + " needs an argName and a string argValue");
                    }
                    if (!ALIAUTH_ARGS.contains(argName)) {
                        throw invalidFunctions("unknown arg " + argName + " of aliauth; LiveCloud knows "
                                + "auth_type, auth_key1, auth_key2, ali_auth_delta, timestamp_rule");
                    }
                    args.put(argName, value.asText());
                }
            }
            checkAliauth(args);
            out.add(new Function(name, args));
        }
        return out;
    }

    private static void checkAliauth(Map<String, String> args) {
        String type = args.get("auth_type");
        if (type != null && !type.equals("type_a") && !type.equals("no_auth")) {
            throw ControlException.badRequest("InvalidAuthType.NotSupported",
                    "auth_type must be type_a or no_auth (LiveCloud serves URL authentication type A only), got: " + type);
        }
        String rule = args.get("timestamp_rule");
        if (rule != null && !rule.trim().equals(RULE_PLUS_DELTA) && !rule.trim().equals(RULE_IS_EXPIRY)) {
            throw ControlException.badRequest("InvalidTimestampRule.Malformed",
                    "timestamp_rule must be plus_delta (valid until timestamp + ali_auth_delta) or is_expiry "
                            + "(the timestamp is the expiry), got: " + rule);
        }
        String delta = args.get("ali_auth_delta");
        if (delta != null) {
            try {
                Long.parseLong(delta.trim());
            } catch (NumberFormatException e) {
                throw ControlException.badRequest("InvalidAuthDelta.Malformed",
                        "ali_auth_delta must be a number of seconds, got: " + delta);
            }
        }
    }

    private static AuthConfig applyAliauth(AuthConfig a, Map<String, String> args) {
        boolean enabled = args.containsKey("auth_type") ? args.get("auth_type").equals("type_a") : a.enabled();
        String key1 = args.containsKey("auth_key1") ? args.get("auth_key1").trim() : a.primaryKey();
        String key2 = args.containsKey("auth_key2") ? args.get("auth_key2").trim() : a.backupKey();
        long delta = args.containsKey("ali_auth_delta") ? Long.parseLong(args.get("ali_auth_delta").trim()) : a.validitySeconds();
        boolean isExpiry = args.containsKey("timestamp_rule") ? args.get("timestamp_rule").trim().equals(RULE_IS_EXPIRY)
                : a.timestampIsExpiry();
        return new AuthConfig(enabled, key1, key2, delta, isExpiry);
    }

    private void describeLiveDomainConfigs(ApiParams p, ObjectNode out) {
        Domain d = catalog.get(p.required("DomainName"));
        Set<String> functions = new LinkedHashSet<>();
        for (String f : p.required("FunctionNames").split(",")) {
            if (!f.isBlank()) {
                if (!f.trim().equals(ALIAUTH)) {
                    throw unsupportedFunction(f.trim());
                }
                functions.add(f.trim());
            }
        }
        if (functions.isEmpty()) {
            throw ApiParams.missing("FunctionNames");
        }
        ArrayNode configs = out.putObject("DomainConfigs").putArray("DomainConfig");
        ObjectNode c = configs.addObject();
        c.put("FunctionName", ALIAUTH);
        c.put("Status", "success");
        ArrayNode args = c.putObject("FunctionArgs").putArray("FunctionArg");
        AuthConfig a = d.auth();
        arg(args, "auth_type", a.enabled() ? "type_a" : "no_auth");
        arg(args, "auth_key1", a.primaryKey());
        arg(args, "auth_key2", a.backupKey());
        arg(args, "ali_auth_delta", Long.toString(a.validitySeconds()));
        arg(args, "timestamp_rule", a.timestampIsExpiry() ? RULE_IS_EXPIRY : RULE_PLUS_DELTA);
    }

    /** Ours: the address generator (地址生成器) — signed push and play URLs for a play domain, app and stream. */
    private void describeLiveStreamUrls(ApiParams p, ObjectNode out) {
        AddressGenerator.Addresses a = addresses.generate(p.required("DomainName"), p.required("AppName"),
                p.required("StreamName"), p.optional("TranscodeTemplate"));
        out.put("PlayDomain", a.playDomain());
        out.put("PushDomain", a.pushDomain() == null ? "" : a.pushDomain());
        out.put("AppName", a.app());
        out.put("StreamName", a.stream());
        out.put("TranscodeTemplate", a.template() == null ? "" : a.template());
        out.put("PushUrl", a.pushUrl() == null ? "" : a.pushUrl());
        out.put("RtmpPlayUrl", a.rtmpPlayUrl());
        out.put("FlvPlayUrl", a.flvPlayUrl());
        out.put("HlsPlayUrl", a.hlsPlayUrl());
        out.put("LowLatencyHlsPlayUrl", a.llHlsPlayUrl());
        out.put("Timestamp", a.timestamp());
        out.put("PushUrlExpireTime", a.pushExpiresAt());
        out.put("PlayUrlExpireTime", a.playExpiresAt());
    }

    /** Ours: the live centers (region IDs) this install serves, for AddLiveDomain's Region, and the CNAME zone. */
    private void describeLiveCenters(ApiParams p, ObjectNode out) {
        ArrayNode centers = out.putObject("LiveCenters").putArray("LiveCenter");
        catalog.settings().liveCenters().forEach(centers::add);
        out.put("CnameZone", catalog.settings().cnameZone());
    }

    /** Ours: app isolation (streams unique by app + stream when on). */
    private void setLiveDomainAppIsolation(ApiParams p, ObjectNode out) {
        String name = p.required("DomainName");
        String v = p.required("AppIsolation");
        boolean on = switch (v.toLowerCase(Locale.ROOT)) {
            case "on", "true" -> true;
            case "off", "false" -> false;
            default -> throw ControlException.badRequest("InvalidAppIsolation.Malformed", "AppIsolation must be on or off, got: " + v);
        };
        catalog.setAppIsolation(name, on);
    }

    private static void arg(ArrayNode args, String name, String value) {
        ObjectNode o = args.addObject();
        o.put("ArgName", name);
        o.put("ArgValue", value);
    }

    /** A field by its lower-camel name as the cloud documents it, or with a capital first letter. */
    private static JsonNode field(JsonNode o, String name) {
        if (o == null || !o.isObject()) {
            return null;
        }
        JsonNode v = o.get(name);
        if (v == null) {
            v = o.get(Character.toUpperCase(name.charAt(0)) + name.substring(1));
        }
        return v == null || v.isNull() ? null : v;
    }

    private static String text(JsonNode o, String name) {
        JsonNode v = field(o, name);
        return v == null || v.isContainerNode() || v.asText().isBlank() ? null : v.asText().trim();
    }

    private static ControlException invalidFunctions(String why) {
        return ControlException.badRequest("InvalidFunctions.Malformed", why);
    }

    private static ControlException unsupportedFunction(String name) {
        return ControlException.badRequest("InvalidFunctionName.NotSupported",
                "function " + name + " is not supported by LiveCloud; supported: " + ALIAUTH + " (URL authentication)");
    }

    /** A time as the cloud writes it: UTC, whole seconds, {@code 2017-12-21T08:00:00Z}. */
    static String gmt(Instant t) {
        return GMT.format(t);
    }
}
