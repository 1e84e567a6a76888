"""English: every kind of email (the fallback of every other language)."""

from __future__ import annotations

from . import kinds as k
from .template import EmailTemplate, Locale

ENGLISH = Locale(
    code="en",
    html_footer=(
        "{tenant_name}. This message was sent automatically; write to "
        '<a href="mailto:{contact_email}">{contact_email}</a> with any question.'
    ),
    text_footer="""
--
{tenant_name}
This message was sent automatically; write to {contact_email} with any question.
""",
    phrases={
        "none": "(none)",
        "no_message": "(no message)",
        "resubmitted.information_request": (
            "It answers the request for more information; the review continues where it paused."
        ),
        "resubmitted.deferral": "It follows the deferral; it will be reviewed again.",
        "resubmitted.unspecified": "It replaces your earlier submission.",
        "void.not_enough_information": "the rater could not answer enough of the form",
        "void.expired": "it is older than a reference may be",
        "void.withdrawn": "it was withdrawn",
        "void.vetting_refused": "the coordinator could not accept the rater for this reference",
        "declined.waived": "not shared with you, as you waived your right to see this reference",
        "rater.erased": "Your rater",  # a rater erased before the event was relayed (v2 tokens open to None)
        "information.completeness": "The endorsement coordinator checked your application and found it incomplete.",
        "information.review": (
            "The review of your application needs more information from you; it is paused until you resubmit."
        ),
        "exam.retake_ask": "the date the endorsement coordinator gives you",
        "exam.parts.1-2": (
            "Both parts: part 1, multiple-choice questions, and part 2, written responses to vignettes "
            "(or essays, depending on the category)."
        ),
        "exam.parts.1": "Part 1 only, the multiple-choice questions: the part you passed before stays passed.",
        "exam.parts.2": (
            "Part 2 only, the written responses to vignettes (or essays): the part you passed before stays passed."
        ),
        "exam.registered_by.applicant": "You registered yourself.",
        "exam.registered_by.coordinator": "The endorsement coordinator registered you at your written request.",
        "exam.accommodations.requested": (
            "You asked for accommodations: the endorsement coordinator will write to you with the decision."
        ),
        "exam.accommodations.none": (
            "If you need accommodations, ask the endorsement coordinator in writing well before the sitting."
        ),
    },
)

