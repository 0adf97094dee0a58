"""Excel/CSV columns for projects and reviews (admin export; headers follow the admin's language)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from import_export import fields, resources, widgets

from members.models import Community, ServiceField
from members.resources import ChoiceLabelWidget, LabelledManyToManyWidget, YesNoWidget, _community

from .models import FundingSource, Project, Review


class ProjectResource(resources.ModelResource):
    title = fields.Field(attribute="title", column_name=_("title"))
    organization = fields.Field(attribute="organization__name", column_name=_("organization"))
    call = fields.Field(attribute="call__title", column_name=_("call for proposals"))
    service_field = fields.Field(
        attribute="service_field", column_name=_("service field"), widget=ChoiceLabelWidget(ServiceField.Code.choices)
    )
    communities = fields.Field(
        attribute="communities",
        column_name=pgettext_lazy("a project's", "communities"),
        widget=LabelledManyToManyWidget(Community, match=_community),
    )
    state = fields.Field(attribute="state", column_name=_("state"), widget=ChoiceLabelWidget(Project.State.choices))
    budget = fields.Field(attribute="budget", column_name=_("budget (yuan)"), widget=widgets.DecimalWidget())
    funding_source = fields.Field(
        attribute="funding_source", column_name=_("funding source"), widget=ChoiceLabelWidget(FundingSource.choices)
    )
    funding_amount = fields.Field(
        attribute="funding_amount", column_name=_("funding amount (yuan)"), widget=widgets.DecimalWidget()
    )
    starts_on = fields.Field(attribute="starts_on", column_name=_("starts on"), widget=widgets.DateWidget())
    ends_on = fields.Field(attribute="ends_on", column_name=_("ends on"), widget=widgets.DateWidget())
    is_selected = fields.Field(attribute="is_selected", column_name=_("selected project"), widget=YesNoWidget())
    is_brand = fields.Field(attribute="is_brand", column_name=_("brand project"), widget=YesNoWidget())
    summary = fields.Field(attribute="summary", column_name=_("summary"))

    class Meta:
        model = Project
        fields = [
            "title", "organization", "call", "service_field", "communities", "state", "budget",
            "funding_source", "funding_amount", "starts_on", "ends_on", "is_selected", "is_brand", "summary",
        ]

    def get_queryset(self):
        return super().get_queryset().select_related("organization", "call").prefetch_related("communities")


class ReviewResource(resources.ModelResource):
    project = fields.Field(attribute="project__title", column_name=_("proposal"))
    organization = fields.Field(attribute="project__organization__name", column_name=_("organization"))
    call = fields.Field(attribute="project__call__title", column_name=_("call for proposals"))
    reviewer = fields.Field(attribute="reviewer__username", column_name=_("reviewer"))
    public_benefit = fields.Field(attribute="public_benefit", column_name=_("public benefit"))
    operability = fields.Field(attribute="operability", column_name=_("operability"))
    coverage = fields.Field(attribute="coverage", column_name=_("coverage"))
    comment = fields.Field(attribute="comment", column_name=_("comment"))

    class Meta:
        model = Review
        fields = ["project", "organization", "call", "reviewer", "public_benefit", "operability", "coverage", "comment"]

    def get_queryset(self):
        return super().get_queryset().select_related("project__organization", "project__call", "reviewer")
