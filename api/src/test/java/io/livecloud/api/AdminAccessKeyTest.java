package io.livecloud.api;

import io.livecloud.control.store.ControlStore;
import io.livecloud.control.store.JdbcControlStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AdminAccessKeyTest {
    private final ControlStore store = JdbcControlStore.open("jdbc:h2:mem:ak" + UUID.randomUUID().toString().replace("-", "")
            + ";DB_CLOSE_DELAY=-1", "sa", "");

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void generatedOnceStoredAndWrittenOwnerOnly(@TempDir Path dir) throws Exception {
        AdminAccessKey first = AdminAccessKey.load(store, dir, Map.of());
        assertThat(first.source()).isEqualTo(AdminAccessKey.Source.GENERATED);
        assertThat(first.id()).matches("LTAI[0-9A-Za-z]{20}");
        assertThat(first.secret()).matches("[0-9A-Za-z]{30}");
        assertThat(AdminAccessKey.readFile(dir)).isEqualTo(first.credentials());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("access-key.properties"))))
                .isEqualTo("rw-------");
        assertThat(first.toString()).doesNotContain(first.secret());
        assertThat(first.credentials().toString()).doesNotContain(first.secret());

        Files.delete(dir.resolve("access-key.properties"));
        AdminAccessKey second = AdminAccessKey.load(store, dir, Map.of());
        assertThat(second.source()).isEqualTo(AdminAccessKey.Source.STORE);
        assertThat(second.credentials()).isEqualTo(first.credentials());
        assertThat(AdminAccessKey.readFile(dir)).as("the file comes back").isEqualTo(first.credentials());
        assertThat(second.secretOf(first.id())).contains(first.secret());
        assertThat(second.secretOf("LTAIother")).isEmpty();
    }

    @Test
    void theEnvironmentWinsAndIsNotPersisted(@TempDir Path dir) {
        AdminAccessKey k = AdminAccessKey.load(store, dir, Map.of(AdminAccessKey.ENV_ID, "myid", AdminAccessKey.ENV_SECRET, "mysecret"));
        assertThat(k.source()).isEqualTo(AdminAccessKey.Source.ENVIRONMENT);
        assertThat(k.secretOf("myid")).contains("mysecret");
        assertThat(store.setting(AdminAccessKey.SETTING_ID)).isEmpty();
        assertThat(Files.exists(dir.resolve("access-key.properties"))).isFalse();
        assertThatThrownBy(() -> AdminAccessKey.load(store, dir, Map.of(AdminAccessKey.ENV_ID, "myid")))
                .hasMessageContaining(AdminAccessKey.ENV_SECRET);
    }
}
