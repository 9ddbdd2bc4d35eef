"""Excel import of buildings, households and residents.

The engine is the platform app ``wangge.imports``; the people kinds are registered from
``wangge.people.imports`` (handlers in ``import_residents`` and ``import_places``). This
module keeps the names the registry's callers and tests have always imported.
"""

from django.db import models

from wangge.imports.cells import (  # noqa: F401
    DATE_FORMATS_HINT,
    EXAMPLE_REASON,
    CellInvalid,
    cell_text,
    parse_choice,
    parse_date,
)
from wangge.imports.engine import MAX_REPORT_ERRORS, header_score, import_run, map_header  # noqa: F401
from wangge.imports.files import (  # noqa: F401
    PENDING_UPLOAD_SECONDS,
    REPORT_TOKEN,
    import_report_path,
    import_report_store,
    import_template_write,
    import_upload_keep,
    import_upload_path,
)
from wangge.imports.kinds import (  # noqa: F401
    BATCH_SIZE,
    Column,
    GridLookup,
    GridRef,
    ImportMode,
    ImportResult,
    KindHandler,
    Row,
    RowError,
)
from wangge.people.import_common import (  # noqa: F401
    CREATED_LABELS,
    DOC_TYPES,
    EXAMPLE_BUILDING_NAME,
    EXAMPLE_HOUSEHOLD_CODE,
    EXAMPLE_ID_NUMBER,
    GENDERS,
    RELATIONS,
    RESIDENCE_STATUSES,
)
from wangge.people.import_places import BuildingHandler, HouseholdHandler
from wangge.people.import_residents import (  # noqa: F401
    LARGE_HOUSEHOLD,
    MAX_PLANNED_HOUSEHOLDS,
    MAX_PLANNED_MEMBERS,
    PlannedHousehold,
    ResidentHandler,
    ResidentImportResult,
)


class ImportKind(models.TextChoices):
    RESIDENTS = "residents", "居民"
    HOUSEHOLDS = "households", "户"
    BUILDINGS = "buildings", "楼栋"


HANDLERS: dict[str, type[KindHandler]] = {
    ImportKind.RESIDENTS: ResidentHandler,
    ImportKind.HOUSEHOLDS: HouseholdHandler,
    ImportKind.BUILDINGS: BuildingHandler,
}


def people_import(
    *,
    actor,
    kind: str,
    mode: str,
    upload,
    request=None,
    preview: bool = False,
    default_grid: str = "",
) -> ImportResult:
    """Import an uploaded .xlsx of a people ``kind`` (see wangge.imports.engine.import_run)."""
    return import_run(
        actor=actor,
        kind=kind,
        mode=mode,
        upload=upload,
        request=request,
        preview=preview,
        default_grid=default_grid,
    )
