"""Accounts: sign up, sign in and out, email confirmation, password reset and change, settings."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ..gateway_client import ApiError, ApiUnavailable, browser_address
from ..sessions import PortalSession
from ..web.context import end_session, rotate_session, use_language
from ..web.deps import ApiDep, CsrfChecked, SessionDep, SignedIn, TenantDep
from ..web.forms import FormErrors, from_api_error, values
from ..web.i18n import LANGUAGES, N_
from ..web.i18n import gettext as _
from ..web.profile import current_profile
from ..web.templating import redirect, render
from .home import safe_next

router = APIRouter()
MIN_PASSWORD_LENGTH = 12


def _password_rule() -> str:
    return _("Use at least %(count)s characters. A few unrelated words make a strong password.") % {
        "count": MIN_PASSWORD_LENGTH}


def _link_messages() -> dict[str, tuple[str, str]]:
    return {
        "LINK_EXPIRED": ("", _("This link has expired.")),
        "LINK_USED": ("", _("This link has already been used.")),
        "LINK_INVALID": ("", _("This link is not valid. Check you copied the whole address from the email.")),
    }


def _retry_minutes(exc: ApiError) -> int:
    return max(1, -(-(exc.retry_after or 60) // 60))


def _start_signed_in(request: Request, token: str, account: dict[str, Any], expires_at: str | None) -> None:
    """A new session id at sign-in (no fixation), ending no later than the gateway's token."""
    fresh = rotate_session(request)
    fresh.sign_in(token, account)
    fresh.language = account.get("language") if account.get("language") in LANGUAGES else fresh.language
    if expires_at:
        try:
            ends = datetime.fromisoformat(expires_at.replace("Z", "+00:00"))
            if ends.tzinfo is None:
                ends = ends.replace(tzinfo=UTC)
            fresh.expires_at = min(fresh.expires_at, ends)
        except ValueError:
            pass
    if fresh.language:
        use_language(request, fresh.language)


# --- sign up -----------------------------------------------------------------------------------------------

@router.get("/account/sign-up")
async def sign_up_form(request: Request, session: SessionDep) -> Response:
    if session.signed_in:
        return redirect(request, "/dashboard")
    return render(request, "account/sign_up.html", values={"language": request.state.lang},
                  password_rule=_password_rule())


@router.post("/account/sign-up")
async def sign_up(request: Request, _csrf: CsrfChecked, api: ApiDep, tenant: TenantDep) -> Response:
    form = await request.form()
    typed = values(form, "name", "email", "language")
    password = str(form.get("password") or "")
    errors = FormErrors()
    if not typed["name"].strip():
        errors.add("name", _("Enter your full name"))
    if "@" not in typed["email"]:
        errors.add("email", _("Enter an email address, like name@example.com"))
    if len(password) < MIN_PASSWORD_LENGTH:
        errors.add("password", _("The password must have at least %(count)s characters") % {
            "count": MIN_PASSWORD_LENGTH})
    if typed["language"] not in LANGUAGES:
        typed["language"] = str(request.state.lang)
    if not errors:
        try:
            await api.post("/auth/signup", json={"tenant": tenant.get("slug"), "email": typed["email"].strip(),
                                                 "name": typed["name"].strip(), "password": password,
                                                 "language": typed["language"]},
                           headers=browser_address(request.headers))
            login = await api.post("/auth/login", json={"tenant": tenant.get("slug"),
                                                        "email": typed["email"].strip(), "password": password},
                                   headers=browser_address(request.headers))
        except ApiError as exc:
            errors = from_api_error(exc, {"name": "name", "email": "email", "password": "password",
                                          "language": "language"}, {
                "EMAIL_TAKEN": ("email", _("An account with this email address already exists. Sign in, or "
                                           "reset your password if you forgot it.")),
                "WEAK_PASSWORD": ("password", _("Choose a stronger password: at least %(count)s characters, and "
                                                "not your email address.") % {"count": MIN_PASSWORD_LENGTH}),
            })
        else:
            _start_signed_in(request, login["access_token"], login["account"], login.get("expires_at"))
            request.state.session.flash(N_("Your account is ready. We sent you an email: open its link to "
                                          "confirm your address."))
            return redirect(request, "/dashboard")
    return render(request, "account/sign_up.html", status_code=422, errors=errors.fields, general=errors.general,
                  values=typed, password_rule=_password_rule())


# --- sign in / out -----------------------------------------------------------------------------------------

@router.get("/account/sign-in")
async def sign_in_form(request: Request, session: SessionDep) -> Response:
    next_path = safe_next(request.query_params.get("next"), "/dashboard")
    if session.signed_in:
        return redirect(request, next_path)
    return render(request, "account/sign_in.html", values={"email": ""}, next=next_path)


