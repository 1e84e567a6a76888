"""Every kind of email the platform sends. A new kind is a new entry here plus a handler that fills it."""

from __future__ import annotations

from collections.abc import Mapping

from ..domain import EmailContent
from .template import EmailTemplate

APPLICATION_SUBMITTED = "application-submitted"
ENDORSEMENT_GRANTED = "endorsement-granted"

TEMPLATES: dict[str, EmailTemplate] = {
    APPLICATION_SUBMITTED: EmailTemplate(
        subject="We received your {category_name} endorsement application",
        text="""Dear {applicant_name},

{tenant_name} received your {submission} for {category_name} endorsement on {submitted_on}.

What happens next: the endorsement coordinator checks that your application is complete, then it goes \
to review. We will email you whenever you need to act.

Follow your application at {application_url}
""",
        html="""<p>Dear {applicant_name},</p>
<p>{tenant_name} received your {submission} for <strong>{category_name}</strong> endorsement on {submitted_on}.</p>
<p>What happens next: the endorsement coordinator checks that your application is complete, then it goes to
review. We will email you whenever you need to act.</p>
<p><a href="{application_url}">Follow your application</a></p>""",
    ),
    ENDORSEMENT_GRANTED: EmailTemplate(
        subject="You are endorsed: {category_name}",
        text="""Dear {applicant_name},

Congratulations! {tenant_name} has endorsed you as {category_name}, effective {effective_date}.

Your endorsement is due for renewal by {renewal_date}; we will remind you before then.

See your endorsement at {endorsement_url}
""",
        html="""<p>Dear {applicant_name},</p>
<p>Congratulations! {tenant_name} has endorsed you as <strong>{category_name}</strong>, effective
{effective_date}.</p>
<p>Your endorsement is due for renewal by {renewal_date}; we will remind you before then.</p>
<p><a href="{endorsement_url}">See your endorsement</a></p>""",
    ),
}


def render(kind: str, values: Mapping[str, str]) -> EmailContent:
    """Render the email of `kind`; raises KeyError for an unknown kind or a missing value."""
    return TEMPLATES[kind].render(values)
