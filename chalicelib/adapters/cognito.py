"""Amazon Cognito: citizen accounts, staff accounts (for admins), and verification of the ID tokens it issues."""

from __future__ import annotations

import math
import threading
import time
from functools import cached_property
from typing import TYPE_CHECKING

import boto3
from botocore.exceptions import ClientError

from ..domain.errors import (
    Conflict,
    DomainError,
    Forbidden,
    NotFound,
    TooManyRequests,
    Unauthorized,
    Unavailable,
    ValidationFailed,
)
from ..domain.roles import Member
from ..service.accounts import AccountExists, WrongCredentials
from ..service.members import MemberExists

if TYPE_CHECKING:
    import jwt

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


# moto (the local stack) emails no reset code: ForgotPassword hands it back in this response header, as
# "moto-confirmation-code:<digits>", and ConfirmForgotPassword checks only a code sent back in that form (it
# takes any other code). With ``codes_from_moto`` we read the header, the citizen is emailed the digits, and
# the prefix goes back with what they type -- so a wrong code is refused locally as in the cloud.
MOTO_CODE_HEADER = "x-moto-forgot-password-confirmation-code"
MOTO_CODE_PREFIX = "moto-confirmation-code:"
# ForgotPassword's refusals that depend on the address (none, unconfirmed, disabled, asked too often): the
# caller is answered as for any address, and nothing is sent.
_SILENT_RESET_REFUSALS = frozenset(
    {
        "UserNotFoundException",
        "NotAuthorizedException",
        "InvalidParameterException",
        "UserNotConfirmedException",
        "LimitExceededException",
        "CodeDeliveryFailureException",
    }
)


