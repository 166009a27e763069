"""Send rendered emails through Amazon SES, as MIME with a text and an HTML part (and files, if any)."""

from __future__ import annotations

from collections.abc import Sequence
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from functools import cached_property

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError, HTTPClientError

from ..rendering import render_email
from ..service.ports import EmailOutcomeUnknown, EmailRejected, SentEmail

# SES answers these for a message that can never be sent as it is.
_PERMANENT = {
    "MessageRejected",
    "MailFromDomainNotVerifiedException",
    "ConfigurationSetDoesNotExist",
    "AccountSendingPausedException",
}


class SesNotifier:
    def __init__(self, sender: str, region: str, configuration_set: str = ""):
        self.sender = sender
        self.region = region
        self.configuration_set = configuration_set

    @cached_property
    def _client(self):
        # One attempt per call: botocore's own retries would send a message again after a read timeout
        # (SES may have taken it) before we could count the unknown outcome. The message's redelivery
        # retries instead, and counts it (EmailOutcomeUnknown).
        return boto3.client(
            "ses", region_name=self.region, config=Config(retries={"mode": "standard", "max_attempts": 1})
        )

    def send(
        self, to: Sequence[str], template: str, context: dict, attachments: Sequence[tuple[str, str, bytes]] = ()
    ) -> SentEmail:
        """Render ``template`` and send it. ``attachments``: ``(filename, content type, bytes)`` each;
        with any, the message is multipart/mixed (the text and HTML alternative first, then the files)."""
        rendered = render_email(template, context)
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = ", ".join(to)
        message["Subject"] = rendered.subject
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = make_msgid(domain="aspirasi.kaltimprov.go.id")
        message.set_content(rendered.text)
        message.add_alternative(rendered.html, subtype="html")
        for filename, content_type, data in attachments:
            maintype, _, subtype = content_type.partition("/")
            message.add_attachment(data, maintype=maintype, subtype=subtype or "octet-stream", filename=filename)
        kwargs = {"ConfigurationSetName": self.configuration_set} if self.configuration_set else {}
        try:
            response = self._client.send_raw_email(
                Source=self.sender, Destinations=list(to), RawMessage={"Data": message.as_bytes()}, **kwargs
            )
        except ClientError as error:
            if error.response["Error"]["Code"] in _PERMANENT:
                raise EmailRejected(error.response["Error"]["Code"]) from error
            raise
        except HTTPClientError as error:
            # The request was written and the answer never came (ReadTimeoutError, ConnectionClosedError):
            # SES may have taken it. botocore's ConnectionError family (EndpointConnectionError,
            # ConnectTimeoutError) fails before anything is sent, so it stays an ordinary failure.
            raise EmailOutcomeUnknown(type(error).__name__) from error
        return SentEmail(response["MessageId"], rendered.subject)
