-- Accounts a person looks after themselves: the language the web app speaks
-- to them, and whether an admin's one-time reset is waiting to be replaced
-- by a password of their own. API tokens may stop working at a set time.
ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'es'));
ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1));
ALTER TABLE api_tokens ADD COLUMN expires_at TEXT;
