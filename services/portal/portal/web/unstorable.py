"""Form text the platform cannot store (a NUL, an unpaired surrogate) is answered with the portal's own error page,
in the person's language, before any page reads the form; never passed on to the API (whose answer is JSON)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response

from .i18n import gettext as _
from .templating import render

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class UnstorableText(Exception):
    """A form field (its name, text or file name) holds a character that cannot be stored."""

    def __init__(self, field: str) -> None:
        super().__init__(field)
        self.field = field


async def refuse_unstorable_form(request: Request) -> None:
    """UnstorableText when a submitted form holds such text; the form is parsed once (the page reuses it)."""
    if not request.headers.get("content-type", "").startswith(FORM_TYPES):
        return
    form = await request.form()
    for name, value in form.multi_items():
        text = value.filename or "" if isinstance(value, UploadFile) else value
        if UNSTORABLE.search(name) or UNSTORABLE.search(text):
            raise UnstorableText(UNSTORABLE.sub("", name))


async def unstorable_text_page(request: Request, exc: Exception) -> Response:
    """422 with the error summary, and a way back to the form."""
    message = _("The form contains a character that cannot be accepted (an invisible control character, often "
                "copied from another document). Go back, remove it and send the form again.")
    return render(request, "errors/unsupported_characters.html", status_code=422, errors={}, general=[message],
                  back=_way_back(request))


def _way_back(request: Request) -> str:
    """The page the form was on (the Referer, when it is this site's), else the home page."""
    referer = urlsplit(request.headers.get("referer", ""))
    same_site = referer.netloc == request.url.netloc and referer.path.startswith("/")
    if not same_site or referer.path.startswith("//") or UNSTORABLE.search(referer.path):
        return "/"
    return referer.path + (f"?{referer.query}" if referer.query else "")
