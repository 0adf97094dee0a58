"""Templates of the reporting pack, stored as data (a district renames or reorders rows in the admin), and the record
of every pack downloaded, so a figure sent upward can be traced back."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import layout


class ReportTemplateQuerySet(models.QuerySet):
    def default(self):
        """The template a staff member gets unless they choose another ("街道季报" in a new database)."""
        return self.order_by("-is_default", "name").first()


class ReportTemplate(models.Model):
    """A set of labels for the reporting pack's fixed layout (layout.LABELS)."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    is_default = models.BooleanField(_("default"), default=False, help_text=_("Chosen unless staff pick another."))
    description = models.TextField(_("description"), blank=True)

    objects = ReportTemplateQuerySet.as_manager()

    class Meta:
        ordering = ["-is_default", "name"]
        verbose_name = _("report template")
        verbose_name_plural = _("report templates")
        constraints = [
            models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True), name="one_default_template"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        other = ReportTemplate.objects.filter(is_default=True).exclude(pk=self.pk).first()
        if self.is_default and other is not None:
            raise ValidationError(
                {"is_default": _("“%(name)s” is the default template: make it no longer the default first.")
                 % {"name": other.name}}
            )

    def labels(self):
        """{key: (label, position)} for every key of the layout: the template's label, the layout's default
        where it has none. UnknownFigureKeyError when the template labels a key the layout does not have."""
        rows = {label.key: (label.label, label.position) for label in self.label_rows.all()}
        layout.check_keys(rows)
        defaults = {key: (str(label), 1000 + index) for index, (key, label) in enumerate(layout.LABELS.items())}
        return defaults | rows


class ReportLabel(models.Model):
    """The label of one figure key (a sheet, a row or a column) in a template, and its place among the rows."""

    template = models.ForeignKey(
        ReportTemplate, verbose_name=_("template"), on_delete=models.CASCADE, related_name="label_rows"
    )
    key = models.CharField(
        _("figure key"), max_length=60,
        help_text=_("A key of the reporting pack's layout, such as A.social_group or C.participants."),
    )
    label = models.CharField(_("label"), max_length=100)
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Rows of a sheet are in the order of their positions.")
    )

    class Meta:
        ordering = ["position", "key"]
        verbose_name = _("label")
        verbose_name_plural = _("labels")
        constraints = [models.UniqueConstraint(fields=["template", "key"], name="one_label_per_key")]

    def __str__(self):
        return f"{self.key}: {self.label}"

    def clean(self):
        if self.key not in layout.LABELS:
            raise ValidationError(
                {"key": _("Unknown figure key %(key)s. The known keys: %(keys)s.")
                 % {"key": self.key, "keys": ", ".join(layout.LABELS)}}
            )


class ReportDownload(models.Model):
    """A reporting pack downloaded: who, which period and template, when, and whether its checks passed."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("downloaded by"), on_delete=models.SET_NULL, null=True,
        related_name="+",
    )
    period = models.CharField(_("period"), max_length=10)
    template = models.ForeignKey(
        ReportTemplate, verbose_name=_("template"), on_delete=models.SET_NULL, null=True, related_name="downloads"
    )
    template_name = models.CharField(_("template name"), max_length=60, help_text=_("As it was named then."))
    at = models.DateTimeField(_("downloaded at"), default=timezone.now, db_index=True)
    failed_checks = models.PositiveSmallIntegerField(_("failed checks"), default=0)
    sha256 = models.CharField(_("file fingerprint (SHA-256)"), max_length=64)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("report download")
        verbose_name_plural = _("report downloads")
        permissions = [("download_report", _("Can download the reporting pack"))]

    def __str__(self):
        return f"{self.period} · {self.template_name}"
