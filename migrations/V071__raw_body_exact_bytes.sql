-- V071: raw.api_call.body now also keeps the exact bytes of a JSON answer PostgreSQL cannot store whole (an escaped
-- U+0000 or half a surrogate pair, which jsonb refuses): payload then holds the envelope with those characters read as
-- U+FFFD, and a payload_field problem names the call. Comment only.
COMMENT ON COLUMN raw.api_call.body IS 'The answer''s bytes when they are not a JSON envelope (HTML, garbled JSON, an Excel export), or when the envelope holds what jsonb cannot (escaped U+0000, unpaired surrogates): then payload holds it with those read as U+FFFD.';
