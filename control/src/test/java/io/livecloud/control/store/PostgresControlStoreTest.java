package io.livecloud.control.store;

import io.livecloud.control.domain.DomainType;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The production store: a real PostgreSQL server, one per class, a fresh database per test. */
class PostgresControlStoreTest extends ControlStoreContract {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static EmbeddedPostgres pg;
    private String database;

    @BeforeAll
    static void startPostgres() throws IOException {
        pg = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stopPostgres() throws IOException {
        if (pg != null) {
            pg.close();
        }
    }

    @Override
    protected ControlStore openFresh() {
        database = "store_test_" + DATABASES.incrementAndGet();
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + database);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return reopen();
    }

    @Override
    protected ControlStore reopen() {
        return JdbcControlStore.open(pg.getJdbcUrl("postgres", database), "postgres", "postgres");
    }

    @Test
    void theDefaultDatabaseOpensAndKeepsItsData() {
        try (JdbcControlStore first = JdbcControlStore.open(pg.getJdbcUrl("postgres", "postgres"), "postgres", "postgres")) {
            assertThat(first.toString()).contains("PostgreSQL jdbc:postgresql://localhost:" + pg.getPort() + "/postgres");
            first.saveDomain(domain("pg.example.com", DomainType.PUSH, Instant.EPOCH));
            first.saveSetting("k", "v");
        }
        try (JdbcControlStore again = JdbcControlStore.open(pg.getJdbcUrl("postgres", "postgres"), "postgres", "postgres")) {
            assertThat(again.domains()).containsExactly(domain("pg.example.com", DomainType.PUSH, Instant.EPOCH));
            assertThat(again.setting("k")).contains("v");
        }
    }
}
