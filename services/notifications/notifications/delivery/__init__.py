"""Getting queued emails to mail servers: MIME composition, SMTP transport, and the sender loop."""

from .message import compose, message_id_for
from .sender import POSITION_NAME, MailSender
from .smtp import DeliveryError, PermanentDeliveryError, SmtpServer, SmtpTransport, TransientDeliveryError, Transport

__all__ = [
    "POSITION_NAME",
    "DeliveryError",
    "MailSender",
    "PermanentDeliveryError",
    "SmtpServer",
    "SmtpTransport",
    "TransientDeliveryError",
    "Transport",
    "compose",
    "message_id_for",
]
