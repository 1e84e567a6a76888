"""Getting queued emails to mail servers: MIME composition, SMTP transport, and the sender loop."""

from .message import compose, message_id_for
from .sender import POSITION_NAME, MailSender
from .smtp import DeliveryFailure, PermanentFailure, SmtpServer, SmtpTransport, TransientFailure, Transport

__all__ = [
    "POSITION_NAME",
    "DeliveryFailure",
    "MailSender",
    "PermanentFailure",
    "SmtpServer",
    "SmtpTransport",
    "TransientFailure",
    "Transport",
    "compose",
    "message_id_for",
]
