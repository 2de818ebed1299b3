#!/usr/bin/env python3
"""Checks the market artefacts of `signet demo --out DIR` with implementations Signet did not
write: sd-jwt 0.10.4 (jwcrypto) for the SD-JWT, joserfc for the key-binding JWT and the status
list token, Python's zlib for the status list, jsonschema for the consent receipt.

Usage: verify.py DIR SCHEMA        prints "OK ..." lines and exits 0, or "FAIL: reason" and 1.

sd-jwt 0.10.4 checks neither expiry nor unreferenced disclosures, and its key-binding check is
hard-wired to ES256 (Signet's parties sign EdDSA), so those checks are made here, by RFC 9901's
rules, and the script proves each refusal on a tampered copy (self-test at the end).
"""
import base64
import hashlib
import json
import sys
import time
import zlib

import warnings

import jsonschema
from joserfc import jws
from joserfc.jwk import OKPKey
from jwcrypto.jwk import JWK
from sd_jwt.verifier import SDJWTVerifier

EDDSA = ["EdDSA"]
# joserfc flags "EdDSA" as superseded by "Ed25519" (RFC 9864); Signet still writes "EdDSA",
# which every verifier here accepts.
warnings.filterwarnings("ignore", message="EdDSA is deprecated")


class Refused(Exception):
    pass


