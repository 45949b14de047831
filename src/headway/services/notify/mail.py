"""Sending one e-mail over SMTP (stdlib smtplib): plain text and HTML, STARTTLS or TLS.

A failed send is returned as a one-line problem, never raised: a job records it and goes on.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from headway.config import Settings


@dataclass(frozen=True, slots=True, kw_only=True)
class Mail:
    to_name: str
    to_address: str
    subject: str
    text: str
    html: str


class Mailer:
    """Sends e-mail through the SMTP server the settings name."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @property
    def enabled(self) -> bool:
        """False when no SMTP server is configured: nothing is sent."""
        return bool(self.settings.smtp_host)

    def message(self, mail: Mail) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self.settings.smtp_from
        message["To"] = formataddr((mail.to_name, mail.to_address))
        message["Subject"] = mail.subject
        message["Message-ID"] = make_msgid(
            domain=self.settings.smtp_from.rpartition("@")[2] or None
        )
        message.set_content(mail.text)
        message.add_alternative(mail.html, subtype="html")
        return message

    def send(self, mail: Mail) -> str | None:
        """Send `mail`; None when the server accepted it, else a one-line reason."""
        s = self.settings
        try:
            smtp: smtplib.SMTP
            if s.smtp_tls == "tls":
                smtp = smtplib.SMTP_SSL(
                    s.smtp_host,
                    s.smtp_port,
                    timeout=s.smtp_timeout_seconds,
                    context=ssl.create_default_context(),
                )
            else:
                smtp = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout_seconds)
            with smtp:
                if s.smtp_tls == "starttls":
                    smtp.starttls(context=ssl.create_default_context())
                if s.smtp_user:
                    smtp.login(s.smtp_user, s.smtp_password)
                smtp.send_message(self.message(mail))
        except smtplib.SMTPRecipientsRefused as exc:
            return f"the SMTP server refused {mail.to_address}: {_reason(exc.recipients)}"
        except (smtplib.SMTPException, OSError, ValueError) as exc:
            where = f"{s.smtp_host}:{s.smtp_port}"
            text = " ".join(str(exc).split()) or type(exc).__name__
            return f"could not send e-mail through {where}: {text}"
        except Exception as exc:  # noqa: BLE001 - a job records a problem, never crashes on one
            return f"could not send e-mail: unexpected {type(exc).__name__}: {exc}"
        return None


def _reason(recipients: dict[str, tuple[int, bytes]]) -> str:
    code, text = next(iter(recipients.values()), (0, b""))
    return f"{code} {text.decode(errors='replace')}".strip()
