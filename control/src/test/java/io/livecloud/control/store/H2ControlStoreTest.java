package io.livecloud.control.store;

import io.livecloud.control.domain.DomainType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The default store: an H2 file under the data directory. */
class H2ControlStoreTest extends ControlStoreContract {
    @TempDir
    Path tmp;

    @Override
    protected ControlStore openFresh() {
        return JdbcControlStore.embedded(tmp.resolve("data"));
    }

    @Override
    protected ControlStore reopen() {
        return JdbcControlStore.embedded(tmp.resolve("data"));
    }

    @Test
    void theDatabaseIsAFileInTheDataDirectory() {
        assertThat(tmp.resolve("data/livecloud.mv.db")).isRegularFile();
        assertThat(store.toString()).contains("H2 file " + tmp.resolve("data/livecloud").toAbsolutePath());
    }

    @Test
    void anH2UrlOpensToo() {
        try (JdbcControlStore mem = JdbcControlStore.open("jdbc:h2:mem:h2ControlStoreTest;DB_CLOSE_DELAY=-1", "sa", "")) {
            mem.saveDomain(domain("m.example.com", DomainType.PUSH, Instant.EPOCH));
            assertThat(mem.domains()).hasSize(1);
        }
    }

    @Test
    void aDataDirectoryThatCannotBeMadeIsAClearError() throws Exception {
        Path file = Files.writeString(tmp.resolve("not-a-directory"), "x");

        assertThatThrownBy(() -> JdbcControlStore.embedded(file.resolve("data")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot create the data directory " + file.resolve("data"));
    }

    @Test
    void aDatabaseThatCannotBeOpenedIsNamedWithoutItsPassword() {
        String url = "jdbc:postgresql://127.0.0.1:1/livecloud";

        assertThatThrownBy(() -> JdbcControlStore.open(url + "?user=lc&password=hunter2", "lc", "hunter3"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("control store: cannot open " + url + "?user=lc&password=***: ")
                .hasMessageContaining("refused")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter"));
        assertThatThrownBy(() -> JdbcControlStore.open("jdbc:nosuchdb://x", "u", "p"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("control store: cannot open jdbc:nosuchdb://x: ");
    }
}
