"""Production serves static files through the manifest storage, which rewrites every
reference a CSS or JS file makes (url(), sourceMappingURL) and refuses a missing target."""

from django.core.management import call_command
from django.test import override_settings


def test_collectstatic_with_the_production_storage_finds_every_referenced_file(tmp_path):
    # given the production static storage (hashed names, every reference must resolve)
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=storages):
        # when the README's collectstatic runs
        call_command("collectstatic", interactive=False, verbosity=0)
    # then it finishes, and the vendored maps the libraries point to were collected too
    names = {path.name for path in tmp_path.rglob("*")}
    assert "staticfiles.json" in names
    assert "leaflet.js.map" in names and "leaflet.markercluster.js.map" in names


def _collect_assets():
    import importlib.util

    from config.env import BASE_DIR

    spec = importlib.util.spec_from_file_location(
        "collect_assets", BASE_DIR / "scripts" / "collect_assets.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_vendored_file_keeps_its_map_or_loses_the_dangling_reference(tmp_path):
    # given two packaged libraries, one shipping its source map and one not
    package, vendor = tmp_path / "pkg", tmp_path / "vendor"
    package.mkdir(), vendor.mkdir()
    (package / "a.js").write_text("var a;\n//# sourceMappingURL=a.js.map\n")
    (package / "a.js.map").write_text("{}")
    (package / "b.css").write_text("b{}\n/*# sourceMappingURL=b.css.map */\n")
    # when they are copied into the static folder
    copy = _collect_assets().copy_with_source_map
    copy(package / "a.js", vendor / "a.js")
    copy(package / "b.css", vendor / "b.css")
    # then the map comes along, and a reference to a missing map is removed
    assert (vendor / "a.js.map").read_text() == "{}"
    assert "sourceMappingURL=a.js.map" in (vendor / "a.js").read_text()
    assert "sourceMappingURL" not in (vendor / "b.css").read_text()
    assert (vendor / "b.css").read_text().startswith("b{}")
