"""Staff accounts with real Cognito tokens from moto, and calls to the staff routes."""

from __future__ import annotations

import boto3

from .helpers import call

PASSWORD = "Petugas-Kaltim1"
DOMAIN = "aspirasi.kaltimprov.go.id"


def staff_email(group: str) -> str:
    return f"{group.lower()}@{DOMAIN}" if group != "operator+diskominfo" else f"duo@{DOMAIN}"


class Staff:
    """Creates staff accounts in the stack's user pool (one per group set) and logs them in."""

    def __init__(self, stack, client):
        self.stack, self.client = stack, client
        self.idp = boto3.client("cognito-idp", region_name=stack.region)
        self.pool = stack.identity.user_pool_id
        self.tokens: dict[str, str] = {}

    def _group(self, name: str) -> None:
        try:
            self.idp.create_group(GroupName=name, UserPoolId=self.pool)
        except self.idp.exceptions.GroupExistsException:
            pass

    def token(self, *groups: str, email: str | None = None) -> str:
        email = email or staff_email("+".join(groups))
        if email not in self.tokens:
            try:
                self.idp.admin_create_user(
                    UserPoolId=self.pool,
                    Username=email,
                    MessageAction="SUPPRESS",
                    UserAttributes=[{"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "true"}],
                )
            except self.idp.exceptions.UsernameExistsException:
                pass
            self.idp.admin_set_user_password(UserPoolId=self.pool, Username=email, Password=PASSWORD, Permanent=True)
            for group in groups:
                self._group(group)
                self.idp.admin_add_user_to_group(UserPoolId=self.pool, Username=email, GroupName=group)
            response, body = call(self.client, "post", "/auth/login", {"email": email, "password": PASSWORD})
            assert response.status_code == 200, body
            self.tokens[email] = body["id_token"]
        return self.tokens[email]


PHONE_CALL = {
    "channel": "phone",
    "reporter": {"name": "Pak Darto", "email": "darto@example.id", "phone": "0812-3456-7890"},
    "category": "perhubungan",
    "subcategory": "lalu-lintas",
    "title": "Lampu lalu lintas mati",
    "description": "Lampu lalu lintas simpang Lembuswana mati sejak semalam.",
    "location": "Samarinda",
}
