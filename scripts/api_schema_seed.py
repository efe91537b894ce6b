"""Seed a running Briefly server for scripts/test-api-schema.sh.

Signs up a user, creates an API token and one of each thing a path id can name (videos,
comments, a reaction, a workspace with an invite and a webhook, tus uploads), then
writes a schemathesis config whose dictionaries hold those ids, and the token next to it
(`<config>.token`). Standard library only; every request goes to the given loopback URL.
"""

import base64
import http.cookiejar
import json
import sys
import urllib.request


def main(base: str, config_path: str) -> None:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def call(method, path, body=None, headers=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(base + path, data=data, method=method, headers=headers or {})
        if body is not None:
            request.add_header("Content-Type", "application/json")
        with opener.open(request, timeout=30) as response:
            raw = response.read()
            return response, (json.loads(raw) if raw and response.headers.get_content_type() == "application/json" else None)

    _, signed_up = call("POST", "/api/auth/signup",
                        {"email": "schema@example.com", "password": "correct horse battery", "name": "Schema"})
    user_id = signed_up["user"]["id"]
    _, token = call("POST", "/api/tokens", {"name": "schemathesis"})
    # A token the fuzzer may revoke (DELETE /api/tokens/{token_id}); its own stays.
    _, spare = call("POST", "/api/tokens", {"name": "spare", "expires_in_days": 30})
    _, me = call("GET", "/api/me")
    videos = [call("POST", "/api/videos", {"title": f"Seed {v}", "visibility": v})[1]["id"]
              for v in ("private", "unlisted", "public", "private")]
    _, comment = call("POST", f"/api/videos/{videos[0]}/comments", {"body": "seed comment", "timestamp_ms": 0})
    _, reply = call("POST", f"/api/videos/{videos[0]}/comments", {"body": "seed reply", "parent_id": comment["id"]})
    _, reaction = call("POST", f"/api/videos/{videos[0]}/reactions", {"emoji": "👍", "timestamp_ms": 0})
    _, workspace = call("POST", "/api/workspaces", {"name": "Seed team"})
    _, invite = call("POST", f"/api/workspaces/{workspace['id']}/invites", {})
    # A loopback target nothing listens on; `video.ready` never fires without a worker.
    _, hook = call("POST", f"/api/workspaces/{workspace['id']}/webhooks",
                   {"url": "http://127.0.0.1:9/briefly", "events": ["video.ready"]})
    metadata = "filename " + base64.b64encode(b"seed.webm").decode()
    created, _ = call("POST", "/api/uploads", headers={
        "Tus-Resumable": "1.0.0", "Upload-Length": "1000", "Upload-Metadata": metadata})
    upload_id = created.headers["Location"].rsplit("/", 1)[1]
    # A finished upload on the unlisted video, so its original is served (with Range).
    attach = "video_id " + base64.b64encode(videos[1].encode()).decode()
    finished, _ = call("POST", "/api/uploads", headers={
        "Tus-Resumable": "1.0.0", "Upload-Length": "1000", "Upload-Metadata": attach})
    request = urllib.request.Request(base + finished.headers["Location"], data=bytes(range(250)) * 4, method="PATCH",
                                     headers={"Tus-Resumable": "1.0.0", "Upload-Offset": "0",
                                              "Content-Type": "application/offset+octet-stream"})
    opener.open(request, timeout=30).close()

    ids = videos + [comment["id"], reply["id"], reaction["id"], workspace["id"]] + [w["id"] for w in me["workspaces"]]
    dictionaries = {
        "ids": ids,
        "user_ids": [user_id],
        "invite_ids": [invite["id"]],
        "invite_tokens": [invite["token"]],
        "upload_ids": [upload_id],
        "hook_ids": [hook["id"]],
        "token_ids": [spare["id"]],
        "share_urls": [f"{base}/v/{video_id}" for video_id in videos],
    }
    bindings = {
        "path.id": "ids",
        "path.user_id": "user_ids",
        "path.invite_id": "invite_ids",
        "path.token": "invite_tokens",
        "path.upload_id": "upload_ids",
        "path.hook_id": "hook_ids",
        "path.token_id": "token_ids",
        "query.url": "share_urls",
        "query.workspace_id": "ids",
        "body.workspace_id": "ids",
        "body.parent_id": "ids",
    }
    lines = []
    for name, values in dictionaries.items():
        lines += [f"[dictionaries.{name}]", f"values = {json.dumps(values)}", ""]
    # oEmbed answers a format it does not offer with 501, as its spec says.
    lines += ['[[operations]]', 'include-operation-id = "oembed"',
              'checks.not_a_server_error.expected-statuses = ["2xx", "3xx", "4xx", "501"]', ""]
    lines.append("[parameters]")
    lines += [f'"{key}" = {{ dictionary = "{name}", probability = 0.5 }}' for key, name in bindings.items()]
    with open(config_path, "w") as out:
        out.write("\n".join(lines) + "\n")
    with open(config_path + ".token", "w") as out:
        out.write(token["token"])


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
