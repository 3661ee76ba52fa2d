-- Recording (SPEC §5, AddLiveAppRecordConfig): a configuration per push domain, app and stream ('' = every stream of
-- the app), its formats, and the index of finished files (DescribeLiveStreamRecordIndexFiles). The index outlives its
-- configuration and domain: the files are still in the storage. Portable H2 2.x / PostgreSQL, as V1.
CREATE TABLE record_configs (
    domain_name      VARCHAR(255)  NOT NULL,
    app_name         VARCHAR(256)  NOT NULL,
    stream_name      VARCHAR(256)  NOT NULL,
    oss_endpoint     VARCHAR(255)  NOT NULL,
    oss_bucket       VARCHAR(63)   NOT NULL,
    on_demand        INTEGER       NOT NULL,
    delay_seconds    INTEGER       NOT NULL,
    created_ms       BIGINT        NOT NULL,
    CONSTRAINT pk_record_configs PRIMARY KEY (domain_name, app_name, stream_name),
    CONSTRAINT fk_record_configs_domain FOREIGN KEY (domain_name) REFERENCES domains (name) ON DELETE CASCADE
);

CREATE TABLE record_formats (
    domain_name      VARCHAR(255)  NOT NULL,
    app_name         VARCHAR(256)  NOT NULL,
    stream_name      VARCHAR(256)  NOT NULL,
    position         INTEGER       NOT NULL,
    format           VARCHAR(8)    NOT NULL,
    object_prefix    VARCHAR(255)  NOT NULL,
    slice_prefix     VARCHAR(255),
    cycle_seconds    INTEGER       NOT NULL,
    slice_seconds    INTEGER       NOT NULL,
    CONSTRAINT pk_record_formats PRIMARY KEY (domain_name, app_name, stream_name, format),
    CONSTRAINT fk_record_formats_config FOREIGN KEY (domain_name, app_name, stream_name)
        REFERENCES record_configs (domain_name, app_name, stream_name) ON DELETE CASCADE
);

CREATE TABLE record_files (
    record_id        VARCHAR(64)   NOT NULL,
    domain_name      VARCHAR(255)  NOT NULL,
    app_name         VARCHAR(256)  NOT NULL,
    stream_name      VARCHAR(256)  NOT NULL,
    format           VARCHAR(8)    NOT NULL,
    oss_endpoint     VARCHAR(255)  NOT NULL,
    oss_bucket       VARCHAR(63)   NOT NULL,
    oss_object       VARCHAR(1024) NOT NULL,
    record_url       VARCHAR(2048) NOT NULL,
    duration_ms      BIGINT        NOT NULL,
    width            INTEGER       NOT NULL,
    height           INTEGER       NOT NULL,
    start_ms         BIGINT        NOT NULL,
    end_ms           BIGINT        NOT NULL,
    created_ms       BIGINT        NOT NULL,
    CONSTRAINT pk_record_files PRIMARY KEY (record_id)
);
CREATE INDEX ix_record_files_stream ON record_files (domain_name, app_name, stream_name, start_ms);
