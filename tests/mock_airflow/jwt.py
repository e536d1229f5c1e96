"""HS512 JSON Web Tokens as Airflow 3.3's ``JWTGenerator``/``JWTValidator`` (PyJWT) make and check
them, with the standard library only.

A token is ``base64url(header) . base64url(claims) . base64url(HMAC-SHA512)``, no padding, compact
JSON: header ``{"alg":"HS512","kid":"not-used","typ":"JWT"}`` (PyJWT sorts header keys), claims
``{sub, role, teams, jti, aud: "apache-airflow", nbf, exp, iat}`` in that order (transcript #1).
``decode`` checks in PyJWT's order: structure and base64 (``InvalidToken``), algorithm and signature
(``InvalidToken``), required ``exp``/``iat``/``nbf``, ``iat`` and ``nbf`` not in the future,
``exp`` (``TokenExpired``, with ``leeway`` seconds of grace), then the audience.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
import uuid
from typing import Any, Dict, Optional, Sequence

ALGORITHM = "HS512"
AUDIENCE = "apache-airflow"
HEADER = {"alg": ALGORITHM, "kid": "not-used", "typ": "JWT"}
DEFAULT_LIFETIME = 86400.0  # [api_auth] jwt_expiration_time
CLI_LIFETIME = 3600.0  # [api_auth] jwt_cli_expiration_time
DEFAULT_LEEWAY = 10.0  # [api_auth] jwt_leeway
REQUIRED_CLAIMS = ("exp", "iat", "nbf")


class InvalidToken(Exception):
    """Any token the server answers with 403 ``Invalid JWT token``."""


class TokenExpired(InvalidToken):
    """A well-signed token past ``exp`` + leeway (401 ``Token Expired``)."""


def b64url_encode(data: bytes) -> str:
    """Base64url without padding."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """PyJWT's base64url_decode: pad, then decode (errors are ``InvalidToken``)."""
    try:
        raw = text.encode("ascii")
        raw += b"=" * (-len(raw) % 4)
        return base64.urlsafe_b64decode(raw)
    except (UnicodeEncodeError, binascii.Error, ValueError) as err:
        raise InvalidToken(f"Invalid base64 padding: {err}") from None


def _compact(obj: Any, sort_keys: bool = False) -> bytes:
    return json.dumps(obj, separators=(",", ":"), sort_keys=sort_keys).encode("utf-8")


def _sign(signing_input: bytes, secret: bytes) -> bytes:
    return hmac.new(secret, signing_input, hashlib.sha512).digest()


def encode(claims: Dict[str, Any], secret: bytes, header: Optional[Dict[str, Any]] = None) -> str:
    """Sign ``claims`` (kept in their order) with HS512."""
    head = b64url_encode(_compact(header or HEADER, sort_keys=True))
    body = b64url_encode(_compact(claims))
    signing_input = f"{head}.{body}".encode("ascii")
    return f"{head}.{body}.{b64url_encode(_sign(signing_input, secret))}"


def claims_for(
    username: str,
    role: Optional[str],
    lifetime: float = DEFAULT_LIFETIME,
    now: Optional[float] = None,
    teams: Sequence[str] = (),
) -> Dict[str, Any]:
    """The claims Airflow's simple auth manager puts in a token, in its order."""
    issued = int(time.time() if now is None else now)
    return {
        "sub": username,
        "role": role,
        "teams": list(teams),
        "jti": uuid.uuid4().hex,
        "aud": AUDIENCE,
        "nbf": issued,
        "exp": int(issued + lifetime),
        "iat": issued,
    }


def issue(
    secret: bytes,
    username: str,
    role: Optional[str],
    lifetime: float = DEFAULT_LIFETIME,
    now: Optional[float] = None,
) -> str:
    """A signed token for ``username``, valid ``lifetime`` seconds from ``now``."""
    return encode(claims_for(username, role, lifetime, now), secret)


def _number(payload: Dict[str, Any], claim: str) -> float:
    value = payload[claim]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        try:
            return float(int(value))
        except (TypeError, ValueError):
            raise InvalidToken(f"{claim} must be an integer") from None
    return float(value)


def decode(
    token: str, secret: bytes, leeway: float = DEFAULT_LEEWAY, now: Optional[float] = None
) -> Dict[str, Any]:
    """The verified claims of ``token``; ``TokenExpired`` or ``InvalidToken`` otherwise."""
    try:
        signing_input, crypto_segment = token.rsplit(".", 1)
        header_segment, payload_segment = signing_input.split(".", 1)
    except ValueError:
        raise InvalidToken("Not enough segments") from None
    try:
        header = json.loads(b64url_decode(header_segment))
        payload = json.loads(b64url_decode(payload_segment))
    except (ValueError, UnicodeDecodeError):
        raise InvalidToken("Invalid header or payload") from None
    if not isinstance(header, dict) or not isinstance(payload, dict):
        raise InvalidToken("Invalid header or payload")
    if header.get("alg") != ALGORITHM:
        raise InvalidToken("The specified alg value is not allowed")
    expected = _sign(signing_input.encode("ascii", "replace"), secret)
    if not hmac.compare_digest(expected, b64url_decode(crypto_segment)):
        raise InvalidToken("Signature verification failed")
    for claim in REQUIRED_CLAIMS:
        if claim not in payload:
            raise InvalidToken(f'Token is missing the "{claim}" claim')
    current = time.time() if now is None else now
    if _number(payload, "iat") > current + leeway:
        raise InvalidToken("The token is not yet valid (iat)")
    if _number(payload, "nbf") > current + leeway:
        raise InvalidToken("The token is not yet valid (nbf)")
    if _number(payload, "exp") <= current - leeway:
        raise TokenExpired("Signature has expired")
    audience = payload.get("aud")
    if audience is None:
        raise InvalidToken('Token is missing the "aud" claim')
    audiences = [audience] if isinstance(audience, str) else audience
    if not isinstance(audiences, list) or AUDIENCE not in audiences:
        raise InvalidToken("Audience doesn't match")
    return payload


def unverified_claims(token: str) -> Optional[Dict[str, Any]]:
    """The claims of a token without any check (None if they cannot be read)."""
    try:
        payload = json.loads(b64url_decode(token.split(".")[1]))
    except (IndexError, InvalidToken, ValueError, UnicodeDecodeError):
        return None
    return payload if isinstance(payload, dict) else None
