"""Credentials to headers: HTTP Basic, a bearer token, or a login at the API's token endpoint.

Which one a request gets, in order:
1. `access_token` (a string, or a function returning a fresh token): `Bearer <token>`.
2. `username`/`password` on an operation whose API logs in at a token endpoint (Airflow 3's
   `POST /auth/token`): the client logs in once, reuses the token, and logs in again shortly
   before its `exp` (read from the JWT) or when the server answers 401. However many threads
   call, one login runs at a time and the others wait for its token.
3. `username`/`password` elsewhere: HTTP Basic.
A request that met 401 with a token that can be renewed (a login's, or a function's) is sent
once more with a fresh token, never more.
"""

from __future__ import annotations

import base64
import binascii
import json
import threading
import time
from typing import Callable, Dict, Optional, Tuple

from .configuration import Configuration, bearer_header
from .exceptions import UnauthorizedException

Login = Callable[[str, Dict[str, str]], str]
"""Posts `{username, password}` to a token endpoint's path and returns the access token."""

_RENEW_MARGIN = 30.0
"""Seconds before `exp` a token is renewed (at most; a tenth of a short token's lifetime)."""


class Credentials:
    """The Authorization header of each request, with the tokens got by logging in."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tokens: Dict[Tuple[str, str, str, str], Tuple[str, float]] = {}

    def header(
        self, config: Configuration, token_url: Optional[str], login: Login
    ) -> Optional[str]:
        """The Authorization header for a request (None: send none)."""
        if token_url is not None and config.access_token is None and config.username is not None:
            return bearer_header(self._logged_in(config, token_url, login))
        return config.auth_header()

    def renewable(self, config: Configuration, token_url: Optional[str]) -> bool:
        """True if a 401 may be cured by a fresh token (then `forget` the one that failed)."""
        if config.access_token is not None:
            return callable(config.access_token)
        return token_url is not None and config.username is not None

    def forget(self, config: Configuration, token_url: Optional[str], header: str) -> None:
        """Drop a login's token that the server refused, unless another thread renewed it."""
        key = _key(config, token_url or "")
        with self._lock:
            token = self._tokens.get(key)
            if token is not None and bearer_header(token[0]) == header:
                del self._tokens[key]

    def _logged_in(self, config: Configuration, token_url: str, login: Login) -> str:
        key = _key(config, token_url)
        token = self._tokens.get(key)
        if token is None or time.time() >= token[1]:
            with self._lock:  # one login at a time; the others take its token
                token = self._tokens.get(key)
                if token is None or time.time() >= token[1]:
                    credentials = {"username": key[2], "password": key[3]}
                    value = _checked_token(login(token_url, credentials), token_url)
                    token = self._tokens[key] = (value, renew_at(value))
        return token[0]


def _key(config: Configuration, token_url: str) -> Tuple[str, str, str, str]:
    return (config.host, token_url, config.username or "", config.password or "")


def _checked_token(token: object, token_url: str) -> str:
    if not isinstance(token, str) or not token:
        raise UnauthorizedException(
            401, "Unauthorized", title=f"the login at {token_url} gave no access_token"
        )
    return token


def renew_at(token: str) -> float:
    """When to get a new token: shortly before the JWT's `exp` (never, if it has none)."""
    claims = jwt_claims(token)
    expires = claims.get("exp")
    if not isinstance(expires, (int, float)):
        return float("inf")
    issued = claims.get("iat")
    lifetime = expires - issued if isinstance(issued, (int, float)) else _RENEW_MARGIN * 10
    return float(expires) - min(_RENEW_MARGIN, max(lifetime, 0) / 10)


def jwt_claims(token: str) -> Dict[str, object]:
    """The claims of a JWT, unverified (the server verifies them); {} if it is not one."""
    parts = token.split(".")
    if len(parts) != 3:
        return {}
    try:
        payload = base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4))
        claims = json.loads(payload)
    except (binascii.Error, ValueError):
        return {}
    return claims if isinstance(claims, dict) else {}
