"""Settings come from the environment; production settings pass Django's deployment checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import dev_secret_key, env_bool

ROOT = Path(__file__).resolve().parents[2]


def manage(*args: str, env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess:
    """Run manage.py in a fresh process with exactly the given civicdesk variables."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DATABASE_URL",
            "REDIS_URL",
            "SECRET_KEY",
            "DEBUG",
            "CIVICDESK_ENV",
            "ALLOWED_HOSTS",
            "DJANGO_SETTINGS_MODULE",
        }
    }
    clean["CIVICDESK_VAR_DIR"] = str(tmp_path / "var")
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "CIVICDESK_ENV": "production",
    "SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghijklmnop",
    "ALLOWED_HOSTS": "servicedesk.northshire.gov.uk",
}


def test_should_pass_the_deployment_checks_with_production_variables(tmp_path):
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION, tmp_path=tmp_path
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_should_refuse_to_start_in_production_without_a_secret_key(tmp_path):
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    result = manage("check", env=env, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_should_keep_the_generated_development_key_between_starts(tmp_path):
    path = tmp_path / "secret_key"
    first = dev_secret_key(path)
    assert len(first) >= 50
    assert dev_secret_key(path) == first
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def test_should_default_to_sqlite_in_wal_mode(tmp_path):
    code = (
        "from django.db import connection; c = connection.cursor(); "
        "c.execute('PRAGMA journal_mode'); print(connection.vendor, c.fetchone()[0])"
    )
    result = manage("shell", "-c", code, env={}, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2:] == ["sqlite", "wal"]
    assert (tmp_path / "var" / "civicdesk.sqlite3").exists()


@pytest.mark.parametrize(
    "env,expected",
    [
        ({}, "channels.layers.InMemoryChannelLayer huey.SqliteHuey"),
        (
            {"REDIS_URL": "redis://127.0.0.1:6399/0"},
            "channels_redis.core.RedisChannelLayer huey.RedisHuey",
        ),
    ],
)
def test_should_choose_channel_layer_and_task_queue_from_redis_url(tmp_path, env, expected):
    code = (
        "from django.conf import settings; "
        "print(settings.CHANNEL_LAYERS['default']['BACKEND'], settings.HUEY['huey_class'])"
    )
    result = manage("shell", "-c", code, env=env, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == expected


def test_should_read_database_url(tmp_path):
    code = (
        "from django.conf import settings; d = settings.DATABASES['default']; "
        "print(d['ENGINE'], d['NAME'], d['PORT'])"
    )
    env = {"DATABASE_URL": "postgres://desk:pw@db.internal:5433/civicdesk"}
    result = manage("shell", "-c", code, env=env, tmp_path=tmp_path)
    assert result.stdout.strip().splitlines()[-1] == "django.db.backends.postgresql civicdesk 5433"


def test_should_reject_a_yes_no_variable_that_is_neither(monkeypatch):
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="DEBUG must be one of"):
        env_bool("DEBUG", False)
    monkeypatch.setenv("DEBUG", "off")
    assert env_bool("DEBUG", True) is False
