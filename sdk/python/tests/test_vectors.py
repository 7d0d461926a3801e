import base64
import json
import pathlib
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from mittr_webhooks import verify_webhook  # noqa: E402
from quickstart_snippet import verify_webhook as quickstart_snippet  # noqa: E402

CASES = json.loads((ROOT.parent / "vectors" / "signatures.json").read_text())["cases"]
MITTR = {"x-mittr-signature", "x-mittr-timestamp", "x-mittr-event-id"}


def only(headers, scheme):
    return {k: v for k, v in headers.items() if (k in MITTR) == (scheme == "mittr")}


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
@pytest.mark.parametrize("scheme", ["mittr", "standard"])
def test_verifier_judges_each_vector(case, scheme):
    body = base64.b64decode(case["bodyBase64"])
    got = verify_webhook(case["secret"], only(case["headers"], scheme), body, case["toleranceSec"], now=case["now"])
    assert {"valid": got["valid"], "reason": got["reason"]} == case["expected"][scheme]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_quickstart_snippet_matches_the_mittr_signature(case):
    body = base64.b64decode(case["bodyBase64"])
    h = case["headers"]
    assert quickstart_snippet(case["secret"], h["x-mittr-signature"], h["x-mittr-timestamp"], body) == (
        case["expected"]["mittr"]["reason"] != "bad_signature")


def test_missing_headers():
    assert verify_webhook("x", {}, b"") == {"valid": False, "reason": "missing_headers"}
