from django.apps import AppConfig


class ExampleDomainConfig(AppConfig):
    """A test-only domain module: it proves that a new domain is one folder and one line
    in INSTALLED_APPS (config/settings/test.py). No shared file names it; the menu, the
    indicators, the API, the demo and the import page find it through its extension
    modules (nav.py, indicators.py, api.py, urls, demo.py, imports.py)."""

    name = "tests.exampledomain"
    label = "exampledomain"
    verbose_name = "示例领域（仅测试）"
    urls = [("benches/", "tests.exampledomain.urls")]
