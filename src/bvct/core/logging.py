"""Keep secrets out of logs: passwords, tokens, session ids and CSRF values are masked."""

from __future__ import annotations

import logging
import re

_SECRET = re.compile(
    r"(?i)(password|passwd|token|secret|sessionid|bvct_session|csrfmiddlewaretoken|csrftoken"
    r"|authorization)(\"?\s*[:=]\s*\"?)([^\s\"&,;]+)"
)


def redact(text: str) -> str:
    return _SECRET.sub(lambda m: f"{m.group(1)}{m.group(2)}***", text)


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
