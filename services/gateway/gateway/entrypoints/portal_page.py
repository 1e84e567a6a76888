"""The applicant portal's landing page: what the service is and how to call it. No external assets."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from html import escape
from string import Template

from ..tenants import Tenant, TenantDirectory

STYLE = """
body{font:1rem/1.5 system-ui,sans-serif;margin:0;color:#1b1b1b;background:#fafafa}
main{max-width:46rem;margin:0 auto;padding:1rem}
h1{font-size:1.6rem;line-height:1.2}
code,pre{font-family:ui-monospace,monospace;font-size:.9rem}
pre{background:#eee;padding:.75rem;overflow-x:auto;white-space:pre-wrap;word-break:break-all}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.35rem;border-bottom:1px solid #ccc;vertical-align:top}
form{display:grid;gap:.5rem;margin:1rem 0;padding:1rem;background:#fff;border:1px solid #ccc}
label{font-weight:600}
input,select,button{font:inherit;padding:.5rem;max-width:100%}
button{background:#0b5394;color:#fff;border:0;cursor:pointer}
button:focus,input:focus,select:focus{outline:3px solid #f90;outline-offset:2px}
""".strip()

SCRIPT = """
document.querySelectorAll("form[data-endpoint]").forEach(function (form) {
  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    var out = document.getElementById(form.dataset.output);
    var body = Object.fromEntries(new FormData(form).entries());
    out.textContent = "Sending...";
    try {
      var answer = await fetch(form.dataset.endpoint, {method: "POST",
        headers: {"content-type": "application/json", "accept": "application/json"}, body: JSON.stringify(body)});
      var data = await answer.json();
      if (!answer.ok) { out.textContent = "Refused: " + (data.detail || answer.status); return; }
      var account = data.account || data;
      out.textContent = data.access_token
        ? "Signed in as " + account.name + " (" + account.roles.join(", ") + ") until " + data.expires_at + "."
        : "Account created for " + account.email + ". You can sign in now.";
    } catch (error) { out.textContent = "The gateway could not be reached. Please try again."; }
  });
});
""".strip()

PAGE = Template("""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Endorsement portal</title>
<style>$style</style>
</head>
<body>
<main>
<h1>Endorsement portal</h1>
<p>This service runs professional endorsement (IMH-E&reg; credentialing) for infant-mental-health
associations: applicants create an account, apply for an endorsement category, and their application
is reviewed by the association. Endorsed professionals receive a verifiable digital credential that
employers can check.</p>
<p><strong>This page is a placeholder.</strong> The full portal is still being built; today the service
is used through its HTTP API, described below.</p>

<h2>Associations</h2>
<ul>$tenant_items</ul>

<h2>Create an account</h2>
<form data-endpoint="/auth/signup" data-output="signup-result">
<label for="signup-tenant">Association</label>
<select id="signup-tenant" name="tenant" required>$tenant_options</select>
<label for="signup-name">Full name</label>
<input id="signup-name" name="name" autocomplete="name" required maxlength="200">
<label for="signup-email">Email (a personal address receives our mail most reliably)</label>
<input id="signup-email" name="email" type="email" autocomplete="email" required>
<label for="signup-password">Password (at least 12 characters)</label>
<input id="signup-password" name="password" type="password" autocomplete="new-password" minlength="12" required>
<button type="submit">Create account</button>
<p id="signup-result" role="status" aria-live="polite"></p>
</form>

<h2>Sign in</h2>
<form data-endpoint="/auth/login" data-output="login-result">
<label for="login-tenant">Association</label>
<select id="login-tenant" name="tenant" required>$tenant_options</select>
<label for="login-email">Email</label>
<input id="login-email" name="email" type="email" autocomplete="username" required>
<label for="login-password">Password</label>
<input id="login-password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
<p id="login-result" role="status" aria-live="polite"></p>
</form>

<h2>API</h2>
<p>All refusals are <a href="https://www.rfc-editor.org/rfc/rfc9457">RFC 9457</a> problem documents with a
stable <code>code</code>. The gateway's own routes are described in OpenAPI at
<a href="/openapi.json">/openapi.json</a>.</p>
<table>
<caption>Main calls</caption>
<thead><tr><th scope="col">Call</th><th scope="col">What it does</th></tr></thead>
<tbody>
<tr><td><code>POST /auth/signup</code></td>
<td>Create an applicant account: <code>{tenant, email, name, password}</code>.</td></tr>
<tr><td><code>POST /auth/login</code></td><td>Get an access token: <code>{tenant, email, password}</code>.</td></tr>
<tr><td><code>GET /auth/me</code></td><td>The signed-in account.</td></tr>
<tr><td><code>POST /auth/logout</code></td><td>End the session.</td></tr>
<tr><td><code>/applications</code></td><td>Endorsement applications (signed in).</td></tr>
<tr><td><code>/reviews/&hellip;</code></td>
<td>Reviews of applications (signed in, reviewers and coordinators).</td></tr>
<tr><td><code>/notifications/&hellip;</code></td><td>Your messages (signed in).</td></tr>
<tr><td><code>POST /credentials/verify</code></td><td>Check a credential (public, for employers).</td></tr>
<tr><td><code>GET /tenants/{slug}/did.json</code></td><td>An association's public keys (public).</td></tr>
<tr><td><code>GET /healthz</code></td><td>Health of the gateway and the services.</td></tr>
</tbody>
</table>

<h3>Example with $example_name</h3>
<pre><code>curl -X POST $$GATEWAY/auth/signup -H 'content-type: application/json' \\
  -d '{"tenant": "$example_slug", "email": "you@example.org", "name": "Your Name", "password": "a long passphrase"}'

curl -X POST $$GATEWAY/auth/login -H 'content-type: application/json' \\
  -d '{"tenant": "$example_slug", "email": "you@example.org", "password": "a long passphrase"}'

curl $$GATEWAY/auth/me -H "authorization: Bearer $$TOKEN"</code></pre>
</main>
<script>$script</script>
</body>
</html>
""")


@dataclass(frozen=True)
class PortalPage:
    html: str
    content_security_policy: str


def render_portal(tenants: TenantDirectory) -> PortalPage:
    """The page and a Content-Security-Policy that allows exactly its own inline style and script."""
    listed = list(tenants)
    example: Tenant = listed[0]
    html = PAGE.substitute(
        style=STYLE,
        script=SCRIPT,
        tenant_items="".join(f"<li>{escape(t.name)} (<code>{escape(t.slug)}</code>)</li>" for t in listed),
        tenant_options="".join(f'<option value="{escape(t.slug)}">{escape(t.name)}</option>' for t in listed),
        example_name=escape(example.name),
        example_slug=escape(example.slug),
    )
    csp = (
        "default-src 'none'; "
        f"style-src '{_sha256(STYLE)}'; script-src '{_sha256(SCRIPT)}'; "
        "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    )
    return PortalPage(html=html, content_security_policy=csp)


def _sha256(source: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(source.encode()).digest()).decode()
