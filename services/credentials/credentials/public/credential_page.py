"""The public verification page of one credential: plain HTML, readable on a phone, no scripts.

It shows what the credential says, its live status and how that was established, the result of
verifying the stored signed document, a QR code of the page's own address, the PDF certificate and a
LinkedIn "Add to profile" link. Every value is escaped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, tzinfo

from credentials.public.i18n import DEFAULT_LANGUAGE, local_moment, long_date
from credentials.public.layout import html_page, language_switch, text
from credentials.public.linkedin import add_to_profile_url
from credentials.public.messages import message
from credentials.public.qr import qr_svg
from credentials.public.status import PublicState, PublicStatus, Source, StatusCheck, ValidityFinding
from credentials.public.view import CredentialView
from credentials.vc.verification_result import CheckName, CheckResult, CheckStatus, VerificationResult

_TRUST_CHECKS = (CheckName.SCHEMA, CheckName.PROOF, CheckName.ISSUER)


@dataclass(frozen=True)
class Banner:
    tone: str
    """CSS class: good, warn or bad."""
    headline: str
    explanation: str


def banner_for(status: PublicStatus, verification: VerificationResult, lang: str = DEFAULT_LANGUAGE) -> Banner:
    """The one-line verdict: a failed signature or issuer check outranks any recorded status."""
    failed = [check for check in verification.checks
              if check.check in _TRUST_CHECKS and check.status is not CheckStatus.PASSED]
    if failed:
        return Banner("bad", message(lang, "banner.not_verified"), message(lang, "banner.not_verified.explanation"))
    state = status.state
    tone = {PublicState.ACTIVE: "good", PublicState.REVOKED: "bad", PublicState.EXPIRED: "bad"}.get(state, "warn")
    return Banner(tone, state_label(state.value, lang), message(lang, f"banner.{state.value}"))


def state_label(value: str, lang: str) -> str:
    """A status value in words ("Suspended" / "Suspendido"); a value no catalogue knows is shown as it is."""
    try:
        return message(lang, f"state.{value.strip().lower()}")
    except KeyError:
        return value


def render_credential_page(
    view: CredentialView, status: PublicStatus, verification: VerificationResult, checked_at: datetime,
    *, zone: tzinfo | None = None, lang: str = DEFAULT_LANGUAGE,
    href: Callable[[str], str] = lambda code: f"?lang={code}",
) -> str:
    """The page in `lang`; every date is a calendar date (or a moment) in the association's `zone`."""
    shown_zone = zone if zone is not None else checked_at.tzinfo
    assert shown_zone is not None, "an aware checked_at or a zone is needed"
    verdict = banner_for(status, verification, lang)
    pdf = f"{view.certificate_url}?lang={lang}"
    status_word = text(message(lang, "page.status"))
    body = f"""<header class="top">
<p>{text(view.association)}</p>
{language_switch(lang, href)}
</header>
<main>
<h1>{text(message(lang, "page.heading"))}</h1>
<p class="banner {verdict.tone}" role="status">{status_word}: <strong>{text(verdict.headline)}</strong><br>
{text(verdict.explanation)}</p>
<section aria-labelledby="details">
<h2 id="details">{text(message(lang, "details.heading"))}</h2>
{_details(view, lang)}
<p class="note">{text(message(lang, "details.dates_note", zone=_zone_name(shown_zone)))}</p>
<details>
<summary>{text(message(lang, "technical.summary"))}</summary>
<dl>
<dt>{text(message(lang, "technical.issuer_did"))}</dt><dd><code>{text(view.issuer_did)}</code></dd>
<dt>{text(message(lang, "details.credential_id"))}</dt><dd><code>{text(view.credential_id)}</code></dd>
<dt>{text(message(lang, "technical.page_url"))}</dt><dd><code>{text(view.page_url)}</code></dd>
</dl>
</details>
</section>
<section aria-labelledby="verification">
<h2 id="verification">{text(message(lang, "verification.heading"))}</h2>
<p>{text(message(lang, "verification.checked", moment=local_moment(checked_at, shown_zone, lang)))}</p>
<ul class="checks">
{_verification_items(verification, view, lang)}
</ul>
</section>
<section aria-labelledby="status-checked">
<h2 id="status-checked">{text(message(lang, "status.heading"))}</h2>
<ul class="checks">
{"".join(_status_item(check, view, lang) for check in status.checks)}
</ul>
</section>
<section aria-labelledby="share">
<h2 id="share">{text(message(lang, "share.heading"))}</h2>
<figure>
<div role="img" aria-label="{text(message(lang, "share.qr"))}">{qr_svg(view.page_url)}</div>
<figcaption>{text(message(lang, "share.scan"))} <code>{text(view.page_url)}</code></figcaption>
</figure>
<ul class="actions">
<li><a href="{text(pdf)}" type="application/pdf">{text(message(lang, "share.pdf"))}</a></li>
<li><a class="linkedin" href="{text(add_to_profile_url(view))}" rel="noopener noreferrer">
{text(message(lang, "share.linkedin"))}</a></li>
</ul>
</section>
</main>
<footer>
<p>{message(lang, "page.footer", association=text(view.association))}</p>
</footer>"""
    return html_page(message(lang, "page.title", holder=view.holder(lang)), body, lang=lang)


