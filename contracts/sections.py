"""What the contracts app adds to pages it does not own: a project's pages (core.portal.register_project_section).

Projects sit below contracts and never import them: the public page shows "政府购买服务" with the contracted amount,
the organization's own page and staff on the public page each contract's stage (a paused contract stands out) and a
link to it. Payments are never shown on public pages.
"""

from django.db.models import Sum

from .models import Contract


def project_section(project, audience):
    """The project's contracts (one query), or None without any: residents read the contracted amount; staff and the
    organization also each contract's stage, a paused one standing out, with a link to it."""
    if audience == "public":
        total = Contract.objects.filter(project=project).aggregate(total=Sum("amount"))["total"]
        if total is None:
            return None
        return {"template_name": "contracts/includes/_project_public.html", "contracted_amount": total}
    contracts = list(Contract.objects.filter(project=project).prefetch_related("evaluations").order_by("signed_on"))
    if not contracts:
        return None
    return {
        "template_name": "contracts/includes/_project_manage.html",
        "contracts": contracts,
        "contracted_amount": sum(contract.amount for contract in contracts),
        "detail_url": "contracts:staff-detail" if audience == "staff" else "contracts:manage-detail",
        "in_facts": audience == "staff",
    }
