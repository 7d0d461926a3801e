"""Verifies webhooks mittr signed, in both header schemes (X-Mittr-* and Standard Webhooks).

The same rules as the Node SDK (sdk/node/src/webhooks.ts), held to sdk/vectors/signatures.json.
"""
import base64
import hashlib
import hmac
import time
from typing import Mapping, Optional

DEFAULT_TOLERANCE_SEC = 300


def _hmac(key: bytes, prefix: str, body: bytes) -> bytes:
    return hmac.new(key, prefix.encode() + body, hashlib.sha256).digest()


def _standard_key(secret: str) -> bytes:
    return base64.b64decode(secret[6:]) if secret.startswith("whsec_") else secret.encode()


def _any_equal(header: str, prefix: str, expected: str) -> bool:
    return any(hmac.compare_digest(s[len(prefix):], expected) for s in header.split(" ") if s.startswith(prefix))


def _check(scheme, timestamp, now, tolerance, matches):
    if timestamp is None or not timestamp.isdigit():
        return {"valid": False, "reason": "missing_headers", "scheme": scheme}
    if not matches():
        return {"valid": False, "reason": "bad_signature", "scheme": scheme}
    if abs(now - int(timestamp)) > tolerance:
        return {"valid": False, "reason": "timestamp_out_of_tolerance", "scheme": scheme}
    return {"valid": True, "reason": "ok", "scheme": scheme}


def verify_webhook(secret: str, headers: Mapping[str, str], body: bytes, tolerance_sec: int = DEFAULT_TOLERANCE_SEC,
                   now: Optional[int] = None, scheme: Optional[str] = None) -> dict:
    """Answers {valid, reason, scheme}; reason is ok, missing_headers, bad_signature or timestamp_out_of_tolerance."""
    h = {k.lower(): v for k, v in headers.items()}
    now = int(time.time()) if now is None else now
    tried = []
    if scheme != "standard" and "x-mittr-signature" in h:
        ts = h.get("x-mittr-timestamp")
        tried.append(_check("mittr", ts, now, tolerance_sec, lambda: _any_equal(
            h["x-mittr-signature"], "v1=", _hmac(secret.encode(), f"{ts}.", body).hex())))
    if scheme != "mittr" and "webhook-signature" in h and "webhook-id" in h:
        ts = h.get("webhook-timestamp")
        tried.append(_check("standard", ts, now, tolerance_sec, lambda: _any_equal(
            h["webhook-signature"], "v1,",
            base64.b64encode(_hmac(_standard_key(secret), f"{h['webhook-id']}.{ts}.", body)).decode())))
    for t in tried:
        if t["valid"]:
            return t
    return tried[0] if tried else {"valid": False, "reason": "missing_headers"}
