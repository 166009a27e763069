"""The composition root: the one place that builds ``Services`` from settings.

Tests build the same wiring with parts replaced (``build_services(settings, now=..., uploads=None)``)
instead of patching module globals, as cosmicpython's ``bootstrap`` does.
"""

from __future__ import annotations

from typing import Any

from .config import Settings
from .service import ports
from .service.container import Services


def build_services(settings: Settings, **overrides: Any) -> Services:
    """Wire the AWS adapters (clients are created on first use); ``overrides`` replace any part by name."""
    from .adapters.cognito import CognitoDirectory, CognitoIdentity, JwtVerifier, StaffAccountStatus
    from .adapters.metrics import PowertoolsMetrics
    from .adapters.open311_store import Open311Store
    from .adapters.secrets import whatsapp_secrets
    from .adapters.ses import SesNotifier
    from .adapters.step_functions import StepFunctionsWorkflow
    from .adapters.store import Store
    from .adapters.template_store import ReplyTemplateStore
    from .adapters.uploads import S3Uploads
    from .adapters.whatsapp_api import GraphApi
    from .adapters.whatsapp_store import WhatsAppStore
    from .adapters.workbooks import XlsxWorkbooks

    # Typed as their ports, so mypy holds each adapter to what the use cases may call.
    store: ports.Store = Store()
    open311: ports.Open311Records = Open311Store()
    workbooks: ports.Workbooks = XlsxWorkbooks()
    templates: ports.ReplyTemplates = ReplyTemplateStore()
    parts: dict[str, Any] = dict(
        settings=settings,
        store=store,
        workflow=StepFunctionsWorkflow(settings.state_machine_arn, settings.region),
        notifier=SesNotifier(settings.email_from, settings.region, settings.ses_configuration_set),
        metrics=PowertoolsMetrics(),
        identity=CognitoIdentity(
            settings.region,
            settings.cognito_user_pool_id,
            settings.cognito_client_id,
            auto_confirm=settings.auto_confirm_signup,
            codes_from_moto=not settings.cognito_sends_reset_codes,
        ),
        verifier=JwtVerifier(
            settings.region,
            settings.cognito_user_pool_id,
            settings.cognito_client_id,
            settings.cognito_jwks_url or None,
        ),
        directory=CognitoDirectory(settings.region, settings.cognito_user_pool_id),
        account_status=StaffAccountStatus(settings.region, settings.cognito_user_pool_id),
        uploads=S3Uploads(settings.attachments_bucket, settings.region) if settings.attachments_bucket else None,
        open311=open311,
        workbooks=workbooks,
        templates=templates,
        whatsapp_records=WhatsAppStore(),
        # The Graph API's token is read on each send (cached, adapters/secrets.py): a rotation needs no restart.
        whatsapp=GraphApi(
            settings.whatsapp_api_url,
            settings.whatsapp_phone_number_id,
            lambda: whatsapp_secrets(settings).access_token,
        )
        if settings.whatsapp_phone_number_id
        else None,
    )
    parts.update(overrides)
    return Services(**parts)
