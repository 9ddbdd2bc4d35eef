"""Every WANGGE_* setting is declared once, in config/settings/base.py, and documented."""

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
BASE = (ROOT / "config" / "settings" / "base.py").read_text(encoding="utf-8")


def _declared() -> set[str]:
    """Settings assigned in base.py, and environment variables it reads for others."""
    assigned = set(re.findall(r"^(WANGGE_[A-Z0-9_]+)\s*[:=]", BASE, re.MULTILINE))
    read_from_env = set(re.findall(r'env_\w+\(\s*"(WANGGE_[A-Z0-9_]+)"', BASE))
    return assigned | read_from_env


def _documented() -> set[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Configuration (environment)", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"`(WANGGE_[A-Z0-9_]+)`", table))


def test_the_readme_table_and_the_settings_name_the_same_settings():
    # given base.py and the README / then each names exactly the other's settings
    assert _documented() == _declared()


def test_code_reads_declared_settings_without_private_defaults():
    # given every Python file under wangge/ / when searched for getattr(settings, ...)
    pattern = re.compile(r"getattr\(\s*settings\s*,\s*[\"']WANGGE_")
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "wangge").rglob("*.py")
        if pattern.search(path.read_text(encoding="utf-8"))
    ]
    # then none: a default lives in base.py, once
    assert offenders == []


def test_every_setting_the_code_reads_is_declared():
    # given the names of WANGGE_* settings read anywhere under wangge/
    read = set()
    for path in (ROOT / "wangge").rglob("*.py"):
        read |= set(re.findall(r"settings\.(WANGGE_[A-Z0-9_]+)", path.read_text(encoding="utf-8")))
    # then each one is a setting of the running configuration
    assert sorted(name for name in read if not hasattr(settings, name)) == []
