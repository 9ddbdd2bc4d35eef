"""The demo: a generated city (``city_generate``) and its lived-in history
(``activity_generate``).

The engine (this package) knows no domain. Each app contributes its part in its own
``demo.py`` module, found like ``admin.py`` (``registry.demo_modules``). A module may
define any of these functions; the engine calls them in INSTALLED_APPS order:

City (``wangge.demo.city.CityBuild`` is passed along; phases run one after another):
- ``city_place(build)``: the geography (area tree, estates, buildings, departments);
- ``city_populate(build)``: the inhabitants (households, residents, benches, …);
- ``city_staff(build)``: the accounts that work there.

History (``wangge.demo.history.World`` is passed along):
- ``history_exists() -> bool``: the app already has activity (the history is skipped);
- ``history_prepare(world)``: load what its stories need, set up what no service writes;
- ``history_start(world)``: spawn its stories (generators yielding their next instant);
- ``history_figures() -> dict``: counts for the summary (``ActivityStats``);
- ``history_summary(figures) -> str``: a sentence for ``manage.py generate_activity``.
"""
