import pytest
from django.core.exceptions import ValidationError

from reports import layout
from reports.models import ReportLabel, ReportTemplate
from tests.reports.factories import ReportLabelFactory, ReportTemplateFactory

pytestmark = pytest.mark.django_db


def test_the_default_template_labels_every_key_of_the_layout():
    template = ReportTemplate.objects.default()
    assert template.name == "街道季报" and template.is_default
    assert set(template.label_rows.values_list("key", flat=True)) == set(layout.LABELS)


def test_only_one_template_is_the_default():
    with pytest.raises(ValidationError) as error:
        ReportTemplateFactory.build(name="区季报", is_default=True).full_clean()
    assert "街道季报" in str(error.value)
    ReportTemplateFactory.build(name="区季报").full_clean()


def test_a_label_of_an_unknown_key_is_refused_with_the_known_keys():
    label = ReportLabelFactory.build(template=ReportTemplateFactory(), key="A.wrong")
    with pytest.raises(ValidationError) as error:
        label.full_clean()
    assert "Unknown figure key A.wrong" in str(error.value) and "A.social_group" in str(error.value)


def test_labels_fall_back_on_the_layout_and_order_rows_by_position():
    template = ReportTemplateFactory()
    ReportLabel.objects.create(template=template, key="A.foundation", label="基金会", position=1)
    labels = template.labels()
    assert labels["A.foundation"] == ("基金会", 1)
    assert labels["A.social_group"][0] == "Social group"  # the layout's default, translated
    assert labels["A.foundation"][1] < labels["A.social_group"][1]
