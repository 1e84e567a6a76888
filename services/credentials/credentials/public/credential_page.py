"""The public verification page of one credential: plain HTML, readable on a phone, no scripts.

It shows what the credential says, its live status and how that was established, the result of
verifying the stored signed document, a QR code of the page's own address, the PDF certificate and a
LinkedIn "Add to profile" link. Every value is escaped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from credentials.public.layout import html_page, text
from credentials.public.linkedin import add_to_profile_url
from credentials.public.qr import qr_svg
from credentials.public.status import PublicState, PublicStatus
from credentials.public.view import CredentialView
from credentials.vc.timestamps import format_timestamp
from credentials.vc.verification_result import CheckName, CheckStatus, VerificationResult

CHECK_LABELS = {
    CheckName.SCHEMA: "Well-formed Open Badges 3.0 credential",
    CheckName.PROOF: "Signature (Data Integrity, eddsa-rdfc-2022)",
    CheckName.ISSUER: "Signed with a key the association publishes",
    CheckName.VALIDITY: "Within its validity period",
}
_TRUST_CHECKS = (CheckName.SCHEMA, CheckName.PROOF, CheckName.ISSUER)


@dataclass(frozen=True)
class Banner:
    tone: str
    """CSS class: good, warn or bad."""
    headline: str
    explanation: str


def banner_for(status: PublicStatus, verification: VerificationResult) -> Banner:
    """The one-line verdict: a failed signature or issuer check outranks any recorded status."""
    failed = [check for check in verification.checks
              if check.check in _TRUST_CHECKS and check.status is not CheckStatus.PASSED]
    if failed:
        return Banner("bad", "Not verified", "The stored credential did not pass verification (see below). "
                      "Do not rely on it; contact the association.")
    state = status.state
    explanations = {
        PublicState.ACTIVE: "The endorsement is in force and its credential verifies.",
        PublicState.NOT_YET_VALID: "The endorsement is not in force yet.",
        PublicState.EXPIRED: "The endorsement's validity period has ended; it was not renewed in time.",
        PublicState.SUSPENDED: "The association has suspended this endorsement; it may be reinstated.",
        PublicState.REVOKED: "The association has revoked this endorsement. This is permanent.",
        PublicState.UNKNOWN: "The status could not be established; it is not shown as active.",
    }
    tone = {PublicState.ACTIVE: "good", PublicState.REVOKED: "bad", PublicState.EXPIRED: "bad"}.get(state, "warn")
    return Banner(tone, state.value.capitalize(), explanations[state])


def render_credential_page(
    view: CredentialView, status: PublicStatus, verification: VerificationResult, checked_at: datetime
) -> str:
    verdict = banner_for(status, verification)
    body = f"""<header>
<p>{text(view.association)}</p>
<h1>Endorsement credential</h1>
</header>
<main>
<p class="banner {verdict.tone}" role="status">Status: <strong>{text(verdict.headline)}</strong><br>
{text(verdict.explanation)}</p>
<section aria-labelledby="details">
<h2 id="details">What was awarded</h2>
{_details(view)}
</section>
<section aria-labelledby="verification">
<h2 id="verification">Verification of the stored credential</h2>
<p>Checked {text(format_timestamp(checked_at))}, without any network look-up.</p>
<ul class="checks">
{_verification_items(verification)}
</ul>
</section>
<section aria-labelledby="status-checked">
<h2 id="status-checked">How the status was established</h2>
<ul class="checks">
{"".join(f"<li><strong>{text(c.source)}:</strong> {text(c.finding)}</li>" for c in status.checks)}
</ul>
</section>
<section aria-labelledby="share">
<h2 id="share">Share and download</h2>
<figure>
<div role="img" aria-label="QR code of this page's address">{qr_svg(view.page_url)}</div>
<figcaption>Scan to open this page: <code>{text(view.page_url)}</code></figcaption>
</figure>
<ul class="actions">
<li><a href="{text(view.certificate_url)}">PDF certificate</a></li>
<li><a class="linkedin" href="{text(add_to_profile_url(view))}" rel="noopener noreferrer">
Add to LinkedIn profile</a></li>
</ul>
</section>
</main>
<footer>
<p>This page shows what {text(view.association)} recorded for this credential. The credential itself is a
signed Open Badges 3.0 document: request this address with <code>Accept: application/json</code> to get it,
and POST it as <code>{{"verifiableCredential": …}}</code> to <code>/credentials/verify</code> to check it yourself.</p>
</footer>"""
    return html_page(f"Endorsement credential of {view.holder_name}", body)


def _details(view: CredentialView) -> str:
    rows = [
        ("Holder", view.holder_name),
        ("Endorsement", view.endorsement_name),
        ("Category", f"{view.category_name} ({view.category})"),
        ("Designation", view.designation),
        ("Association", view.association),
        ("Awarded", view.award_date.isoformat() if view.award_date else None),
        ("Valid from", view.valid_from.isoformat()),
        ("Valid through", view.valid_through.isoformat()),
        ("Credential id", str(view.credential_id)),
        ("Issuer", view.issuer_did),
    ]
    items = "\n".join(f"<dt>{text(label)}</dt><dd>{text(value)}</dd>" for label, value in rows if value)
    return f"<dl>\n{items}\n</dl>"


def _verification_items(verification: VerificationResult) -> str:
    items = []
    for check in verification.checks:
        detail = f": {check.detail}" if check.detail else ""
        code = f" ({check.code.value})" if check.code else ""
        items.append(f"<li><strong>{text(CHECK_LABELS.get(check.check, check.check.value))}:</strong> "
                     f"{text(check.status.value)}{text(code)}{text(detail)}</li>")
    return "\n".join(items)