class CognitoIdentity:
    def __init__(
        self, region: str, user_pool_id: str, client_id: str, auto_confirm: bool = False, codes_from_moto: bool = False
    ):
        self.region = region
        self.user_pool_id = user_pool_id
        self.client_id = client_id
        self.auto_confirm = auto_confirm
        self.codes_from_moto = codes_from_moto  # the local stack only (config: COGNITO_SENDS_RESET_CODES=0)

    @cached_property
    def _client(self):
        return boto3.client("cognito-idp", region_name=self.region)

    def register(self, email: str, password: str, name: str, phone: str | None) -> bool:
        """Create the account; returns whether it is already confirmed (local stack)."""
        attributes = [{"Name": "email", "Value": email}, {"Name": "name", "Value": name}]
        if phone:
            attributes.append({"Name": "phone_number", "Value": phone})
        try:
            self._client.sign_up(ClientId=self.client_id, Username=email, Password=password, UserAttributes=attributes)
            if self.auto_confirm:
                self._client.admin_confirm_sign_up(UserPoolId=self.user_pool_id, Username=email)
        except ClientError as error:
            if error.response["Error"]["Code"] == "UsernameExistsException":
                raise AccountExists("account exists") from None  # the use case answers as for a new one
            raise _translate(error, "password") from None
        return self.auto_confirm

    def confirm(self, email: str, code: str) -> None:
        try:
            self._client.confirm_sign_up(ClientId=self.client_id, Username=email, ConfirmationCode=code)
        except ClientError as error:
            raise _translate(error, "code") from None

    def login(self, email: str, password: str, new_password: str | None = None) -> dict:
        """The tokens; ``{"challenge": "new_password_required"}`` for an invited member who has not yet
        chosen a password and gave no ``new_password`` (with one, the challenge is answered)."""
        try:
            response = self._client.initiate_auth(
                ClientId=self.client_id,
                AuthFlow="USER_PASSWORD_AUTH",
                AuthParameters={"USERNAME": email, "PASSWORD": password},
            )
            if response.get("ChallengeName") == "NEW_PASSWORD_REQUIRED":
                if not new_password:
                    return {"challenge": "new_password_required"}
                parameters = response.get("ChallengeParameters") or {}
                response = self._client.respond_to_auth_challenge(
                    ClientId=self.client_id,
                    ChallengeName="NEW_PASSWORD_REQUIRED",
                    Session=response["Session"],
                    ChallengeResponses={
                        "USERNAME": parameters.get("USER_ID_FOR_SRP") or parameters.get("USERNAME") or email,
                        "NEW_PASSWORD": new_password,
                    },
                )
        except ClientError as error:
            if error.response["Error"]["Code"] in ("NotAuthorizedException", "UserNotFoundException"):
                raise WrongCredentials("wrong email or password") from None  # the same for both: who has an account
            raise _translate(error, "new_password") from None
        result = response.get("AuthenticationResult")
        if not result:  # another challenge (an MFA code, say), which this API does not take
            raise Forbidden(f"unsupported challenge: {response.get('ChallengeName')}")
        return {
            "id_token": result["IdToken"],
            "access_token": result["AccessToken"],
            "refresh_token": result.get("RefreshToken"),
            "expires_in": result["ExpiresIn"],
        }

    # -- a forgotten password (service/accounts.py): citizens and staff, one user pool --------------------
    def forgot_password(self, email: str) -> str | None:
        """ForgotPassword: Cognito emails the code (None). With ``codes_from_moto``, the code's digits from
        moto's response header, for us to email; None for an address without an account."""
        try:
            response = self._client.forgot_password(ClientId=self.client_id, Username=email)
        except ClientError as error:
            if error.response["Error"]["Code"] in _SILENT_RESET_REFUSALS:
                return None
            raise _translate(error, "email") from None
        if not self.codes_from_moto:
            return None
        header = (response.get("ResponseMetadata") or {}).get("HTTPHeaders", {}).get(MOTO_CODE_HEADER) or ""
        digits = header.removeprefix(MOTO_CODE_PREFIX)
        return digits if header.startswith(MOTO_CODE_PREFIX) and digits.isdigit() else None

    def reset_password(self, email: str, code: str, new_password: str) -> None:
        """ConfirmForgotPassword, then every refresh token of the account revoked (best effort: the password is
        set either way). A wrong code, an expired one and an unknown address are all ``code`` problems."""
        sent = f"{MOTO_CODE_PREFIX}{code}" if self.codes_from_moto else code
        try:
            self._client.confirm_forgot_password(
                ClientId=self.client_id, Username=email, ConfirmationCode=sent, Password=new_password
            )
        except ClientError as error:
            kind = error.response["Error"]["Code"]
            wrong = {"CodeMismatchException", "UserNotFoundException", "NotAuthorizedException"}
            if self.codes_from_moto:  # moto: a wrong code is "expired", an unknown user a missing resource
                wrong |= {"ExpiredCodeException", "ResourceNotFoundException"}
            if kind in wrong:
                raise ValidationFailed([{"field": "code", "code": "wrong_code"}]) from None
            if kind == "InvalidPasswordException":
                raise ValidationFailed([{"field": "new_password", "code": "weak_password"}]) from None
            if kind == "TooManyFailedAttemptsException":
                raise TooManyRequests("too_many_requests") from None
            raise _translate(error, "code") from None
        try:
            self._client.admin_user_global_sign_out(UserPoolId=self.user_pool_id, Username=email)
        except ClientError:
            pass  # the new password is set; the old tokens still expire (ID tokens in an hour)

    # -- the citizen's own account: UU PDP access, correction, deletion (service/privacy.py) -----------
    def account(self, username: str) -> dict | None:
        """What the pool holds about the account (AdminGetUser), or None when it does not exist."""
        try:
            user = self._client.admin_get_user(UserPoolId=self.user_pool_id, Username=username)
        except ClientError as error:
            if error.response["Error"]["Code"] == "UserNotFoundException":
                return None
            raise
        attributes = {a["Name"]: a["Value"] for a in user.get("UserAttributes") or []}

        def when(value):
            return value.isoformat() if hasattr(value, "isoformat") else value

        return {
            "email": attributes.get("email"),
            "email_verified": attributes.get("email_verified") in ("true", True),
            "name": attributes.get("name"),
            "phone": attributes.get("phone_number"),
            "created_at": when(user.get("UserCreateDate")),
            "updated_at": when(user.get("UserLastModifiedDate")),
            "status": user.get("UserStatus"),
            "enabled": bool(user.get("Enabled", True)),
        }

    def update_account(self, username: str, name: str | None, phone: str | None, fields: tuple[str, ...]) -> None:
        """Set the corrected attributes (AdminUpdateUserAttributes); a phone of None is removed."""
        updates = []
        if "name" in fields and name:
            updates.append({"Name": "name", "Value": name})
        if "phone" in fields and phone:
            updates.append({"Name": "phone_number", "Value": phone})
        try:
            if updates:
                self._client.admin_update_user_attributes(
                    UserPoolId=self.user_pool_id, Username=username, UserAttributes=updates
                )
            if "phone" in fields and not phone:
                self._client.admin_delete_user_attributes(
                    UserPoolId=self.user_pool_id, Username=username, UserAttributeNames=["phone_number"]
                )
        except ClientError as error:
            if error.response["Error"]["Code"] == "UserNotFoundException":
                raise Unauthorized("account closed") from None
            raise _translate(error, "phone") from None

    def delete_account(self, username: str) -> bool:
        """AdminDeleteUser; False when it was gone already (a retried closure)."""
        try:
            self._client.admin_delete_user(UserPoolId=self.user_pool_id, Username=username)
        except ClientError as error:
            if error.response["Error"]["Code"] == "UserNotFoundException":
                return False
            raise
        return True


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
        import jwt  # PyJWT and requests on first use: a consumer's cold start needs neither (docs/performance.md)
        import requests

        self._fetched_at = time.monotonic()
        try:
            response = requests.get(self.jwks_url, timeout=5)
            response.raise_for_status()
            keys = jwt.PyJWKSet.from_dict(response.json())
        except (requests.RequestException, ValueError, jwt.PyJWTError):
            if not self._keys:
                raise Unavailable("the sign-in keys cannot be fetched") from None
            return  # keep the keys we have
        # a key without a kid could never be chosen: a token's header names its key ("" when it does not)
        self._keys = {key.key_id: key for key in keys.keys if key.key_id is not None}

    def _key(self, kid: str) -> jwt.PyJWK:
        with self._lock:
            age = math.inf if self._fetched_at is None else time.monotonic() - self._fetched_at
            if (
                not self._keys
                or age > self._REFRESH_SECONDS
                or (kid not in self._keys and age > self._MIN_REFETCH_SECONDS)
            ):
                self._load_keys()
            try:
                return self._keys[kid]
            except KeyError:
                raise Unauthorized("unknown signing key") from None

    def verify(self, token: str) -> dict:
        import jwt

        try:
            header = jwt.get_unverified_header(token)
            key = self._key(header.get("kid", ""))
            claims = jwt.decode(
                token,
                key=key,
                algorithms=["RS256"],
                audience=self.client_id,
                issuer=self.issuer,
                options={"require": ["exp", "iat", "sub", "token_use"]},
                leeway=5,
            )
        except jwt.ExpiredSignatureError:
            raise Unauthorized("token_expired") from None
        except jwt.PyJWTError:
            raise Unauthorized("invalid_token") from None
        if claims.get("token_use") != "id":
            raise Unauthorized("invalid_token")
        return claims


