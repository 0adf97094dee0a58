"""The staff's Excel exports of contracts and payments (written by core.spreadsheets)."""

from django.utils.translation import gettext as _
from django.utils.translation import pgettext


def contract_rows(contracts):
    """(header, rows) of contracts (`with_paid`, evaluations and tranches prefetched)."""
    header = [
        _("Contract number"), _("Project"), _("Organization"), _("Purchaser"), _("Signed on"), _("Service starts on"),
        _("Service ends on"), _("Contract amount (yuan)"), _("Paid (yuan)"), _("Left to pay (yuan)"),
        pgettext("contract stage", "Stage"),
        _("Tranches"),
    ]
    rows = (
        [
            contract.number, contract.project.title, contract.project.organization.name, contract.purchaser,
            contract.signed_on, contract.starts_on, contract.ends_on, contract.amount, contract.paid_total(),
            contract.remaining(), str(contract.stage),
            " / ".join(str(tranche) for tranche in contract.tranches.all()),
        ]
        for contract in contracts
    )
    return header, rows


def payment_rows(payments):
    """(header, rows) of payments (tranche, contract, project, organization and recorder selected)."""
    header = [
        _("Paid on"), _("Voucher number"), _("Amount (yuan)"), _("Contract number"), _("Tranche"), _("Project"),
        _("Organization"), _("Recorded by"), _("Recorded at"),
    ]
    rows = (
        [
            payment.paid_on, payment.voucher, payment.amount, payment.tranche.contract.number, str(payment.tranche),
            payment.tranche.contract.project.title, payment.tranche.contract.project.organization.name,
            payment.recorded_by.get_full_name() or payment.recorded_by.username if payment.recorded_by else "",
            payment.recorded_at,
        ]
        for payment in payments
    )
    return header, rows
