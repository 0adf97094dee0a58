"""Excel/CSV columns for organizations and memberships (admin export, and import of the ledger 台账).

Column headers follow the admin's language on export; on import, Chinese and English headers and
the field names are all understood, and type/field labels may be given in either language.
"""

import datetime
import re
import unicodedata

from django.core.exceptions import ValidationError
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


class YesNoWidget(widgets.Widget):
    """是/否 (or yes/no, 有/无, 1/0); a blank cell is no; anything else is refused."""

    TRUE_VALUES = {"1", "true", "yes", "y", "是", "有"}
    FALSE_VALUES = {"0", "false", "no", "n", "否", "无", ""}

    def clean(self, value, row=None, **kwargs):
        text = _comparable(value)
        if value is True or text in self.TRUE_VALUES or text in _labels(_("Yes")):
            return True
        if value is None or value is False or text in self.FALSE_VALUES or text in _labels(_("No")):
            return False
        raise ValueError(_("“%(value)s” is neither yes (是) nor no (否).") % {"value": value})

    def render(self, value, obj=None, **kwargs):
        return str(_("Yes") if value else _("No"))


class TextWidget(widgets.CharWidget):
    """Text; a blank cell is an empty text (never NULL)."""

    def __init__(self, **kwargs):
        super().__init__(allow_blank=True, **kwargs)

    def clean(self, value, row=None, **kwargs):
        return "" if value is None else str(value).strip()


class LedgerDateWidget(widgets.Widget):
    """A date as a ledger holds it: an Excel date, 2017-06-01, 2017/6/1, 2017.6.1 or 2017年6月1日."""

    PATTERN = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        match = self.PATTERN.match(unicodedata.normalize("NFKC", str(value)).strip())
        try:
            if not match:
                raise ValueError
            return datetime.date(*(int(part) for part in match.groups()))
        except ValueError:
            raise ValueError(
                _("“%(value)s” is not a date: write it as 2017-06-01.") % {"value": value}
            ) from None

    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if value else ""


class StarsWidget(widgets.Widget):
    """A star rating: a whole number from 0 to 5; a blank cell is 0."""

    def clean(self, value, row=None, **kwargs):
        text = unicodedata.normalize("NFKC", str(value if value is not None else "")).strip()
        if not text:
            return 0
        try:
            stars = float(text)
        except ValueError:
            stars = -1
        if stars != int(stars) or not 0 <= stars <= 5:
            raise ValueError(_("“%(value)s” is not a star rating from 0 to 5.") % {"value": value})
        return int(stars)

    def render(self, value, obj=None, **kwargs):
        return value or 0


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


class LedgerResource(resources.ModelResource):
    """A ledger (台账) import: headers in Chinese, in English or as field names; every problem is reported with
    its row (by the admin's preview), its column's header and the value; nothing is written unless every row is
    valid (`use_transactions`, and the admin offers no confirmation while a row is invalid)."""

    # Columns that identify a row: the same value twice in one file is refused.
    unique_columns = ()

    def import_data(self, dataset, *args, rollback_on_validation_errors=True, **kwargs):
        # One invalid row and nothing of the file is written, whoever calls (the admin, a script, a test).
        kwargs["rollback_on_validation_errors"] = rollback_on_validation_errors
        return super().import_data(dataset, *args, **kwargs)

    def before_import(self, dataset, **kwargs):
        known = {}
        for field in self.get_import_fields():
            for alias in _labels(field.column_name) | {field.attribute, field.column_name}:
                known[str(alias).strip().lower()] = str(field.column_name)
        dataset.headers = [known.get(str(header or "").strip().lower(), header) for header in dataset.headers]
        self._duplicates = self._find_duplicates(dataset)
        super().before_import(dataset, **kwargs)

    def _find_duplicates(self, dataset):
        """{row number: [(field, value, first row number)]} for values already seen in an earlier row."""
        duplicates = {}
        for attribute in self.unique_columns:
            field = self.fields[attribute]
            header = str(field.column_name)
            if header not in (dataset.headers or []):
                continue
            seen = {}
            for number, value in enumerate(dataset[header], start=1):
                text = _comparable(value)
                if not text:
                    continue
                if text in seen:
                    duplicates.setdefault(number, []).append((field, value, seen[text]))
                else:
                    seen[text] = number
        return duplicates

    def before_import_row(self, row, row_number=None, **kwargs):
        found = getattr(self, "_duplicates", {}).get(row_number)
        if found:
            raise ValidationError(
                {
                    str(field.column_name): _("“%(value)s” is already in row %(row)s of this file.")
                    % {"value": value, "row": first}
                    for field, value, first in found
                }
            )
        super().before_import_row(row, row_number=row_number, **kwargs)

    def import_instance(self, instance, row, **kwargs):
        """Every column is read, the many-to-many ones too (the library reads those only when saving)."""
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for field in self.get_import_fields():
            if isinstance(field.widget, widgets.ManyToManyWidget) and str(field.column_name) in row:
                try:
                    field.clean(row)
                except ValueError as error:
                    errors[field.attribute] = [str(error)]
        if errors:
            raise ValidationError(errors)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """The columns that could not be read (their messages name the value), then the model's own rules on the
        rest (credit code check digit, uniqueness…), each message naming the column and the value."""
        read_errors = dict(import_validation_errors or {})
        errors = {}
        try:
            instance.full_clean(exclude=read_errors.keys(), validate_unique=validate_unique)
        except ValidationError as error:
            errors = self._with_values(error.message_dict, instance)
        for key, messages in read_errors.items():
            errors.setdefault(self._column(key), []).extend(ValidationError(messages).messages)
        if errors:
            raise ValidationError(errors)

    def _column(self, attribute):
        field = next((f for f in self.get_import_fields() if f.attribute == attribute), None)
        return str(field.column_name) if field is not None else attribute

    def _with_values(self, message_dict, instance):
        by_attribute = {field.attribute: field for field in self.get_import_fields()}
        result = {}
        for key, messages in message_dict.items():
            field = by_attribute.get(key)
            value = field.export(instance) if field is not None else ""
            result.setdefault(self._column(key), []).extend(
                _("%(message)s (value: “%(value)s”)") % {"message": message.rstrip("。."), "value": value}
                if value and str(value) not in message
                else message
                for message in messages
            )
        return result


def text(attribute, column_name):
    return fields.Field(attribute=attribute, column_name=column_name, widget=TextWidget())


class OrganizationResource(LedgerResource):
    name = text("name", _("name"))
    credit_code = fields.Field(attribute="credit_code", column_name=_("unified social credit code"))
    org_type = fields.Field(
        attribute="org_type", column_name=_("type"), widget=ChoiceLabelWidget(Organization.Type.choices)
    )
    founded_on = fields.Field(attribute="founded_on", column_name=_("registered on"), widget=LedgerDateWidget())
    registration_authority = text("registration_authority", _("registration authority"))
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
    address = text("address", _("address"))
    contact_person = text("contact_person", _("contact person"))
    contact_phone = text("contact_phone", _("contact phone"))
    email = text("email", _("email"))
    website = text("website", _("website"))
    summary = text("summary", _("short description"))
    government_funded = fields.Field(
        attribute="government_funded", column_name=_("government-funded background"), widget=YesNoWidget()
    )
    star_rating = fields.Field(attribute="star_rating", column_name=_("star rating"), widget=StarsWidget())
    has_party_organization = fields.Field(
        attribute="has_party_organization", column_name=_("has a party organization"), widget=YesNoWidget()
    )

    unique_columns = ("name", "credit_code")

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
            "website",
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