class StaffAccountStatus:
    """Whether a staff account is still enabled, so a disabled member's ID token stops working.

    ID tokens are verified offline and live an hour; disabling an account only revokes its refresh
    tokens. Staff routes therefore ask Cognito (AdminGetUser), remembering the answer for a minute
    per process: a disabled member is shut out within a minute everywhere, at once in the process
    that disabled them.
    """

    ttl_seconds = 60

    def __init__(self, region: str, user_pool_id: str):
        self.region = region
        self.user_pool_id = user_pool_id
        self._known: dict[str, tuple[float, bool]] = {}
        self._lock = threading.Lock()

    @cached_property
    def _client(self):
        return boto3.client("cognito-idp", region_name=self.region)

    def enabled(self, username: str) -> bool:
        with self._lock:
            known = self._known.get(username)
        if known and time.monotonic() < known[0]:
            return known[1]
        try:
            enabled = bool(self._client.admin_get_user(UserPoolId=self.user_pool_id, Username=username)["Enabled"])
        except ClientError as error:
            if error.response["Error"]["Code"] != "UserNotFoundException":
                raise
            enabled = False
        with self._lock:
            self._known[username] = (time.monotonic() + self.ttl_seconds, enabled)
        return enabled

    def forget(self) -> None:
        """After a member is disabled here: ask again next time."""
        with self._lock:
            self._known.clear()


_MEMBER_STATUS = {"FORCE_CHANGE_PASSWORD": "invited", "CONFIRMED": "active"}


def _member(user: dict, groups: list[str]) -> Member:
    attributes = {a["Name"]: a["Value"] for a in user.get("Attributes") or user.get("UserAttributes") or []}
    status = user.get("UserStatus", "")
    return Member(
        email=attributes.get("email", user.get("Username", "")),
        name=attributes.get("name", ""),
        groups=tuple(sorted(groups)),
        enabled=bool(user.get("Enabled", True)),
        status=_MEMBER_STATUS.get(status, status.lower()),
        subject=attributes.get("sub", ""),
    )