TEMPLATES: dict[str, EmailTemplate] = {
    k.APPLICATION_SUBMITTED: EmailTemplate(
        subject="We received your {category_name} endorsement application",
        text="""Dear {applicant_name},

{tenant_name} received your application for {category_name} endorsement on {submitted_on}.

What happens next: the endorsement coordinator checks that your application is complete, then it goes \
to review. We will email you whenever you need to act.

Follow your application at {application_url}
""",
        html="""<p>Dear {applicant_name},</p>
<p>{tenant_name} received your application for <strong>{category_name}</strong> endorsement on {submitted_on}.</p>
<p>What happens next: the endorsement coordinator checks that your application is complete, then it goes to
review. We will email you whenever you need to act.</p>
<p><a href="{application_url}">Follow your application</a></p>""",
    ),
    k.APPLICATION_RESUBMITTED: EmailTemplate(
        subject="We received your {category_name} endorsement application",
        text="""Dear {applicant_name},

{tenant_name} received your resubmitted application for {category_name} endorsement on {submitted_on}.
{in_response_to}

We will email you whenever you need to act. Follow your application at {application_url}
""",
        html="""<p>Dear {applicant_name},</p>
<p>{tenant_name} received your resubmitted application for <strong>{category_name}</strong> endorsement on
{submitted_on}. {in_response_to}</p>
<p>We will email you whenever you need to act.</p>
<p><a href="{application_url}">Follow your application</a></p>""",
    ),
    k.APPLICATION_WITHDRAWN: EmailTemplate(
        subject="Your {category_name} application is withdrawn",
        text="""Dear {applicant_name},

Your application for {category_name} endorsement is withdrawn, as you asked.
The reason you gave: {reason}

If you did not withdraw it, write to {contact_email} at once.
""",
        html="""<p>Dear {applicant_name},</p>
<p>Your application for <strong>{category_name}</strong> endorsement is withdrawn, as you asked.</p>
<p>The reason you gave: {reason}</p>
<p>If you did not withdraw it, write to {contact_email} at once.</p>""",
    ),
    k.REGISTRATION_ACCEPTED: EmailTemplate(
        subject="Your {category_name} registration is accepted",
        text="""Dear {applicant_name},

{tenant_name} accepted your registration for {category_name} endorsement. You can now complete your \
application (education, work, training, reflective supervision, references) and submit it.

Continue your application at {application_url}
""",
        html="""<p>Dear {applicant_name},</p>
<p>{tenant_name} accepted your registration for <strong>{category_name}</strong> endorsement. You can now
complete your application (education, work, training, reflective supervision, references) and submit it.</p>
<p><a href="{application_url}">Continue your application</a></p>""",
    ),
    k.REFERENCE_VOIDED: EmailTemplate(
        subject="A reference for your {category_name} application no longer counts",
        text="""Dear {applicant_name},

Reference {slot} of your {category_name} application no longer counts: {reason}.

Please name another rater for it (or ask the same rater again, where that is allowed) on your application's \
references page:
{references_url}

Write to {contact_email} for details.
""",
        html="""<p>Dear {applicant_name},</p>
<p>Reference {slot} of your <strong>{category_name}</strong> application no longer counts: {reason}.</p>
<p>Please name another rater for it (or ask the same rater again, where that is allowed) on your application's
<a href="{references_url}">references page</a>. Write to {contact_email} for details.</p>""",
    ),
    k.REFERENCE_DECLINED: EmailTemplate(
        subject="A rater declined to give a reference for your {category_name} application",
        text="""Dear {applicant_name},

{rater_name} declined to give reference {slot} for your {category_name} application, so it will not count.
The rater's message: {reason}

What to do next: name another rater for reference {slot} on your application's references page:
{references_url}
""",
        html="""<p>Dear {applicant_name},</p>
<p>{rater_name} declined to give reference {slot} for your <strong>{category_name}</strong> application, so it
will not count.</p>
<p>The rater's message: {reason}</p>
<p>What to do next: name another rater for reference {slot} on your application's
<a href="{references_url}">references page</a>.</p>""",
    ),
    k.REFERENCE_COMPLETED: EmailTemplate(
        subject="A reference for your {category_name} application is complete",
        text="""Dear {applicant_name},

{rater_name} completed reference {slot} for your {category_name} application. It counts for applications \
submitted until {valid_until}.

See your references at {references_url}
""",
        html="""<p>Dear {applicant_name},</p>
<p>{rater_name} completed reference {slot} for your <strong>{category_name}</strong> application. It counts
for applications submitted until {valid_until}.</p>
<p><a href="{references_url}">See your references</a></p>""",
    ),
    k.RENEWAL_SUBMITTED: EmailTemplate(
        subject="We received your {renewal_year} renewal: {category_name}",
        text="""Dear {applicant_name},

{tenant_name} received your {renewal_year} renewal of your {category_name} endorsement on {submitted_on}. \
We will email you when it is approved or if you need to act.

Follow your renewal at {application_url}
""",
        html="""<p>Dear {applicant_name},</p>
<p>{tenant_name} received your {renewal_year} renewal of your <strong>{category_name}</strong> endorsement on
{submitted_on}. We will email you when it is approved or if you need to act.</p>
<p><a href="{application_url}">Follow your renewal</a></p>""",
    ),
    k.REINSTATEMENT_SUBMITTED: EmailTemplate(
        subject="We received your reinstatement application: {category_name}",
        text="""Dear {applicant_name},

{tenant_name} received your application to reinstate your {category_name} endorsement on {submitted_on}. \
It goes to review; we will email you whenever you need to act.

Follow your application at {application_url}
""",
        html="""<p>Dear {applicant_name},</p>
<p>{tenant_name} received your application to reinstate your <strong>{category_name}</strong> endorsement on
{submitted_on}. It goes to review; we will email you whenever you need to act.</p>
<p><a href="{application_url}">Follow your application</a></p>""",
    ),
    k.INFORMATION_REQUESTED: EmailTemplate(
        subject="More information needed for your {category_name} application",
        text="""Dear {applicant_name},

{stage}

Please add or change:
{items}

Message: {message}

Update and resubmit your application at {application_url}
""",
        html="""<p>Dear {applicant_name},</p>
<p>{stage}</p>
<p>Please add or change:</p>
{items}
<p>Message: {message}</p>
<p><a href="{application_url}">Update and resubmit your application</a></p>""",
    ),
    k.APPLICATION_DEFERRED: EmailTemplate(
        subject="Your {category_name} application is deferred",
        text="""Dear {applicant_name},

The review deferred your application for {category_name} endorsement.

Why:
{reasons}

Recommended training and reflective supervision:
{recommendations}

You may amend your application and ask for it to be reviewed again from {earliest_rereview_on}.

Your application: {application_url}
""",
        html="""<p>Dear {applicant_name},</p>
<p>The review deferred your application for <strong>{category_name}</strong> endorsement.</p>
<p>Why:</p>
{reasons}
<p>Recommended training and reflective supervision:</p>
{recommendations}
<p>You may amend your application and ask for it to be reviewed again from {earliest_rereview_on}.</p>
<p><a href="{application_url}">Your application</a></p>""",
    ),
    k.APPROVED_FOR_EXAM: EmailTemplate(
        subject="Approved for the exam: {category_name}",
        text="""Dear {applicant_name},

The review approved you to take the {category_name} endorsement exam. The endorsement coordinator will \
write to you about exam dates and how to register.

Follow your application at {application_url}
""",
        html="""<p>Dear {applicant_name},</p>
<p>The review approved you to take the <strong>{category_name}</strong> endorsement exam. The endorsement
coordinator will write to you about exam dates and how to register.</p>
<p><a href="{application_url}">Follow your application</a></p>""",
    ),
    k.EXAM_REGISTERED: EmailTemplate(
        subject="You are registered for the {category_name} exam on {sitting}",
        text="""Dear {applicant_name},

You are registered for the {category_name} endorsement exam on {sitting}. {registered_by}

What you take: {parts}

What to expect:
- Before the sitting, the endorsement coordinator sends you the practical details: the time, and how to \
take the exam (online or in person).
- Your answers are scored anonymously: the scorers know you only by a candidate number, never by name.
- We email you the result once every part is scored.

What to have ready on the day:
- the details the endorsement coordinator sends you;
- if you take it online, a computer with a reliable internet connection in a quiet room where you will \
not be interrupted;
- time for the whole exam without interruptions.

{accommodations}

If you cannot attend, withdraw your registration before the sitting: a withdrawn registration does not \
count as an attempt.

Follow your application at {application_url}
""",
        html="""<p>Dear {applicant_name},</p>
<p>You are registered for the <strong>{category_name}</strong> endorsement exam on <strong>{sitting}</strong>.
{registered_by}</p>
<p>What you take: {parts}</p>
<p>What to expect:</p>
<ul><li>Before the sitting, the endorsement coordinator sends you the practical details: the time, and how to
take the exam (online or in person).</li>
<li>Your answers are scored anonymously: the scorers know you only by a candidate number, never by name.</li>
<li>We email you the result once every part is scored.</li></ul>
<p>What to have ready on the day:</p>
<ul><li>the details the endorsement coordinator sends you;</li>
<li>if you take it online, a computer with a reliable internet connection in a quiet room where you will not
be interrupted;</li>
<li>time for the whole exam without interruptions.</li></ul>
<p>{accommodations}</p>
<p>If you cannot attend, withdraw your registration before the sitting: a withdrawn registration does not count
as an attempt.</p>
<p><a href="{application_url}">Follow your application</a></p>""",
    ),
    k.EXAM_PASSED: EmailTemplate(
        subject="You passed the {category_name} exam",
        text="""Dear {applicant_name},

You passed the {category_name} endorsement exam you took on {taken_on}. We will email you when your \
endorsement is decided.
""",
        html="""<p>Dear {applicant_name},</p>
<p>You passed the <strong>{category_name}</strong> endorsement exam you took on {taken_on}. We will email you
when your endorsement is decided.</p>""",
    ),
    k.EXAM_NOT_PASSED: EmailTemplate(
        subject="Your {category_name} exam result",
        text="""Dear {applicant_name},

You have not yet passed every part of the {category_name} endorsement exam you took on {taken_on}. \
You may take it again from {retake_eligible_on}; write to {contact_email} to ask for a retake.
""",
        html="""<p>Dear {applicant_name},</p>
<p>You have not yet passed every part of the <strong>{category_name}</strong> endorsement exam you took on
{taken_on}. You may take it again from {retake_eligible_on}; write to {contact_email} to ask for a retake.</p>""",
    ),
    k.ENDORSEMENT_DENIED: EmailTemplate(
        subject="Decision on your {category_name} application",
        text="""Dear {applicant_name},

After review, {tenant_name} did not grant your {category_name} endorsement.

Why:
{reasons}
""",
        html="""<p>Dear {applicant_name},</p>
<p>After review, {tenant_name} did not grant your <strong>{category_name}</strong> endorsement.</p>
<p>Why:</p>
{reasons}""",
    ),
    k.ENDORSEMENT_GRANTED: EmailTemplate(
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
    k.RENEWAL_APPROVED: EmailTemplate(
        subject="Your {category_name} endorsement is renewed",
        text="""Dear {holder_name},

{tenant_name} approved the renewal of your {category_name} endorsement on {renewed_on}. \
Your next renewal is due by {renewal_date}.

See your endorsement at {endorsement_url}
""",
        html="""<p>Dear {holder_name},</p>
<p>{tenant_name} approved the renewal of your <strong>{category_name}</strong> endorsement on {renewed_on}.
Your next renewal is due by {renewal_date}.</p>
<p><a href="{endorsement_url}">See your endorsement</a></p>""",
    ),
    k.ENDORSEMENT_LAPSED: EmailTemplate(
        subject="Your {category_name} endorsement has lapsed",
        text="""Dear {holder_name},

Your {category_name} endorsement lapsed on {lapsed_on} and is no longer in force: {reason}

You can apply for reinstatement (new references; a passed exam need not be retaken). \
Write to {contact_email} with any question.

Start a reinstatement from your endorsement's page: {endorsement_url}
""",
        html="""<p>Dear {holder_name},</p>
<p>Your <strong>{category_name}</strong> endorsement lapsed on {lapsed_on} and is no longer in force: {reason}</p>
<p>You can apply for reinstatement (new references; a passed exam need not be retaken).</p>
<p><a href="{endorsement_url}">Start a reinstatement from your endorsement's page</a></p>""",
    ),
    k.ENDORSEMENT_REINSTATED: EmailTemplate(
        subject="Your {category_name} endorsement is reinstated",
        text="""Dear {holder_name},

{tenant_name} reinstated your {category_name} endorsement on {reinstated_on}. \
Your next renewal is due by {renewal_date}.

See your endorsement at {endorsement_url}
""",
        html="""<p>Dear {holder_name},</p>
<p>{tenant_name} reinstated your <strong>{category_name}</strong> endorsement on {reinstated_on}.
Your next renewal is due by {renewal_date}.</p>
<p><a href="{endorsement_url}">See your endorsement</a></p>""",
    ),
    k.ENDORSEMENT_REVOKED: EmailTemplate(
        subject="Your {category_name} endorsement is revoked",
        text="""Dear {holder_name},

{tenant_name} revoked your {category_name} endorsement on {revoked_on}.
The reason: {reason}

Write to {contact_email} with any question.
""",
        html="""<p>Dear {holder_name},</p>
<p>{tenant_name} revoked your <strong>{category_name}</strong> endorsement on {revoked_on}.</p>
<p>The reason: {reason}</p>""",
    ),
    k.REFERENCE_REQUESTED: EmailTemplate(
        subject="Please complete a reference for {applicant_name}",
        text="""Dear {rater_name},

{applicant_name} is applying to {tenant_name} for {category_name} endorsement and named you as a \
reference. Please complete the reference form at this link:

{form_url}

The link is yours alone and works once; it expires on {expires_on}. Please do not forward this email.
If you cannot give this reference, open the link and choose "Decline to give a reference".
""",
        html="""<p>Dear {rater_name},</p>
<p>{applicant_name} is applying to {tenant_name} for <strong>{category_name}</strong> endorsement and named
you as a reference. Please complete the reference form at this link:</p>
<p><a href="{form_url}">{form_url}</a></p>
<p>The link is yours alone and works once; it expires on {expires_on}. Please do not forward this email.
If you cannot give this reference, open the link and choose "Decline to give a reference".</p>""",
    ),
    k.REFERENCE_REMINDER: EmailTemplate(
        subject="Reminder: please complete a reference for {applicant_name}",
        text="""Dear {rater_name},

A reminder: {applicant_name} is still waiting for your reference for {category_name} endorsement \
with {tenant_name}. This new link replaces any link we sent you before:

{form_url}

The link is yours alone and works once; it expires on {expires_on}. Please do not forward this email.
If you cannot give this reference, open the link and choose "Decline to give a reference".
""",
        html="""<p>Dear {rater_name},</p>
<p>A reminder: {applicant_name} is still waiting for your reference for <strong>{category_name}</strong>
endorsement with {tenant_name}. This new link replaces any link we sent you before:</p>
<p><a href="{form_url}">{form_url}</a></p>
<p>The link is yours alone and works once; it expires on {expires_on}. Please do not forward this email.
If you cannot give this reference, open the link and choose "Decline to give a reference".</p>""",
    ),
    k.REGISTRATION_AWAITING_ACCEPTANCE: EmailTemplate(
        subject="Registration awaiting acceptance: {applicant_name} ({category_name})",
        text="""Dear {coordinator_name},

{applicant_name} registered for {category_name} endorsement on {registered_on}. The registration is \
awaiting your acceptance before they can complete the application.

Open the application at {application_url}
""",
        html="""<p>Dear {coordinator_name},</p>
<p>{applicant_name} registered for <strong>{category_name}</strong> endorsement on {registered_on}. The
registration is awaiting your acceptance before they can complete the application.</p>
<p><a href="{application_url}">Open the application</a></p>""",
    ),
    k.REVIEW_ASSIGNED: EmailTemplate(
        subject="A review case awaits you: {category_name}",
        text="""Dear {reviewer_name},

A {category_name} endorsement application awaits your review (reviewer {slot}). Please accept or decline \
the assignment, then review the application.

Open the case at {case_url}
""",
        html="""<p>Dear {reviewer_name},</p>
<p>A <strong>{category_name}</strong> endorsement application awaits your review (reviewer {slot}). Please
accept or decline the assignment, then review the application.</p>
<p><a href="{case_url}">Open the case</a></p>""",
    ),
    k.EMAIL_VERIFICATION: EmailTemplate(
        subject="Confirm your email address",
        text="""Dear {person_name},

Please confirm the email address of your {tenant_name} account by opening this link:

{link}

The link works once and expires on {expires_at}. If it has expired, sign in and ask for a new one.
If you did not create an account, ignore this email.
""",
        html="""<p>Dear {person_name},</p>
<p>Please confirm the email address of your {tenant_name} account by opening this link:</p>
<p><a href="{link}">{link}</a></p>
<p>The link works once and expires on {expires_at}. If it has expired, sign in and ask for a new one.</p>
<p>If you did not create an account, ignore this email.</p>""",
    ),
    k.PASSWORD_RESET: EmailTemplate(
        subject="Reset your password",
        text="""Dear {person_name},

Someone asked to reset the password of your {tenant_name} account. To choose a new password, open this link:

{link}

The link works once and expires on {expires_at}. Please do not forward this email.
If it was not you, ignore this email: your password stays as it is.
""",
        html="""<p>Dear {person_name},</p>
<p>Someone asked to reset the password of your {tenant_name} account. To choose a new password, open this
link:</p>
<p><a href="{link}">{link}</a></p>
<p>The link works once and expires on {expires_at}. Please do not forward this email.</p>
<p>If it was not you, ignore this email: your password stays as it is.</p>""",
    ),
    k.PASSWORD_CHANGED: EmailTemplate(
        subject="Your password was changed",
        text="""Dear {person_name},

The password of your {tenant_name} account was changed on {changed_at}.

If it was you, there is nothing to do.
If it was not you, reset your password at once (on the sign-in page at {portal_url}, ask for a password \
reset link), then write to {contact_email} so we can check your account.
""",
        html="""<p>Dear {person_name},</p>
<p>The password of your {tenant_name} account was changed on {changed_at}.</p>
<p>If it was you, there is nothing to do.</p>
<p>If it was not you, reset your password at once (on the <a href="{portal_url}">sign-in page</a>, ask for a
password reset link), then write to {contact_email} so we can check your account.</p>""",
    ),
    k.PASSWORD_WAS_RESET: EmailTemplate(
        subject="Your password was reset",
        text="""Dear {person_name},

The password of your {tenant_name} account was reset with an emailed link on {changed_at}.

If it was you, there is nothing to do.
If it was not you, someone can read your email: secure your email account, reset your password again \
(on the sign-in page at {portal_url}, ask for a password reset link), then write to {contact_email} so \
we can check your account.
""",
        html="""<p>Dear {person_name},</p>
<p>The password of your {tenant_name} account was reset with an emailed link on {changed_at}.</p>
<p>If it was you, there is nothing to do.</p>
<p>If it was not you, someone can read your email: secure your email account, reset your password again (on
the <a href="{portal_url}">sign-in page</a>, ask for a password reset link), then write to {contact_email} so
we can check your account.</p>""",
    ),
}
