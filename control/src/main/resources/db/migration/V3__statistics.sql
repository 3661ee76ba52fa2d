-- Statistics (SPEC §6): bytes and viewers per domain, stream and protocol in 1-minute and 5-minute buckets.
-- Portable H2 2.x / PostgreSQL, as V1: epoch milliseconds, no column named after a keyword of either.

-- One bucket of one (domain, app, stream, protocol). bucket_seconds is 60 or 300; start_ms is the bucket's start
-- (UTC, a multiple of bucket_seconds). A push domain's rows carry bytes_in (what its publishers sent), a play
-- domain's bytes_out (what its players were sent) and peak_players (the most play sessions live at once).
-- Rows are added to (never replaced), so a node that restarts within a bucket keeps what it counted before.
-- Pruned: 1-minute buckets after 7 days, 5-minute buckets after 90 days.
CREATE TABLE stats_buckets (
    bucket_seconds INT          NOT NULL,
    start_ms       BIGINT       NOT NULL,
    domain_name    VARCHAR(255) NOT NULL,
    app_name       VARCHAR(256) NOT NULL,
    stream_name    VARCHAR(256) NOT NULL,
    protocol       VARCHAR(16)  NOT NULL,
    bytes_in       BIGINT       NOT NULL,
    bytes_out      BIGINT       NOT NULL,
    peak_players   INT          NOT NULL,
    CONSTRAINT pk_stats_buckets PRIMARY KEY (bucket_seconds, domain_name, start_ms, app_name, stream_name, protocol)
);

CREATE INDEX ix_stats_buckets_start ON stats_buckets (bucket_seconds, start_ms);