class CognitoDirectory:
    """Staff accounts in the user pool, for admins (``service.members.Directory``).

    Only the pool's staff groups are ever listed: citizens share the pool, so there is no ListUsers.
    """

    page_size = 60  # Cognito's maximum for both listings

    def __init__(self, region: str, user_pool_id: str):
        self.region = region
        self.user_pool_id = user_pool_id

    @cached_property
    def _client(self):
        return boto3.client("cognito-idp", region_name=self.region)

    def _pages(self, operation: str, key: str, **kwargs):
        paginator = self._client.get_paginator(operation)
        for page in paginator.paginate(
            UserPoolId=self.user_pool_id, PaginationConfig={"PageSize": self.page_size}, **kwargs
        ):
            yield from page.get(key, [])

    def members_of(self, group: str) -> list[Member]:
        try:
            return [_member(user, [group]) for user in self._pages("list_users_in_group", "Users", GroupName=group)]
        except ClientError as error:
            if error.response["Error"]["Code"] == "ResourceNotFoundException":  # the group is not in the pool
                return []
            raise _translate(error) from None

    def find(self, email: str) -> Member | None:
        try:
            user = self._client.admin_get_user(UserPoolId=self.user_pool_id, Username=email)
            groups = [g["GroupName"] for g in self._pages("admin_list_groups_for_user", "Groups", Username=email)]
        except ClientError as error:
            if error.response["Error"]["Code"] == "UserNotFoundException":
                return None
            raise _translate(error) from None
        return _member(user, groups)

    def create(self, email: str, name: str, groups: list[str], temporary_password: str | None) -> Member:
        """Create the account in its groups. Without ``temporary_password`` Cognito makes one and emails the
        invitation (the pool's invitation template); with one, nothing is sent (the caller sends it)."""
        delivery = (
            {"TemporaryPassword": temporary_password, "MessageAction": "SUPPRESS"}
            if temporary_password
            else {"DesiredDeliveryMediums": ["EMAIL"]}
        )
        try:
            user = self._client.admin_create_user(
                UserPoolId=self.user_pool_id,
                Username=email,
                UserAttributes=[
                    {"Name": "email", "Value": email},
                    {"Name": "email_verified", "Value": "true"},
                    {"Name": "name", "Value": name},
                ],
                **delivery,
            )["User"]
        except ClientError as error:
            if error.response["Error"]["Code"] == "UsernameExistsException":
                raise MemberExists("account exists") from None
            raise _translate(error, "email") from None
        self.add_to_groups(email, groups)
        return _member(user, groups)

    def add_to_groups(self, email: str, groups: list[str]) -> None:
        """AdminAddUserToGroup, once per group: adding to a group the account is in already is fine."""
        try:
            for group in groups:
                self._client.admin_add_user_to_group(UserPoolId=self.user_pool_id, Username=email, GroupName=group)
        except ClientError as error:
            if error.response["Error"]["Code"] == "UserNotFoundException":
                raise NotFound("no such member") from None
            raise _translate(error, "email") from None

    def reinvite(self, email: str, temporary_password: str | None) -> None:
        """A new temporary password for an invited account. Without one, Cognito makes it and emails its
        invitation again (AdminCreateUser RESEND); with one (no Cognito emails: moto), it is set as temporary
        (AdminSetUserPassword, Permanent false) and the caller sends the invitation."""
        try:
            if temporary_password is None:
                self._client.admin_create_user(
                    UserPoolId=self.user_pool_id,
                    Username=email,
                    MessageAction="RESEND",
                    DesiredDeliveryMediums=["EMAIL"],
                )
            else:
                self._client.admin_set_user_password(
                    UserPoolId=self.user_pool_id, Username=email, Password=temporary_password, Permanent=False
                )
        except ClientError as error:
            if error.response["Error"]["Code"] in ("UserNotFoundException", "UnsupportedUserStateException"):
                raise MemberExists("account changed meanwhile") from None  # gone, or has chosen a password
            raise _translate(error, "email") from None

    def disable(self, email: str) -> None:
        """Disable the account and revoke its refresh tokens. Safe to repeat."""
        try:
            self._client.admin_disable_user(UserPoolId=self.user_pool_id, Username=email)
            self._client.admin_user_global_sign_out(UserPoolId=self.user_pool_id, Username=email)
        except ClientError as error:
            if error.response["Error"]["Code"] == "UserNotFoundException":
                raise NotFound("no such member") from None
            raise _translate(error) from None

    def enable(self, email: str) -> None:
        """Enable the account again (undoes ``disable``, except its revoked refresh tokens). Safe to repeat."""
        try:
            self._client.admin_enable_user(UserPoolId=self.user_pool_id, Username=email)
        except ClientError as error:
            if error.response["Error"]["Code"] == "UserNotFoundException":
                raise NotFound("no such member") from None
            raise _translate(error) from None
