"""Settings come from the environment through strict helpers; bad values stop the start-up."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from oversight.core.env import ConfigurationError, env_bool, env_secret

ROOT = Path(__file__).resolve().parents[3]


def settings_value(expression: str, **env) -> str:
    """Evaluate ``expression`` in a fresh interpreter that imports the real settings module."""
    environment = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY"}}
    environment.update({"SECRET_KEY": "x" * 50, "OVERSIGHT_VAR_DIR": "/nonexistent", **env})
    result = subprocess.run(
        [sys.executable, "-c", f"from oversight import settings as s; print(s.{expression})"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    if result.returncode:
        raise ConfigurationError(result.stderr.strip().splitlines()[-1])
    return result.stdout.strip()


def test_it_rejects_a_misspelt_boolean(monkeypatch):
    monkeypatch.setenv("DEBUG", "ture")
    with pytest.raises(ConfigurationError, match="DEBUG"):
        env_bool("DEBUG")


def test_it_reads_a_secret_from_a_file(tmp_path, monkeypatch):
    secret = tmp_path / "key"
    secret.write_text("from-the-file\n")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("SECRET_KEY_FILE", str(secret))
    assert env_secret("SECRET_KEY") == "from-the-file"
    monkeypatch.setenv("SECRET_KEY", "direct")
    with pytest.raises(ConfigurationError, match="not both"):
        env_secret("SECRET_KEY")


def test_it_defaults_to_sqlite_in_wal_mode_and_shanghai_time():
    assert settings_value("DATABASES['default']['ENGINE']") == "oversight.core.db.sqlite3"
    assert "journal_mode=WAL" in settings_value("DATABASES['default']['OPTIONS']['init_command']")
    assert settings_value("TIME_ZONE") == "Asia/Shanghai"
    assert settings_value("LANGUAGE_CODE") == "zh-hans"


def test_it_selects_postgresql_and_redis_from_urls():
    env = {
        "DATABASE_URL": "postgres://u:p@db.example:5432/oversight",
        "REDIS_URL": "redis://r:6379/0",
    }
    assert (
        settings_value("DATABASES['default']['ENGINE']", **env) == "django.db.backends.postgresql"
    )
    assert settings_value("HUEY['huey_class']", **env) == "huey.RedisHuey"


def test_it_stops_on_bad_values():
    with pytest.raises(ConfigurationError, match="DEBUG"):
        settings_value("DEBUG", DEBUG="maybe")
    with pytest.raises(ConfigurationError, match="LANGUAGE_CODE"):
        settings_value("LANGUAGE_CODE", LANGUAGE_CODE="fr")
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        settings_value("DEBUG", SECRET_KEY="")
