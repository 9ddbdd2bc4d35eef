from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    """Cadre education and training (干部教育培训): needs, courses, classes, QR attendance,
    credit hours and the ledger (docs/domain.md, "Cadre training")."""

    name = "wangge.training"
    label = "training"
    verbose_name = _("干部教育培训")
    roles = [
        # A member unit's training officer: sees and enrols only the unit's own cadres.
        ("TRAINING_OFFICER", "training_officer", _("单位培训专管员")),
        # A cadre in training: checks in, asks for leave, rates, sees their own ledger.
        ("CADRE", "cadre", _("参训干部")),
    ]
    urls = [("training/", "wangge.training.urls")]
