# The quickstart's Python verification snippet, verbatim, run against a real delivery.
import hmac, hashlib
def verify_webhook(secret: str, signature_header: str, timestamp_header: str, raw_body: bytes) -> bool:
    msg = f"{timestamp_header}.".encode() + raw_body
    expected = "v1=" + hmac.new(secret.encode(), msg, hashlib.sha256).hexdigest()
    return hmac.compare_digest(signature_header, expected)

if __name__ == "__main__":
    import json, sys
    args = json.load(sys.stdin)
    ok = verify_webhook(args["secret"], args["signature"], args["timestamp"], args["body"].encode())
    print("valid" if ok else "invalid")
