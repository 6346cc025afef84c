ALTER TABLE api_tokens DROP COLUMN expires_at;
ALTER TABLE users DROP COLUMN must_change_password;
ALTER TABLE users DROP COLUMN language;
