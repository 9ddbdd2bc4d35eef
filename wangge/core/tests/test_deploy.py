import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_check_deploy_passes_with_production_settings():
    # given production settings with real-looking secrets (never the dev defaults)
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/test",
        "DJANGO_SECRET_KEY": "x" * 20 + "-production-secret-key-for-check-0123456789",
        "WANGGE_FIELD_KEY": "cHJvZHVjdGlvbi1maWVsZC1rZXktMzItYnl0ZXMtMDA=",
        "WANGGE_BLIND_INDEX_KEY": "cHJvZHVjdGlvbi1ibGluZC1rZXktMzItYnl0ZXMtMDA=",
        "DJANGO_ALLOWED_HOSTS": "wangge.example.gov.cn",
    }
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