def _zone_name(zone: tzinfo) -> str:
    return str(getattr(zone, "key", None) or zone)


def _details(view: CredentialView, lang: str) -> str:
    through = f"{long_date(view.valid_through, lang)} {message(lang, 'details.valid_through.note')}"
    rows = [
        ("details.holder", view.holder(lang)),
        ("details.endorsement", view.endorsement_name),
        ("details.category", f"{view.category_name} ({view.category})"),
        ("details.designation", view.designation),
        ("details.issuer", view.association),
        ("details.awarded", long_date(view.award_date, lang) if view.award_date else None),
        ("details.valid_from", long_date(view.valid_from, lang)),
        ("details.valid_through", through),
    ]
    items = "\n".join(f"<dt>{text(message(lang, key))}</dt><dd>{text(value)}</dd>" for key, value in rows if value)
    return f"<dl>\n{items}\n</dl>"


def _span(view: CredentialView, lang: str) -> str:
    return message(lang, "finding.validity_span", start=long_date(view.valid_from, lang),
                   end=long_date(view.valid_through, lang))


def _status_item(check: StatusCheck, view: CredentialView, lang: str) -> str:
    source = message(lang, f"source.{check.source.value}")
    if check.source is Source.VALIDITY:
        finding = (message(lang, "finding.validity_unreadable") if check.finding == ValidityFinding.UNREADABLE
                   else message(lang, f"finding.validity_{check.finding}", span=_span(view, lang)))
    elif check.source is Source.STATUS_LISTS:
        finding = (message(lang, "finding.status_lists", purposes=check.finding) if check.finding
                   else message(lang, "finding.no_status_lists"))
    elif check.source is Source.READ_MODEL and not check.finding:
        finding = message(lang, "finding.read_model_missing")
    else:
        finding = state_label(check.finding, lang)
    return f"<li><strong>{text(source)}:</strong> {text(finding)}</li>"


def _verification_items(verification: VerificationResult, view: CredentialView, lang: str) -> str:
    return "\n".join(_verification_item(check, view, lang) for check in verification.checks)


def _verification_item(check: CheckResult, view: CredentialView, lang: str) -> str:
    label = message(lang, f"check.{check.check.value}")
    outcome = message(lang, f"check.{check.status.value}")
    code = f" ({check.code.value})" if check.code else ""
    # the validity check's own detail quotes the signed UTC instants: the page words the period in local dates;
    # a passed check's detail (the signing key, the issuer's DID) is technical and shown under "Technical details"
    if check.check is CheckName.VALIDITY:
        detail: str | None = _span(view, lang)
    else:
        detail = check.detail if check.status is not CheckStatus.PASSED else None
    detail_text = f": {detail}" if detail else ""
    return f"<li><strong>{text(label)}:</strong> {text(outcome)}{text(code)}{text(detail_text)}</li>"
