-- Personal API tokens may expire: NULL means "until revoked". An expired token stops
-- working at once (the lookup compares it) and stays listed so its owner sees why.
ALTER TABLE api_tokens ADD COLUMN expires_at BIGINT;
