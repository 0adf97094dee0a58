import hashlib

from django.db import transaction

from stats import figures

from . import pack
from .models import ReportDownload


def prepare_report(period, template, now=None):
    """The period's figures, the template's labels and the checks: what the page shows before the download.
    UnknownFigureKeyError when the template labels a key the layout does not have."""
    labels = template.labels()
    data = figures.period_figures(period, now)
    return data, labels, pack.checks(data)


@transaction.atomic
def download_report(period, template, *, acting_user, now=None):
    """The reporting pack of a period in a template (.xlsx bytes), recorded with who downloaded it, when, whether
    its checks passed and the file's fingerprint, so a figure sent upward can be traced back to its file."""
    data, labels, found = prepare_report(period, template, now)
    content = pack.workbook(data, template, labels, found)
    download = ReportDownload.objects.create(
        user=acting_user,
        period=str(period),
        template=template,
        template_name=template.name,
        failed_checks=sum(not check.passed for check in found),
        sha256=hashlib.sha256(content).hexdigest(),
    )
    return content, download
