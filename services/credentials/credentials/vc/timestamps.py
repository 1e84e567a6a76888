"""xsd:dateTimeStamp values as used by credentials: always with a time zone, written in UTC."""

import re
from datetime import UTC, datetime

from credentials.vc.errors import MalformedDocumentError

_DATE_TIME_STAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$")


def format_timestamp(moment: datetime) -> str:
    """'YYYY-MM-DDThh:mm:ssZ' in UTC; sub-second precision is dropped."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("timestamps must be timezone-aware")
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_timestamp(value: object, field: str) -> datetime:
    """Parse an xsd:dateTimeStamp (a time zone is required) into an aware UTC datetime."""
    if not isinstance(value, str) or not _DATE_TIME_STAMP.match(value):
        raise MalformedDocumentError(f"{field} must be a date-time with a time zone, got {value!r}")
    try:
        return datetime.fromisoformat(value).astimezone(UTC)
    except ValueError as error:
        raise MalformedDocumentError(f"{field} is not a valid date-time: {value!r}") from error
