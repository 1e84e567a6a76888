"""Every message the portal shows has a Spanish translation in the .po files."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from portal.web.i18n import LOCALE_DIR, load_catalogs

PACKAGE = Path(__file__).resolve().parents[2] / "portal"
METHODS = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
OPTIONS = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}}
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}


def extracted() -> set[str]:
    ids: set[str] = set()
    for _filename, _line, message, _comments, _context in extract_from_dir(
            str(PACKAGE), METHODS, options_map=OPTIONS, keywords=KEYWORDS):
        ids.add(message[0] if isinstance(message, tuple) else message)
    return ids


def test_every_msgid_has_a_spanish_translation() -> None:
    spanish = load_catalogs(LOCALE_DIR)["es"]
    ids = extracted()
    assert len(ids) > 100
    missing = sorted(message for message in ids if message not in spanish)
    assert not missing, f"{len(missing)} messages have no Spanish translation, e.g. {missing[:5]}"