@router.post("/account/sign-in")
async def sign_in(request: Request, _csrf: CsrfChecked, api: ApiDep, tenant: TenantDep) -> Response:
    form = await request.form()
    typed = values(form, "email")
    next_path = safe_next(form.get("next"), "/dashboard")
    errors = FormErrors()
    if not typed["email"].strip():
        errors.add("email", _("Enter your email address"))
    if not form.get("password"):
        errors.add("password", _("Enter your password"))
    if not errors:
        try:
            login = await api.post("/auth/login", json={"tenant": tenant.get("slug"), "email": typed["email"].strip(),
                                                        "password": str(form.get("password"))},
                                   headers=browser_address(request.headers))
        except ApiError as exc:
            if exc.status == 429:
                errors.general.append(_("Too many attempts. Wait %(minutes)s minutes, then try again.") % {
                    "minutes": _retry_minutes(exc)})
            elif exc.status in (401, 403, 422):
                errors.add("email", _("The email address or the password is not right"))
            else:
                raise
        else:
            _start_signed_in(request, login["access_token"], login["account"], login.get("expires_at"))
            return redirect(request, next_path)
    return render(request, "account/sign_in.html", status_code=422, errors=errors.fields, general=errors.general,
                  values=typed, next=next_path)


@router.post("/account/sign-out")
async def sign_out(request: Request, _csrf: CsrfChecked, session: SessionDep, api: ApiDep) -> Response:
    if session.signed_in:
        with contextlib.suppress(ApiError, ApiUnavailable):  # the local session ends whatever the gateway says
            await api.post("/auth/logout")
    end_session(request).flash(N_("You are signed out."))
    return redirect(request, "/")


# --- email confirmation ------------------------------------------------------------------------------------

@router.get("/account/verify/{token}")
async def verify_email_page(request: Request, token: str) -> Response:
    # never confirm on GET: mail scanners open links
    return render(request, "account/verify_email.html", token=token)


@router.post("/account/verify/resend")
async def resend_verification(request: Request, _csrf: CsrfChecked, session: SignedIn, api: ApiDep) -> Response:
    try:
        await api.post("/auth/email-verification/resend", headers=browser_address(request.headers))
    except ApiError as exc:
        if exc.code != "EMAIL_ALREADY_VERIFIED":
            raise
        session.set_account(await api.get("/auth/me"))
        session.flash(N_("Your email address is already confirmed."))
    else:
        session.flash(N_("We sent a new link to your email address. It may take a few minutes to arrive."))
    form = await request.form()
    return redirect(request, safe_next(form.get("next"), "/dashboard"))


@router.post("/account/verify/{token}")
async def verify_email(request: Request, token: str, _csrf: CsrfChecked, session: SessionDep,
                       api: ApiDep) -> Response:
    try:
        account = await api.post("/auth/email-verification", json={"token": token})
    except ApiError as exc:
        if exc.code not in ("LINK_EXPIRED", "LINK_USED", "LINK_INVALID") and exc.status not in (404, 410):
            raise
        return render(request, "account/verify_email_problem.html", status_code=exc.status, code=exc.code)
    if session.signed_in and isinstance(account, dict) and account.get("id") == (session.account or {}).get("id"):
        session.set_account(account)
    session.flash(N_("Thank you: your email address is confirmed."))
    return redirect(request, "/dashboard" if session.signed_in else "/account/sign-in")


# --- password reset ----------------------------------------------------------------------------------------

@router.get("/account/password/forgot")
async def forgot_form(request: Request) -> Response:
    return render(request, "account/forgot_password.html", values={"email": ""})


@router.post("/account/password/forgot")
async def forgot(request: Request, _csrf: CsrfChecked, api: ApiDep, tenant: TenantDep) -> Response:
    form = await request.form()
    typed = values(form, "email")
    if "@" not in typed["email"]:
        return render(request, "account/forgot_password.html", status_code=422, values=typed,
                      errors={"email": _("Enter an email address, like name@example.com")})
    try:
        await api.post("/auth/password-reset/request", json={"tenant": tenant.get("slug"),
                                                             "email": typed["email"].strip()},
                       headers=browser_address(request.headers))
    except ApiError as exc:
        if exc.status == 429:
            return render(request, "account/forgot_password.html", status_code=429, values=typed, general=[
                _("Too many attempts. Wait %(minutes)s minutes, then try again.") % {"minutes": _retry_minutes(exc)}])
        # any other refusal says nothing about whether the account exists
    return render(request, "account/forgot_password_sent.html", email=typed["email"].strip())


