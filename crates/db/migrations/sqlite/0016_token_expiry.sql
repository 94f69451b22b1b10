-- API tokens expire: chosen when minted (1–365 days, 90 by default). Tokens minted before this
-- have none stored and live 90 days from their creation (the rule is in crates/db/src/tokens.rs).
ALTER TABLE api_tokens ADD COLUMN expires_at TEXT;
