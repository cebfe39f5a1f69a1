"""Delivery channels. Each sends one delivery; the HTTP ones are configured per tenant.

Every send carries the delivery's key (e-mail Message-ID, HTTP ``Idempotency-Key``), so a receiver
can drop a repeat when a worker died between sending and recording that it sent.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request

from django.conf import settings
from django.core.mail import EmailMessage

from .choices import Channel

logger = logging.getLogger(__name__)
HTTP_TIMEOUT_SECONDS = 10


class DeliveryError(Exception):
    """The channel could not deliver; the delivery is retried later."""


def _text(reminder) -> str:
    body = f"{reminder.title}\n{reminder.body}".strip()
    if reminder.link:
        body += f"\n{settings.SITE_URL.rstrip('/')}{reminder.link}"
    return body


def send_email(delivery, config) -> None:
    reminder = delivery.reminder
    address = reminder.recipient.email
    if not address:
        raise DeliveryError("recipient has no e-mail address")
    message = EmailMessage(subject=reminder.title, body=_text(reminder), to=[address],
                           headers={"Message-ID": f"<{delivery.key}@partylife>"})
    message.send(fail_silently=False)


def post_json(url: str, payload: dict, key: str) -> dict:
    if not url.startswith(("https://", "http://")):
        raise DeliveryError("HTTP channel URL must start with http:// or https://")
    body = json.dumps(payload, ensure_ascii=False).encode()
    headers = {"Content-Type": "application/json; charset=utf-8", "Idempotency-Key": key}
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)  # noqa: S310
    try:
        # The scheme is checked above; the URL is the tenant administrator's configured gateway.
        with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT_SECONDS) as response:  # noqa: S310
            raw = response.read()
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise DeliveryError(f"HTTP channel unreachable: {type(exc).__name__}") from exc
    try:
        return json.loads(raw or b"{}")
    except ValueError:
        return {}


def _robot(delivery, url: str) -> None:
    """Enterprise WeChat and DingTalk group robots take the same text message and answer errcode 0."""
    if not url:
        raise DeliveryError("robot webhook not configured")
    answer = post_json(url, {"msgtype": "text", "text": {"content": _text(delivery.reminder)}}, str(delivery.key))
    if answer.get("errcode", 0) != 0:
        raise DeliveryError(f"robot refused the message: errcode {answer.get('errcode')}")


def send_wecom(delivery, config) -> None:
    _robot(delivery, config.wecom_url)


def send_dingtalk(delivery, config) -> None:
    _robot(delivery, config.dingtalk_url)


def send_sms(delivery, config) -> None:
    member = getattr(delivery.reminder.recipient, "member", None)
    phone = member.phone if member else ""
    if not config.sms_url:
        raise DeliveryError("SMS gateway not configured")
    if not phone:
        raise DeliveryError("recipient has no phone number")
    answer = post_json(config.sms_url, {"to": phone, "text": _text(delivery.reminder), "id": str(delivery.key)},
                       str(delivery.key))
    if answer.get("ok") is False:
        raise DeliveryError("SMS gateway refused the message")


# The registry: a channel name to the function that sends through it. Plug a new one in here.
SENDERS = {
    Channel.EMAIL: send_email,
    Channel.SMS: send_sms,
    Channel.WECOM: send_wecom,
    Channel.DINGTALK: send_dingtalk,
}
