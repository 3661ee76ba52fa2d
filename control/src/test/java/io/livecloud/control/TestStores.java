package io.livecloud.control;

import io.livecloud.control.store.ControlStore;
import io.livecloud.control.store.JdbcControlStore;

import java.util.UUID;

/** A fresh, real (in-memory H2) store per test. */
public final class TestStores {
    private TestStores() {
    }

    public static ControlStore fresh() {
        return JdbcControlStore.open("jdbc:h2:mem:t" + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1", "sa", "");
    }
}
