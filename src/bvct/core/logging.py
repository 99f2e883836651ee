"""Keep secrets out of logs: passwords, tokens, session ids and CSRF values are masked."""

from __future__ import annotations

import logging
import re

_SECRET = re.compile(
    r"(?i)(password|passwd|token|secret|sessionid|bvct_session|csrfmiddlewaretoken|csrftoken"
    r"|authorization)(\"?\s*[:=]\s*\"?)((?:bearer|token)\s+)?([^\s\"&,;]+)"
)
# An API key anywhere in a message, whatever precedes it.
_API_KEY = re.compile(r"bvct_[A-Za-z0-9_-]{16,}")


def redact(text: str) -> str:
    text = _SECRET.sub(lambda m: f"{m.group(1)}{m.group(2)}{m.group(3) or ''}***", text)
    return _API_KEY.sub("bvct_***", text)


class RedactSecretsFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is not ours to fix here
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg = cleaned
            record.args = None
        return True
