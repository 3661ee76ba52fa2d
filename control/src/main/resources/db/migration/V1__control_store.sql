-- The control plane's state: domains, push -> play mappings, node-wide settings.
-- This file runs unchanged on H2 2.x and PostgreSQL: portable types and syntax only, and no column named after
-- an H2 keyword (KEY, VALUE). Instants are epoch milliseconds: exact on both, no time-zone rules to differ.
-- Enum columns hold the API names (liveEdge, online, configured, ...), which never change.

CREATE TABLE domains (
    name                     VARCHAR(255)  NOT NULL,
    domain_type              VARCHAR(16)   NOT NULL,
    region                   VARCHAR(128)  NOT NULL,
    scope                    VARCHAR(32)   NOT NULL,
    status                   VARCHAR(16)   NOT NULL,
    cname                    VARCHAR(512)  NOT NULL,
    cname_status             VARCHAR(16)   NOT NULL,
    app_isolation            BOOLEAN       NOT NULL,
    auth_enabled             BOOLEAN       NOT NULL,
    auth_primary_key         VARCHAR(256)  NOT NULL,
    auth_backup_key          VARCHAR(256)  NOT NULL,
    auth_validity_seconds    BIGINT        NOT NULL,
    auth_timestamp_is_expiry BOOLEAN       NOT NULL,
    created_ms               BIGINT        NOT NULL,
    modified_ms              BIGINT        NOT NULL,
    CONSTRAINT pk_domains PRIMARY KEY (name)
);

-- A play domain plays what exactly one push domain receives; a push domain may feed many play domains.
-- The cascades are a safety net: the store deletes a domain's mappings itself, in the same transaction.
CREATE TABLE domain_mappings (
    push_domain VARCHAR(255) NOT NULL,
    play_domain VARCHAR(255) NOT NULL,
    CONSTRAINT pk_domain_mappings PRIMARY KEY (push_domain, play_domain),
    CONSTRAINT uq_domain_mappings_play UNIQUE (play_domain),
    CONSTRAINT fk_domain_mappings_push FOREIGN KEY (push_domain) REFERENCES domains (name) ON DELETE CASCADE,
    CONSTRAINT fk_domain_mappings_play FOREIGN KEY (play_domain) REFERENCES domains (name) ON DELETE CASCADE
);

CREATE TABLE settings (
    setting_key   VARCHAR(255)   NOT NULL,
    setting_value VARCHAR(65535) NOT NULL,
    CONSTRAINT pk_settings PRIMARY KEY (setting_key)
);
