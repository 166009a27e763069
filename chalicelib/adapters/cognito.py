"""Amazon Cognito: citizen accounts, and verification of the ID tokens it issues."""

from __future__ import annotations

import threading
import time
from functools import cached_property

import boto3
import jwt
import requests
from botocore.exceptions import ClientError

from ..domain.errors import (Conflict, DomainError, Forbidden, TooManyRequests, Unauthorized, Unavailable,
                             ValidationFailed)

# Cognito's error codes, as the messages a person can act on.
_SIGNUP_ERRORS = {
    "UsernameExistsException": (Conflict, "account_exists"),
    "InvalidPasswordException": (ValidationFailed, "weak_password"),
    "InvalidParameterException": (ValidationFailed, "invalid_parameter"),
    "CodeMismatchException": (ValidationFailed, "wrong_code"),
    "ExpiredCodeException": (ValidationFailed, "expired_code"),
    "NotAuthorizedException": (Unauthorized, "wrong_credentials"),
    "UserNotFoundException": (Unauthorized, "wrong_credentials"),
    "UserNotConfirmedException": (Forbidden, "not_confirmed"),
    "PasswordResetRequiredException": (Forbidden, "password_reset_required"),
    "TooManyRequestsException": (TooManyRequests, "too_many_requests"),
    "LimitExceededException": (TooManyRequests, "too_many_requests"),
}


def _translate(error: ClientError, field: str = "") -> DomainError:
    code = error.response["Error"]["Code"]
    kind, reason = _SIGNUP_ERRORS.get(code, (None, None))
    if kind is None:
        raise error
    if kind is ValidationFailed:
        return ValidationFailed([{"field": field, "code": reason}])
    return kind(reason)


class CognitoIdentity:
    def __init__(self, region: str, user_pool_id: str, client_id: str, auto_confirm: bool = False):
        self.region = region
        self.user_pool_id = user_pool_id
        self.client_id = client_id
        self.auto_confirm = auto_confirm

    @cached_property
    def _client(self):
        return boto3.client("cognito-idp", region_name=self.region)

    def register(self, email: str, password: str, name: str, phone: str | None) -> bool:
        """Create the account; returns whether it is already confirmed (local stack)."""
        attributes = [{"Name": "email", "Value": email}, {"Name": "name", "Value": name}]
        if phone:
            attributes.append({"Name": "phone_number", "Value": phone})
        try:
            self._client.sign_up(ClientId=self.client_id, Username=email, Password=password,
                                 UserAttributes=attributes)
            if self.auto_confirm:
                self._client.admin_confirm_sign_up(UserPoolId=self.user_pool_id, Username=email)
        except ClientError as error:
            raise _translate(error, "password") from None
        return self.auto_confirm

    def confirm(self, email: str, code: str) -> None:
        try:
            self._client.confirm_sign_up(ClientId=self.client_id, Username=email, ConfirmationCode=code)
        except ClientError as error:
            raise _translate(error, "code") from None

    def login(self, email: str, password: str) -> dict:
        try:
            result = self._client.initiate_auth(
                ClientId=self.client_id, AuthFlow="USER_PASSWORD_AUTH",
                AuthParameters={"USERNAME": email, "PASSWORD": password},
            )["AuthenticationResult"]
        except ClientError as error:
            raise _translate(error) from None
        return {
            "id_token": result["IdToken"],
            "access_token": result["AccessToken"],
            "refresh_token": result.get("RefreshToken"),
            "expires_in": result["ExpiresIn"],
        }


class JwtVerifier:
    """Checks an ID token: RS256 signature against the pool's JWKS, expiry, issuer, audience, token use."""

    _REFRESH_SECONDS = 3600  # keys rotate rarely: look again hourly
    _MIN_REFETCH_SECONDS = 60  # an unknown kid (forged tokens, say) refetches at most once a minute

    def __init__(self, region: str, user_pool_id: str, client_id: str, jwks_url: str | None = None):
        self.issuer = f"https://cognito-idp.{region}.amazonaws.com/{user_pool_id}"
        self.client_id = client_id
        self.jwks_url = jwks_url or f"{self.issuer}/.well-known/jwks.json"
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at: float | None = None
        self._lock = threading.Lock()

    def _load_keys(self) -> None:
        self._fetched_at = time.monotonic()
        try:
            response = requests.get(self.jwks_url, timeout=5)
            response.raise_for_status()
            keys = jwt.PyJWKSet.from_dict(response.json())
        except (requests.RequestException, ValueError, jwt.PyJWTError):
            if not self._keys:
                raise Unavailable("the sign-in keys cannot be fetched") from None
            return  # keep the keys we have
        self._keys = {key.key_id: key for key in keys.keys}

    def _key(self, kid: str) -> jwt.PyJWK:
        with self._lock:
            age = None if self._fetched_at is None else time.monotonic() - self._fetched_at
            if not self._keys or age > self._REFRESH_SECONDS or (
                    kid not in self._keys and age > self._MIN_REFETCH_SECONDS):
                self._load_keys()
            try:
                return self._keys[kid]
            except KeyError:
                raise Unauthorized("unknown signing key") from None

    def verify(self, token: str) -> dict:
        try:
            header = jwt.get_unverified_header(token)
            key = self._key(header.get("kid", ""))
            claims = jwt.decode(
                token, key=key, algorithms=["RS256"], audience=self.client_id, issuer=self.issuer,
                options={"require": ["exp", "iat", "sub", "token_use"]}, leeway=5,
            )
        except jwt.ExpiredSignatureError:
            raise Unauthorized("token_expired") from None
        except jwt.PyJWTError:
            raise Unauthorized("invalid_token") from None
        if claims.get("token_use") != "id":
            raise Unauthorized("invalid_token")
        return claims
