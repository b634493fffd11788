"""A real OpenID Connect provider on loopback for the sign-in tests: oidc-provider-mock.

It speaks the authorization-code flow (discovery, the authorize form, token, userinfo, JWKS,
signed ID tokens with the nonce) but does not check PKCE, so `RequirePKCE` in front of it does,
as Entra ID and Google do: an authorization without an S256 code challenge is refused, and the
token request must bring the verifier that hashes to it.
"""

import base64
import hashlib
import io
import json
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

import requests
import werkzeug.serving
from oidc_provider_mock import app as provider_app

JSON = "application/json"


class RequirePKCE:
    """WSGI middleware: RFC 7636 (S256) enforced on the wrapped provider."""

    def __init__(self, app):
        self.app = app
        self.challenges = {}
        self.verified = 0
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path == "/oauth2/authorize":
            query = parse_qs(environ.get("QUERY_STRING", ""))
            challenge = query.get("code_challenge", [""])[0]
            if not challenge or query.get("code_challenge_method", [""])[0] != "S256":
                return self.refuse(start_response, "invalid_request", "PKCE (S256) is required")

            def remember_code(status, headers, exc_info=None):
                for name, value in headers:
                    if name.lower() == "location":
                        code = parse_qs(urlsplit(value).query).get("code", [""])[0]
                        if code:
                            with self.lock:
                                self.challenges[code] = challenge
                return start_response(status, headers, exc_info)

            return self.app(environ, remember_code)
        if path == "/oauth2/token" and environ.get("REQUEST_METHOD") == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = environ["wsgi.input"].read(length)
            environ["wsgi.input"] = io.BytesIO(body)
            form = parse_qs(body.decode())
            if form.get("grant_type", [""])[0] == "authorization_code":
                with self.lock:
                    challenge = self.challenges.pop(form.get("code", [""])[0], None)
                verifier = form.get("code_verifier", [""])[0]
                digest = hashlib.sha256(verifier.encode()).digest()
                if challenge is None or base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != (
                    challenge
                ):
                    return self.refuse(start_response, "invalid_grant", "PKCE verifier mismatch")
                self.verified += 1
        return self.app(environ, start_response)

    @staticmethod
    def refuse(start_response, error, description):
        body = json.dumps({"error": error, "error_description": description}).encode()
        start_response("400 Bad Request", [("Content-Type", JSON)])
        return [body]


@dataclass
class IdentityProvider:
    issuer: str
    pkce: RequirePKCE
    users: dict = field(default_factory=dict)

    def set_user(self, sub, **claims):
        """Who signs in as `sub` at the provider's form, and the claims it will send."""
        requests.put(f"{self.issuer}/users/{sub}", json=claims, timeout=5).raise_for_status()


@contextmanager
def running_identity_provider():
    """The provider, listening on a free loopback port until the block ends."""
    pkce = RequirePKCE(provider_app(require_nonce=True, issue_refresh_token=False))
    server = werkzeug.serving.make_server("localhost", 0, pkce, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    try:
        yield IdentityProvider(issuer=f"http://localhost:{server.server_port}", pkce=pkce)
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()
