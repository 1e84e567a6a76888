"""LinkedIn's "Add to profile" link for a certification (https://addtoprofile.linkedin.com).

The documented parameters: `startTask=CERTIFICATION_NAME`, `name`, `organizationName` (or
`organizationId`, a LinkedIn company id, which associations do not have here), `issueYear`, `issueMonth`,
`expirationYear`, `expirationMonth`, `certUrl` and `certId`. The issue date is the original award date
(a renewal keeps it); the expiration date is the last day the credential is valid.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from credentials.public.view import CredentialView

ADD_TO_PROFILE_URL = "https://www.linkedin.com/profile/add"


def add_to_profile_url(view: CredentialView) -> str:
    issued = view.award_date or view.valid_from
    parameters = {
        "startTask": "CERTIFICATION_NAME",
        "name": view.endorsement_name,
        "organizationName": view.association,
        "issueYear": str(issued.year),
        "issueMonth": str(issued.month),
        "expirationYear": str(view.valid_through.year),
        "expirationMonth": str(view.valid_through.month),
        "certUrl": view.page_url,
        "certId": str(view.credential_id),
    }
    return f"{ADD_TO_PROFILE_URL}?{urlencode(parameters, quote_via=quote)}"
