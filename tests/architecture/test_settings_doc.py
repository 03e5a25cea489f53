"""docs/settings.md is generated from the settings and must match them."""

from __future__ import annotations

import pytest

from portal.cli import render_settings_doc
from portal.core.settings import PROJECT_ROOT, SettingsError, load_settings


def test_settings_doc_is_current() -> None:
    written = (PROJECT_ROOT / "docs" / "settings.md").read_text()
    assert written == render_settings_doc(), "run `make settings-doc`"


def test_production_refuses_embedded_defaults_and_missing_secret() -> None:
    with pytest.raises(SettingsError) as refused:
        load_settings(environ={"PORTAL_ENV": "production"})
    message = str(refused.value)
    assert "PORTAL_SECRET_KEY" in message and "PORTAL_DATA_KEY" in message
    assert "SQLite" in message and "filesystem broker" in message


def test_production_with_real_services_starts() -> None:
    settings = load_settings(
        environ={
            "PORTAL_ENV": "production",
            "PORTAL_SECRET_KEY": "s" * 48,
            "PORTAL_DATA_KEY": "d" * 48,
            "PORTAL_DATABASE_URL": "postgresql://portal@db/portal",
            "PORTAL_BROKER_URL": "redis://redis:6379/0",
            "PORTAL_REDIS_URL": "redis://redis:6379/1",
        }
    )
    assert settings.is_production and settings.allow_demo_passwords is False


def test_bad_values_name_the_variable() -> None:
    with pytest.raises(SettingsError, match="PORTAL_PORT"):
        load_settings(environ={"PORTAL_PORT": "achtduizend"})
