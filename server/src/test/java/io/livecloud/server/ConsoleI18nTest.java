package io.livecloud.server;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console's two dictionaries have the same keys, and every key the pages ask for with a literal {@code t('…')}
 * is in them (a missing key would show the raw key, a silent failure). Keys built at run time
 * ({@code t('type.' + …)}) are checked by their prefixes.
 */
class ConsoleI18nTest {
    private static final List<String> SCRIPTS = List.of("app.js", "ui.js", "pages/overview.js", "pages/domains.js",
            "pages/domain.js", "pages/urls.js", "pages/streams.js", "pages/transcode.js", "pages/snapshots.js");
    private static final Pattern ENTRY = Pattern.compile("^  '([^']+)':", Pattern.MULTILINE);
    private static final Pattern LITERAL = Pattern.compile("\\bt\\('([A-Za-z0-9_.]+)'");
    private static final Pattern TERNARY = Pattern.compile("\\bt\\([a-z]+ \\? '([^']+)' : '([^']+)'");

    private static String resource(String name) throws IOException {
        try (InputStream in = ConsoleI18nTest.class.getResourceAsStream("/console/" + name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static Set<String> keys(String dictionary) throws IOException {
        Set<String> keys = new TreeSet<>();
        Matcher m = ENTRY.matcher(resource(dictionary));
        while (m.find()) {
            assertThat(keys.add(m.group(1))).as("duplicate key " + m.group(1) + " in " + dictionary).isTrue();
        }
        return keys;
    }

    @Test
    void bothLanguagesHaveEveryKeyThePagesUse() throws IOException {
        Set<String> en = keys("i18n/en.js");
        Set<String> zh = keys("i18n/zh-CN.js");
        assertThat(zh).isEqualTo(en);
        assertThat(en).hasSizeGreaterThan(100);
        Set<String> used = new TreeSet<>();
        for (String script : SCRIPTS) {
            String js = resource(script);
            for (Matcher m = LITERAL.matcher(js); m.find(); ) {
                used.add(m.group(1));
            }
            for (Matcher m = TERNARY.matcher(js); m.find(); ) {
                used.add(m.group(1));
                used.add(m.group(2));
            }
        }
        for (String key : used) {
            if (key.endsWith(".")) { // a prefix completed at run time: some keys must start with it
                assertThat(en).as("keys under " + key).anyMatch(k -> k.startsWith(key));
            } else {
                assertThat(en).as("used by the pages").contains(key);
            }
        }
        // the values the API returns and the pages look up by prefix
        assertThat(en).contains("type.liveEdge", "type.liveVideo", "scope.domestic", "scope.overseas", "scope.global",
                "status.online", "status.offline", "status.configured", "status.pending");
    }
}
