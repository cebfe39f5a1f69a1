"""A logging filter that blanks anything shaped like a national ID or a mobile number."""

import logging
import re

_PII = re.compile(
    r"(?<![0-9])"
    r"(?:[1-9][0-9]{5}(?:18|19|20)[0-9]{2}[01][0-9][0-3][0-9]{4}[0-9Xx]"  # resident ID
    r"|1[3-9][0-9]{9})"  # mobile number
    r"(?![0-9])"
)


def redact(text: str) -> str:
    return _PII.sub("[REDACTED]", text)


class RedactPIIFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
