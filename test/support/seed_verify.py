# Runs the quickstart's Python snippet (sdk/python/quickstart_snippet.py, verbatim) against a real
# delivery: reads {secret, signature, timestamp, body} as JSON on stdin, prints valid or invalid.
import json, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "sdk", "python"))
from quickstart_snippet import verify_webhook

args = json.load(sys.stdin)
ok = verify_webhook(args["secret"], args["signature"], args["timestamp"], args["body"].encode())
print("valid" if ok else "invalid")
