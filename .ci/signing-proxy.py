#!/usr/bin/env python3
"""A signing proxy for fuzzing: schemathesis cannot sign requests, so this proxy signs them.

It registers one holder and one party on the upstream `signet serve` (RFC 9421 proof of
possession), writes the party id to --party-file (CI approves it with `signet admin party
approve`), then forwards every request, re-signed with RFC 9421 (Ed25519, label sig1, covering
"@method" "@target-uri" and, with a body, "content-digest" per RFC 9530):

- POST /v1/challenges and POST /v1/verifications as the party,
- every other /v1 request as the holder, except registrations (POST /v1/holders, /v1/parties),
  which pass through untouched (their proof of possession cannot be forged),
- everything outside /v1 untouched.

So the fuzzer reaches the authenticated handlers' parsers instead of stopping at 401.
Test tooling only: it lives in .ci/, holds throw-away keys in memory, and never runs in production.
"""
import argparse
import base64
import hashlib
import http.client
import http.server
import json
import os
import secrets
import sys
import time
import urllib.parse

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "upgrade", "proxy-connection", "te", "trailer"}
SIGNING_HEADERS = {"signature", "signature-input", "content-digest"}


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Signer:
    """One Ed25519 key and the id the server knows it by."""

    def __init__(self):
        self.key = Ed25519PrivateKey.generate()
        self.public = self.key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self.key_id = b64url(self.public)

    def headers(self, method: str, target_uri: str, body: bytes) -> dict:
        components = ['"@method"', '"@target-uri"']
        lines = [f'"@method": {method}', f'"@target-uri": {target_uri}']
        headers = {}
        if body:
            digest = f"sha-256=:{base64.b64encode(hashlib.sha256(body).digest()).decode()}:"
            headers["Content-Digest"] = digest
            components.append('"content-digest"')
            lines.append(f'"content-digest": {digest}')
        params = f'({" ".join(components)});created={int(time.time())};keyid="{self.key_id}";nonce="{b64url(secrets.token_bytes(16))}";alg="ed25519"'
        lines.append(f'"@signature-params": {params}')
        signature = self.key.sign("\n".join(lines).encode())
        headers["Signature-Input"] = f"sig1={params}"
        headers["Signature"] = f"sig1=:{base64.b64encode(signature).decode()}:"
        return headers


def send(upstream, method, path, body, headers):
    connection = http.client.HTTPConnection(upstream.hostname, upstream.port, timeout=30)
    try:
        connection.request(method, path, body=body or None, headers=headers)
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        connection.close()


def register(upstream, public_url, signer, path, extra):
    body = json.dumps({"public_key": signer.key_id, **extra}).encode()
    headers = {"Content-Type": "application/json", **signer.headers("POST", public_url + path, body)}
    status, _, answer = send(upstream, "POST", path, body, headers)
    if status != 201:
        sys.exit(f"signing-proxy: registering {path} failed: {status} {answer[:300]!r}")
    signer.key_id = json.loads(answer)["id"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listen", type=int, required=True, help="loopback port to listen on")
    parser.add_argument("--upstream", required=True, help="the server, e.g. http://127.0.0.1:18431")
    parser.add_argument("--party-file", required=True, help="where to write the party id")
    arguments = parser.parse_args()
    upstream = urllib.parse.urlsplit(arguments.upstream)
    public_url = arguments.upstream.rstrip("/")

    holder, party = Signer(), Signer()
    register(upstream, public_url, holder, "/v1/holders", {})
    register(upstream, public_url, party, "/v1/parties", {"name": "Fuzz Party", "contact": "fuzz@example.invalid"})
    with open(arguments.party_file, "w") as out:
        out.write(party.key_id + "\n")

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def forward(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length > 0 else b""
            path = urllib.parse.urlsplit(self.path).path
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP and k.lower() != "host"}
            registration = self.command == "POST" and path in ("/v1/holders", "/v1/parties")
            if path.startswith("/v1/") and not registration:
                signer = party if self.command == "POST" and path in ("/v1/challenges", "/v1/verifications") else holder
                headers = {k: v for k, v in headers.items() if k.lower() not in SIGNING_HEADERS}
                headers.update(signer.headers(self.command, public_url + self.path, body))
            headers["Host"] = upstream.netloc
            status, answer_headers, answer = send(upstream, self.command, self.path, body, headers)
            self.send_response(status)
            for name, value in answer_headers:
                if name.lower() not in HOP_BY_HOP and name.lower() != "content-length":
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def __getattr__(self, name):
            # Every method, including ones the fuzzer invents (TRACE, QUERY, ...), goes upstream.
            if name.startswith("do_"):
                return self.forward
            raise AttributeError(name)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", arguments.listen), Handler)
    print(f"signing-proxy: holder {holder.key_id}, party {party.key_id}, listening on 127.0.0.1:{arguments.listen}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
