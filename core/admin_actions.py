"""Admin actions that hand each selected row to a service: shared by every app's admin."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import gettext, ngettext

from .forms import ReasonForm


def run_service(modeladmin, request, queryset, service, *, label_of=str, **kwargs):
    """Run `service(obj, acting_user=..., **kwargs)` on each selected row; report successes and each refusal."""
    done, failed = 0, []
    for obj in queryset:
        try:
            service(obj, acting_user=request.user, **kwargs)
            done += 1
        except ValidationError as error:
            problem = " ".join(error.messages)
            failed.append(gettext("%(item)s: %(problem)s") % {"item": label_of(obj), "problem": problem})
    if done:
        modeladmin.message_user(
            request,
            ngettext("%(count)d item changed.", "%(count)d items changed.", done) % {"count": done},
            messages.SUCCESS,
        )
    for failure in failed:
        modeladmin.message_user(request, failure, messages.ERROR)


def run_service_with_reason(modeladmin, request, queryset, service, *, title, label_of=str):
    """An action that first asks for the reason the organizations will read, then runs the service with it."""
    if "apply" in request.POST:
        form = ReasonForm(request.POST)
        if form.is_valid():
            run_service(modeladmin, request, queryset, service, label_of=label_of, reason=form.cleaned_data["reason"])
            return None
    else:
        form = ReasonForm()
    return TemplateResponse(
        request,
        "admin/reason_form.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": title,
            "form": form,
            "selected": [(obj.pk, label_of(obj)) for obj in queryset],
            "action": request.POST.get("action"),
            "opts": modeladmin.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        },
    )