def b64u_dec(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def digest(text):
    return base64.urlsafe_b64encode(hashlib.sha256(text.encode("ascii")).digest()).rstrip(b"=").decode()


def read(directory, name):
    with open(f"{directory}/{name}", encoding="utf-8") as handle:
        return handle.read().strip()


def issuer_key(jwks, kid):
    for key in jwks["keys"]:
        if key.get("kid") == kid and key.get("kty") == "OKP" and key.get("crv") == "Ed25519":
            return key
    raise Refused(f"no Ed25519 key {kid} in the issuer's JWKS")


def check_presentation(presentation, jwks, audience, nonce, now):
    """The SD-JWT by sd-jwt, then RFC 9901's other rules; returns (payload, disclosed claims)."""
    parts = presentation.split("~")
    if len(parts) < 3 or not parts[-1]:
        raise Refused("no key-binding JWT")
    header = json.loads(b64u_dec(parts[0].split(".")[0]))
    if header.get("typ") != "signet-grant+sd-jwt" or header.get("alg") != "EdDSA":
        raise Refused(f"issuer JWT header {header}")
    key = issuer_key(jwks, header.get("kid"))

    def get_key(issuer, headers):
        return JWK(**key)

    try:
        verifier = SDJWTVerifier(presentation, get_key)  # issuer signature, digests, disclosures
        claims = verifier.get_verified_payload()
    except Exception as error:  # noqa: BLE001 - any library refusal is a refusal
        raise Refused(f"sd-jwt: {error}") from error
    payload = json.loads(b64u_dec(parts[0].split(".")[1]))
    # RFC 9901 §7.1: every disclosure referenced once; no reserved names. (Not checked by 0.10.4.)
    digests = payload.get("_sd", [])
    if len(set(digests)) != len(digests):
        raise Refused("duplicate digest")
    seen = set()
    for disclosure in parts[1:-1]:
        d = digest(disclosure)
        if d not in digests:
            raise Refused("a disclosure is not referenced by any digest")
        if d in seen:
            raise Refused("a disclosure is presented twice")
        seen.add(d)
        salt, name, _ = json.loads(b64u_dec(disclosure))
        if name in ("_sd", "...") or not isinstance(salt, str):
            raise Refused("malformed disclosure")
    if payload["exp"] <= now:
        raise Refused("expired")
    # The key-binding JWT, with joserfc, under the token's cnf key.
    holder = OKPKey.import_key(payload["cnf"]["jwk"])
    try:
        kb = jws.deserialize_compact(parts[-1], holder, algorithms=EDDSA)
    except Exception as error:  # noqa: BLE001
        raise Refused(f"key-binding JWT signature: {error}") from error
    if kb.headers().get("typ") != "kb+jwt":
        raise Refused("key-binding JWT typ")
    kb_claims = json.loads(kb.payload)
    if kb_claims.get("aud") != audience or kb_claims.get("nonce") != nonce:
        raise Refused("key-binding JWT aud or nonce")
    if kb_claims.get("iat", now + 1000) > now + 60:
        raise Refused("key-binding JWT from the future")
    if kb_claims.get("sd_hash") != digest("~".join(parts[:-1]) + "~"):
        raise Refused("sd_hash")
    return payload, claims


def check_status_list(token, jwks):
    header = json.loads(b64u_dec(token.split(".")[0]))
    key = OKPKey.import_key(issuer_key(jwks, header.get("kid")))
    verified = jws.deserialize_compact(token, key, algorithms=EDDSA)
    if verified.headers().get("typ") != "statuslist+jwt":
        raise Refused("status list typ")
    claims = json.loads(verified.payload)
    bits = claims["status_list"]["bits"]
    statuses = zlib.decompress(b64u_dec(claims["status_list"]["lst"]))
    return claims["sub"], bits, statuses


def status_at(statuses, bits, index):
    per_byte = 8 // bits
    return (statuses[index // per_byte] >> ((index % per_byte) * bits)) & ((1 << bits) - 1)


def main(directory, schema_path):
    now = int(time.time())
    jwks = json.loads(read(directory, "issuer-jwks.json"))
    audience, nonce = read(directory, "grant.kb-aud"), read(directory, "grant.kb-nonce")
    grant = read(directory, "grant.sd-jwt")
    payload, claims = check_presentation(grant, jwks, audience, nonce, now)
    print(f"OK grant.sd-jwt: {claims['purpose']}, {claims['max_uses']} uses, party {claims['party_id']}, price disclosed {claims.get('price')}")

    revoked = read(directory, "revoked-grant.sd-jwt")
    revoked_payload = json.loads(b64u_dec(revoked.split("~")[0].split(".")[1]))
    uri, bits, statuses = check_status_list(read(directory, "status-list.jwt"), jwks)
    for name, token in (("grant", payload), ("revoked-grant", revoked_payload)):
        if token["status"]["status_list"]["uri"] != uri:
            raise Refused(f"{name}: status list uri {token['status']['status_list']['uri']} is not the list's sub {uri}")
    valid = status_at(statuses, bits, payload["status"]["status_list"]["idx"])
    invalid = status_at(statuses, bits, revoked_payload["status"]["status_list"]["idx"])
    if valid != 0 or invalid != 1:
        raise Refused(f"status list says {valid} for the grant and {invalid} for the revoked grant")
    print(f"OK status-list.jwt: {bits} bits, {len(statuses)} bytes; grant VALID, revoked grant INVALID")

    receipt = json.loads(read(directory, "receipt.json"))
    with open(schema_path, encoding="utf-8") as handle:
        jsonschema.validate(receipt, json.load(handle), cls=jsonschema.Draft202012Validator)
    if receipt["pii_principal_id"] != payload["sub"] or receipt["ledger"]["index"] != payload["ledger_index"]:
        raise Refused("the receipt is not for the grant's token")
    print(f"OK receipt.json: valid against the schema, principal {receipt['pii_principal_id']}, ledger index {receipt['ledger']['index']}")

    self_test(grant, jwks, audience, nonce, now)
    print("OK self-test: tampered, unreferenced, unbound, wrong-nonce and expired presentations refused")


def self_test(grant, jwks, audience, nonce, now):
    """Proves the checks above refuse what they must, on tampered copies of the grant."""
    parts = grant.split("~")
    foreign = base64.urlsafe_b64encode(json.dumps(["c2FsdA", "price", 0]).encode()).rstrip(b"=").decode()
    tampered_disclosure = parts[1][:-2] + ("AA" if parts[1][-2:] != "AA" else "BB")
    cases = {
        "tampered disclosure": "~".join([parts[0], tampered_disclosure] + parts[2:]),
        "unreferenced disclosure": "~".join([parts[0], foreign] + parts[1:]),
        "missing key binding": "~".join(parts[:-1]) + "~",
        "wrong nonce": grant,
    }
    for name, presentation in cases.items():
        try:
            check_presentation(presentation, jwks, audience, nonce + ("x" if name == "wrong nonce" else ""), now)
        except Refused:
            continue
        raise SystemExit(f"FAIL: self-test: the {name} was accepted")
    try:
        check_presentation(grant, jwks, audience, nonce, now + 10 * 365 * 86400)
    except Refused:
        return
    raise SystemExit("FAIL: self-test: an expired token was accepted")


if __name__ == "__main__":
    try:
        main(sys.argv[1], sys.argv[2])
    except Refused as refusal:
        print(f"FAIL: {refusal}")
        sys.exit(1)
