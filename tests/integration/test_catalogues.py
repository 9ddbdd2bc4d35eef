"""The English catalogues agree with each other and with their compiled files.

Django merges every app's catalogue into one: `LOCALE_PATHS` first, then the apps in
`INSTALLED_APPS` order, and the first translation of a msgid wins. Two apps that translate
the same Chinese differently therefore change each other's English (the project catalogue's
brand name "Wangge" once turned every "网格" column into "Wangge"). One Chinese text has one
English text; a word with two meanings gets a `pgettext` context.
"""

import ast
import gettext
from collections import defaultdict
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def _catalogues() -> list[Path]:
    found = sorted(ROOT.glob("locale/en/LC_MESSAGES/django.po"))
    found += sorted(ROOT.glob("wangge/*/locale/en/LC_MESSAGES/django.po"))
    found += sorted(ROOT.glob("tests/*/locale/en/LC_MESSAGES/django.po"))
    return found


def _po_entries(path: Path) -> dict[tuple[str | None, str], str]:
    """(context, msgid) → msgstr of a .po file, plurals by their first form; fuzzy skipped."""
    entries: dict[tuple[str | None, str], str] = {}
    current: dict[str, str] = {}
    key = None
    fuzzy = False

    def flush():
        if "msgid" in current and current["msgid"] and not fuzzy:
            text = current.get("msgstr", current.get("msgstr[0]", ""))
            if text:
                entries[(current.get("msgctxt"), current["msgid"])] = text

    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line:
            flush()
            current, key, fuzzy = {}, None, False
            continue
        if line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        if line.startswith("#"):
            continue
        if line.startswith('"') and key:
            current[key] += ast.literal_eval(line)
            continue
        key, _, value = line.partition(" ")
        current[key] = ast.literal_eval(value)
    return entries


def test_one_chinese_text_has_one_english_text():
    seen: dict[tuple[str | None, str], dict[str, str]] = defaultdict(dict)
    for path in _catalogues():
        for key, text in _po_entries(path).items():
            seen[key][str(path.relative_to(ROOT))] = text
    conflicts = {key: where for key, where in seen.items() if len(set(where.values())) > 1}
    assert not conflicts, "\n".join(
        f"{key[1]!r} (context {key[0]!r}): {where}" for key, where in sorted(conflicts.items(), key=str)
    )


def test_compiled_catalogues_match_their_sources():
    for path in _catalogues():
        mo = path.with_suffix(".mo")
        assert mo.exists(), f"{path} is not compiled (msgfmt -o {mo} {path})"
        with mo.open("rb") as handle:
            compiled = gettext.GNUTranslations(handle)._catalog
        for (context, msgid), text in _po_entries(path).items():
            lookup = f"{context}\x04{msgid}" if context else msgid
            got = compiled.get(lookup, compiled.get((lookup, 0)))
            assert got == text, f"{mo} is stale for {msgid!r}: {got!r} != {text!r} (re-run msgfmt)"
