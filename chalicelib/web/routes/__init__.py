"""The HTTP routes, one Chalice Blueprint per audience; app.py registers them all (``BLUEPRINTS``).

Each module keeps its heavy imports (pydantic, Jinja2, openpyxl...) inside the functions that need them:
they are all imported when the Lambda starts (tests/unit/test_cold_start_imports.py)."""

from __future__ import annotations

from . import (
    accounts,
    attachments,
    complaints,
    docs,
    links,
    open311,
    privacy,
    public,
    register,
    reports,
    staff,
    whatsapp,
)

# Registered in this order (no route depends on it: Chalice and API Gateway match the most specific path).
BLUEPRINTS = (
    public.bp,
    register.bp,
    docs.bp,
    accounts.bp,
    complaints.bp,
    attachments.bp,
    privacy.bp,
    links.bp,
    staff.bp,
    reports.bp,
    open311.bp,
    whatsapp.bp,
)
