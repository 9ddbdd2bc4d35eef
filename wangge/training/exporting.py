"""The annual ledger as Excel, per unit, for the annual assessment (audited)."""

import tempfile

from django.utils.translation import gettext as _

from wangge.audit.services import audit_record
from wangge.imports.excel import XlsxWriter

from . import selectors
from .ledger import annual_ledger
from .models import CreditSource, LevelGroup

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def ledger_export(*, actor, year: int, unit_id: int | None, request=None):
    """(file name, open temp file) of the ledger of the cadres in the actor's scope."""
    cadres = selectors.cadres_visible_to(actor).filter(active=True)
    unit_name = _("全部单位")
    if unit_id is not None:
        unit = selectors.unit_get_for_user(user=actor, unit_id=unit_id)
        cadres = cadres.filter(unit=unit)
        unit_name = unit.name
    rows = annual_ledger(cadres=cadres, year=year)
    title = _("学时台账")
    headers = [_("单位"), _("姓名"), _("干部类别")] + [str(label) for _v, label in CreditSource.choices] + [
        _("结转"), _("合计"), _("培训天数"), _("要求学时"), _("尚缺学时"), _("是否达标"),
    ]
    writer = XlsxWriter()
    writer.sheet(title, headers)
    groups = dict(LevelGroup.choices)
    for row in rows:
        y = row.year
        writer.append(title, [row.unit, row.name, str(groups.get(row.group, row.group))]
                      + [float(y.by_source.get(v, 0)) for v, _label in CreditSource.choices]
                      + [float(y.carried_in), float(y.total), float(y.days), float(y.required),
                         float(y.missing), _("是") if y.met else _("否")])
    handle = tempfile.TemporaryFile(prefix="wangge-training-", suffix=".xlsx")  # noqa: SIM115
    writer.save(handle)
    handle.seek(0)
    audit_record(action="export", actor=actor, request=request, object_type="training.ledger",
                 object_id=unit_id or "", detail={"year": year, "rows": len(rows), "kind": "training_ledger"})
    return f"{unit_name}-{year}-{title}.xlsx", handle
