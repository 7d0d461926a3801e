# The quickstart's (003) Python verification snippet, verbatim.
import hmac, hashlib
def verify_webhook(secret: str, signature_header: str, timestamp_header: str, raw_body: bytes) -> bool:
    msg = f"{timestamp_header}.".encode() + raw_body
    expected = "v1=" + hmac.new(secret.encode(), msg, hashlib.sha256).hexdigest()
    return hmac.compare_digest(signature_header, expected)
