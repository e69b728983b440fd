"""Verifying a Lianxin webhook (docs/openapi.yaml): HMAC-SHA256 with the
partner's key over timestamp + "." + body, in constant time, refusing a
timestamp more than five minutes away."""
import hashlib
import hmac
import time


def verify(key: bytes, timestamp: str, body: bytes, signature: str, now=None) -> bool:
    if not timestamp.isdigit() or abs((now or time.time()) - int(timestamp)) > 300:
        return False
    mac = hmac.new(key, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest("v1=" + mac, signature)
