#!/usr/bin/python3 -u
"""test_openapi: the partner API's description and its worked example.

docs/openapi.yaml is validated against the OpenAPI 3.1 schema (the OAI's
schema document of 2022-10-07, kept as tests/docs/oas-3.1-schema.json) by
Debian's python3-jsonschema, which must also reject a broken copy; every path
it describes is a route of the gateway (services/gateway/api/supervise.c);
and docs/examples/verify_signature.py accepts a signature made by OpenSSL's
command line and rejects a tampered body, another key, a stale timestamp and
a malformed one. Prints cmocka's summary lines for tests/run.sh."""

import copy
import json
import os
import re
import subprocess
import sys
import time
import traceback

import jsonschema
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "docs", "examples"))
from verify_signature import verify  # noqa: E402


def load():
    with open(os.path.join(ROOT, "tests", "docs", "oas-3.1-schema.json")) as f:
        schema = json.load(f)
    with open(os.path.join(ROOT, "docs", "openapi.yaml")) as f:
        doc = yaml.safe_load(f)
    return jsonschema.Draft202012Validator(schema), doc


def test_valid():
    validator, doc = load()
    errors = [e.message for e in validator.iter_errors(doc)]
    assert errors == [], errors
    assert doc["openapi"].startswith("3.1.")
    broken = copy.deepcopy(doc)
    del broken["info"]["title"]
    broken["paths"]["/v1/districts/{district}/referrals"]["get"]["responses"]["200"] = {"x": 1}
    assert len(list(validator.iter_errors(broken))) >= 2


def test_paths_are_routes():
    _, doc = load()
    with open(os.path.join(ROOT, "services", "gateway", "api", "supervise.c")) as f:
        src = f.read()
    routes = set(re.findall(r'\.method = "([A-Z]+)", \.pattern = "([^"]+)"', src))
    for path, ops in doc["paths"].items():
        for method in ops:
            want = (method.upper(), path.replace("{district}", "{d}"))
            assert want in routes, want


def s_sign(key, ts, body):
    out = subprocess.run(["openssl", "dgst", "-sha256", "-hmac", key.decode()],
                         input=ts.encode() + b"." + body, capture_output=True, check=True)
    return "v1=" + out.stdout.decode().split("= ")[-1].strip()


def test_signature_example():
    key = b"partner-key-0123456789abcdef"
    body = json.dumps({"referral_id": "7", "partner": "discipline", "title": "逾期未办"},
                      ensure_ascii=False).encode()
    ts = str(int(time.time()))
    good = s_sign(key, ts, body)
    assert verify(key, ts, body, good)
    assert not verify(key, ts, body.replace(b"7", b"8"), good)
    assert not verify(b"another-key", ts, body, good)
    stale = str(int(time.time()) - 3600)
    assert not verify(key, stale, body, s_sign(key, stale, body))
    assert not verify(key, ts, body, good[:-1] + ("0" if good[-1] != "0" else "1"))
    assert not verify(key, "12ab", body, good)


TESTS = [test_valid, test_paths_are_routes, test_signature_example]


def main():
    failed = []
    print("[==========] Running %d test(s)." % len(TESTS))
    for t in TESTS:
        print("[ RUN      ] %s" % t.__name__)
        try:
            t()
            print("[       OK ] %s" % t.__name__)
        except Exception:
            traceback.print_exc(file=sys.stdout)
            print("[  FAILED  ] %s" % t.__name__)
            failed.append(t.__name__)
    print("[==========] %d test(s) run." % len(TESTS))
    print("[  PASSED  ] %d test(s)." % (len(TESTS) - len(failed)))
    if failed:
        print("[  FAILED  ] %d test(s), listed below:" % len(failed))
        for n in failed:
            print("[  FAILED  ] %s" % n)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
