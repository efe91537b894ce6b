"""schemathesis hooks for scripts/test-api-schema.sh (loaded through SCHEMATHESIS_HOOKS).

tus bodies are `application/offset+octet-stream`: raw bytes, exactly like
`application/octet-stream`, so they are sent with schemathesis' own binary serializer.
"""

import schemathesis

schemathesis.serializer.alias("application/offset+octet-stream", "application/octet-stream")
