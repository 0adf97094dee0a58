"""Excel/CSV columns for organizations and memberships (admin export, and import of the ledger 台账).

Column headers follow the admin's language on export; on import, Chinese and English headers and
the field names are all understood, and type/field labels may be given in either language.
"""

import re
import unicodedata

from django.utils import translation
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources, widgets

from .models import Community, Membership, Organization, ServiceField


def _comparable(text):
    """Text as a ledger may type it: case, surrounding spaces and full- or half-width forms do not matter
    (“社会服务机构（民办非企业单位）” and “社会服务机构(民办非企业单位)” are the same label)."""
    return unicodedata.normalize("NFKC", str(text or "")).strip().lower()


def _labels(choices_or_label):
    """Both languages' forms of a lazy label."""
    forms = set()
    for language in ("zh-hans", "en"):
        with translation.override(language):
            forms.add(_comparable(choices_or_label))
    return forms


class ChoiceLabelWidget(widgets.Widget):
    """A choice shown by its label; the code or the label in either language is accepted on import."""

    def __init__(self, choices, **kwargs):
        self.choices = choices
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        text = _comparable(value)
        if not text:
            return None
        for code, label in self.choices:
            if text == code or text in _labels(label):
                return code
        raise ValueError(_("“%(value)s” is not one of the allowed values.") % {"value": value})

    def render(self, value, obj=None, **kwargs):
        return str(dict(self.choices).get(value, value or ""))


class YesNoWidget(widgets.BooleanWidget):
    TRUE_VALUES = ["1", 1, True, "true", "TRUE", "True", "yes", "Yes", "是", "有", "y", "Y"]
    FALSE_VALUES = ["0", 0, False, "false", "FALSE", "False", "no", "No", "否", "无", "n", "N", ""]

    def render(self, value, obj=None, **kwargs):
        return str(_("Yes") if value else _("No"))


SEPARATORS = re.compile("[、,\uff0c;\uff1b\n]")  # 、 , ， ; ； or a new line


class LabelledManyToManyWidget(widgets.ManyToManyWidget):
    """Several rows by name (communities) or label (service fields), separated by 、 , ; or a new line."""

    def __init__(self, model, match, render_with=str, **kwargs):
        self.match = match
        self.render_with = render_with
        super().__init__(model, **kwargs)

    def clean(self, value, row=None, **kwargs):
        names = [part.strip() for part in SEPARATORS.split(str(value or "")) if part.strip()]
        found = []
        for name in names:
            obj = self.match(name)
            if obj is None:
                raise ValueError(_("Unknown value “%(name)s”.") % {"name": name})
            found.append(obj)
        return found

    def render(self, value, obj=None, **kwargs):
        return "、".join(self.render_with(item) for item in value.all()) if value is not None else ""


def _service_field(name):
    for field in ServiceField.objects.all():
        if _comparable(name) in _labels(ServiceField.Code(field.code).label) or name == field.code:
            return field
    return None


def _community(name):
    return Community.objects.filter(name=name).first() or Community.objects.filter(code=name).first()


class HeaderTolerantResource(resources.ModelResource):
    """Accepts headers in Chinese, in English or as field names."""

    def before_import(self, dataset, **kwargs):
        known = {}
        for field in self.get_import_fields():
            for alias in _labels(field.column_name) | {field.attribute, field.column_name}:
                known[str(alias).strip().lower()] = field.column_name
        dataset.headers = [known.get(str(header or "").strip().lower(), header) for header in dataset.headers]
        super().before_import(dataset, **kwargs)


class OrganizationResource(HeaderTolerantResource):
    name = fields.Field(attribute="name", column_name=_("name"))
    credit_code = fields.Field(attribute="credit_code", column_name=_("unified social credit code"))
    org_type = fields.Field(
        attribute="org_type", column_name=_("type"), widget=ChoiceLabelWidget(Organization.Type.choices)
    )
    founded_on = fields.Field(attribute="founded_on", column_name=_("registered on"), widget=widgets.DateWidget())
    registration_authority = fields.Field(attribute="registration_authority", column_name=_("registration authority"))
    service_fields = fields.Field(
        attribute="service_fields",
        column_name=_("service fields"),
        widget=LabelledManyToManyWidget(ServiceField, match=_service_field),
    )
    communities = fields.Field(
        attribute="communities",
        column_name=_("communities served"),
        widget=LabelledManyToManyWidget(Community, match=_community),
    )
    address = fields.Field(attribute="address", column_name=_("address"))
    contact_person = fields.Field(attribute="contact_person", column_name=_("contact person"))
    contact_phone = fields.Field(attribute="contact_phone", column_name=_("contact phone"))
    email = fields.Field(attribute="email", column_name=_("email"))
    summary = fields.Field(attribute="summary", column_name=_("short description"))
    government_funded = fields.Field(
        attribute="government_funded", column_name=_("government-funded background"), widget=YesNoWidget()
    )
    star_rating = fields.Field(
        attribute="star_rating", column_name=_("star rating"), widget=widgets.IntegerWidget(), default=0
    )
    has_party_organization = fields.Field(
        attribute="has_party_organization", column_name=_("has a party organization"), widget=YesNoWidget()
    )

    class Meta:
        model = Organization
        import_id_fields = ["name"]
        fields = [
            "name",
            "credit_code",
            "org_type",
            "founded_on",
            "registration_authority",
            "service_fields",
            "communities",
            "address",
            "contact_person",
            "contact_phone",
            "email",
            "summary",
            "government_funded",
            "star_rating",
            "has_party_organization",
        ]
        clean_model_instances = True  # run the model's validation (credit code check digit…) on every row
        skip_unchanged = True
        report_skipped = True
        use_transactions = True  # an error in any row imports nothing

    def get_queryset(self):
        return super().get_queryset().prefetch_related("service_fields", "communities")


class MembershipResource(resources.ModelResource):
    organization = fields.Field(attribute="organization__name", column_name=_("organization"))
    status = fields.Field(
        attribute="status", column_name=_("status"), widget=ChoiceLabelWidget(Membership.Status.choices)
    )
    applied_on = fields.Field(attribute="applied_on", column_name=_("applied on"), widget=widgets.DateWidget())
    joined_on = fields.Field(attribute="joined_on", column_name=_("member since"), widget=widgets.DateWidget())
    is_founding = fields.Field(attribute="is_founding", column_name=_("founding member"), widget=YesNoWidget())
    reason = fields.Field(attribute="reason", column_name=_("reason"))

    class Meta:
        model = Membership
        fields = ["organization", "status", "applied_on", "joined_on", "is_founding", "reason"]

    def get_queryset(self):
        return super().get_queryset().select_related("organization")