@router.get("/account/password/reset/{token}")
async def reset_form(request: Request, token: str) -> Response:
    return render(request, "account/reset_password.html", token=token, password_rule=_password_rule())


@router.post("/account/password/reset/{token}")
async def reset(request: Request, token: str, _csrf: CsrfChecked, api: ApiDep) -> Response:
    form = await request.form()
    password = str(form.get("new_password") or "")
    errors = FormErrors()
    if len(password) < MIN_PASSWORD_LENGTH:
        errors.add("new_password", _("The password must have at least %(count)s characters") % {
            "count": MIN_PASSWORD_LENGTH})
    elif password != str(form.get("confirm_password") or ""):
        errors.add("confirm_password", _("The two passwords are not the same"))
    if not errors:
        try:
            await api.post("/auth/password-reset", json={"token": token, "new_password": password})
        except ApiError as exc:
            if exc.code in ("LINK_EXPIRED", "LINK_USED", "LINK_INVALID") or exc.status in (404, 410):
                return render(request, "account/reset_password_problem.html", status_code=exc.status, code=exc.code)
            errors = from_api_error(exc, {"new_password": "new_password", "password": "new_password"}, {
                "WEAK_PASSWORD": ("new_password", _("Choose a stronger password: at least %(count)s characters, "
                                                    "and not your email address.") % {"count": MIN_PASSWORD_LENGTH})})
        else:
            request.state.session.flash(N_("Your password is changed. Sign in with your new password."))
            return redirect(request, "/account/sign-in")
    return render(request, "account/reset_password.html", status_code=422, token=token, errors=errors.fields,
                  general=errors.general, password_rule=_password_rule())


# --- settings ----------------------------------------------------------------------------------------------

async def _settings_page(request: Request, session: PortalSession, status_code: int = 200,
                         **context: Any) -> Response:
    """The settings show the name and email: read from the gateway for this request (the session row keeps none)."""
    account = await current_profile(request)
    if account is None:
        raise ApiUnavailable("the account could not be read")
    context.setdefault("values", {"name": account.get("name", ""), "language": account.get("language") or
                                  request.state.lang})
    return render(request, "account/settings.html", status_code=status_code, password_rule=_password_rule(),
                  **context)


@router.get("/account")
async def settings_page(request: Request, session: SignedIn) -> Response:
    return await _settings_page(request, session)


@router.post("/account")
async def save_settings(request: Request, _csrf: CsrfChecked, session: SignedIn, api: ApiDep) -> Response:
    form = await request.form()
    typed = values(form, "name", "language")
    errors = FormErrors()
    if not typed["name"].strip():
        errors.add("name", _("Enter your full name"))
    if typed["language"] not in LANGUAGES:
        errors.add("language", _("Choose a language"))
    if not errors:
        try:
            account = await api.patch("/auth/me", json={"name": typed["name"].strip(), "language": typed["language"]})
        except ApiError as exc:
            errors = from_api_error(exc, {"name": "name", "language": "language"})
        else:
            if isinstance(account, dict):
                session.set_account(account)
            session.set_language(typed["language"])
            use_language(request, typed["language"])
            session.flash(N_("Your settings are saved."))
            return redirect(request, "/account")
    return await _settings_page(request, session, status_code=422, values=typed, errors=errors.fields,
                          general=errors.general)


@router.post("/account/password")
async def change_password(request: Request, _csrf: CsrfChecked, session: SignedIn, api: ApiDep) -> Response:
    form = await request.form()
    current = str(form.get("current_password") or "")
    new = str(form.get("new_password") or "")
    errors = FormErrors()
    if not current:
        errors.add("current_password", _("Enter your current password"))
    if len(new) < MIN_PASSWORD_LENGTH:
        errors.add("new_password", _("The password must have at least %(count)s characters") % {
            "count": MIN_PASSWORD_LENGTH})
    if not errors:
        try:
            await api.post("/auth/password", json={"current_password": current, "new_password": new},
                           headers=browser_address(request.headers))
        except ApiError as exc:
            errors = from_api_error(exc, {"current_password": "current_password", "new_password": "new_password"}, {
                "WRONG_PASSWORD": ("current_password", _("Your current password is not right")),
                "WEAK_PASSWORD": ("new_password", _("Choose a stronger password: at least %(count)s characters, "
                                                    "and not your email address.") % {"count": MIN_PASSWORD_LENGTH}),
            })
        else:
            session.flash(N_("Your password is changed."))
            return redirect(request, "/account")
    return await _settings_page(request, session, status_code=422, errors=errors.fields, general=errors.general,
                          password_errors=True)
