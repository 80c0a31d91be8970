-- V085: creator accounts managed by command (`douyin-etl accounts add | set-cookie | disable | enable | remove`), kept in
-- the warehouse so an agency adds an account or replaces an expired cookie without editing a Secret and restarting:
-- every run reads this table when it starts. Configuration accounts (Accounts:N:*) keep working beside it; an id in
-- both is a configuration error. The cookie is stored only encrypted (AES-256-GCM with the key Secrets:AccountKey,
-- which never enters the database), with the id of the key it was sealed with, so `accounts rekey` can move every
-- cookie to a new key; the account id is the cipher's associated data, so a ciphertext copied onto another account
-- does not decrypt. Nobody but the pipeline's own user reads the table: not PUBLIC, not the analyst role.

CREATE TABLE etl.managed_account (
    account_id        text        PRIMARY KEY CHECK (account_id ~ '^[A-Za-z0-9._-]+$'),
    display_name      text        NOT NULL,
    enabled           boolean     NOT NULL DEFAULT true,
    cookie_key_id     text,
    cookie_nonce      bytea,
    cookie_ciphertext bytea,
    cookie_tag        bytea,
    cookie_set_at     timestamptz,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    CHECK ((cookie_ciphertext IS NULL) = (cookie_key_id IS NULL)
       AND (cookie_ciphertext IS NULL) = (cookie_nonce IS NULL)
       AND (cookie_ciphertext IS NULL) = (cookie_tag IS NULL)
       AND (cookie_ciphertext IS NULL) = (cookie_set_at IS NULL))
);

COMMENT ON TABLE etl.managed_account IS 'Creator accounts managed with `douyin-etl accounts` (托管账号), read by every run at its start. The cookie is stored only AES-256-GCM encrypted; removing an account deletes its row (its history in douyin.* stays).';
COMMENT ON COLUMN etl.managed_account.account_id IS 'Our id for the account, used as account_id everywhere (letters, digits, ''-'', ''_'', ''.'').';
COMMENT ON COLUMN etl.managed_account.display_name IS 'Display name (账号名称), copied to douyin.account by each run.';
COMMENT ON COLUMN etl.managed_account.enabled IS 'False after `accounts disable`: kept with its cookie, not synced until `accounts enable`.';
COMMENT ON COLUMN etl.managed_account.cookie_key_id IS 'Id of the key the cookie is encrypted with: the first 16 hex digits of HMAC-SHA256(key, "douyin-etl account key id"). Null: no cookie yet.';
COMMENT ON COLUMN etl.managed_account.cookie_nonce IS 'AES-GCM nonce (12 random bytes, new for every encryption).';
COMMENT ON COLUMN etl.managed_account.cookie_ciphertext IS 'The creator-center cookie, AES-256-GCM encrypted (associated data: the account id). Never the cookie in clear.';
COMMENT ON COLUMN etl.managed_account.cookie_tag IS 'AES-GCM authentication tag (16 bytes): a changed ciphertext, key or account id fails to decrypt.';
COMMENT ON COLUMN etl.managed_account.cookie_set_at IS 'When the cookie was last set (UTC); `accounts rekey` keeps it.';
COMMENT ON COLUMN etl.managed_account.created_at IS 'When the account was added (UTC).';
COMMENT ON COLUMN etl.managed_account.updated_at IS 'Last change of any kind (UTC).';

-- etl is closed to everyone but its owner already (V053); said again for this table, which holds credentials.
REVOKE ALL ON etl.managed_account FROM PUBLIC, douyin_analyst;

COMMENT ON TABLE douyin.account IS 'Creator accounts we load (创作者账号), from configuration or managed with `douyin-etl accounts`. Updated at every run; an account removed from both stays here with its history.';
COMMENT ON COLUMN douyin.account.account_id IS 'Our id for the account (from configuration or `douyin-etl accounts add`), used as account_id everywhere.';
COMMENT ON COLUMN douyin.account.display_name IS 'Display name (账号名称) from configuration or `douyin-etl accounts add`.';
COMMENT ON VIEW douyin.pipeline_account_status IS 'Whether each account''s creator-center cookie still works (账号Cookie状态): cookie_expired accounts need a fresh cookie from their owner (`douyin-etl accounts set-cookie`). Source: etl.account_status, updated by every run that calls for the account. The cookie itself is never readable here: configuration holds it, or etl.managed_account encrypted.';
