import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _production_env() -> dict:
    return {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/test",
        "DJANGO_SECRET_KEY": "x" * 20 + "-production-secret-key-for-check-0123456789",
        "WANGGE_FIELD_KEY": "cHJvZHVjdGlvbi1maWVsZC1rZXktMzItYnl0ZXMtMDA=",
        "WANGGE_BLIND_INDEX_KEY": "cHJvZHVjdGlvbi1ibGluZC1rZXktMzItYnl0ZXMtMDA=",
        "DJANGO_ALLOWED_HOSTS": "wangge.example.gov.cn",
    }


def test_check_deploy_passes_with_production_settings():
    # given production settings with real-looking secrets (never the dev defaults)
    env = _production_env()
    # when Django's deployment checklist runs, failing on any warning
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    # then it is clean
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_its_secrets():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.production",
           "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/test",
           "DJANGO_SECRET_KEY": "", "WANGGE_FIELD_KEY": "", "WANGGE_BLIND_INDEX_KEY": ""}
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0 and "must be set in production" in result.stderr


def test_gunicorn_config_loads_the_app_with_two_workers_per_core_plus_one():
    # when gunicorn checks its production configuration and loads the application
    result = subprocess.run(
        [str(Path(sys.executable).parent / "gunicorn"), "--check-config", "--print-config",
         "-c", "config/gunicorn.conf.py", "config.wsgi"],
        cwd=ROOT, env=_production_env(), capture_output=True, text=True, timeout=120,
    )
    # then it is valid and runs (2 × cores) + 1 sync workers
    assert result.returncode == 0, result.stdout + result.stderr
    settings = {
        name.strip(): value.strip()
        for name, value in (line.split("=", 1) for line in result.stdout.splitlines() if "=" in line)
    }
    assert settings["workers"] == str(2 * os.cpu_count() + 1)
    assert settings["worker_class"] == "sync"
