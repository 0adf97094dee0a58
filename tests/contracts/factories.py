from datetime import timedelta
from decimal import Decimal

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from contracts.models import EVALUATOR_GROUP, Contract, Evaluation, Indicator, Payment, Tranche
from tests.members.factories import UserFactory
from tests.projects.factories import PublicProjectFactory


class ContractFactory(factory.django.DjangoModelFactory):
    """A contract in service on a running project: ¥200,000 from the start of last month for a year, with the
    article's three indicators, 40 % / 30 % / 30 % tranches (the first payable) and its two evaluations."""

    class Meta:
        model = Contract
        skip_postgeneration_save = True

    project = factory.SubFactory(PublicProjectFactory)
    number = factory.Sequence(lambda n: f"CSGM-2026-{n:03d}")
    signed_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=40))
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=40))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=325))
    amount = Decimal("200000")

    @factory.post_generation
    def parts(self, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        Indicator.objects.create(contract=self, name="服务人次", unit="人次", target=1200,
                                 measure=Indicator.Measure.ATTENDANCE)
        Indicator.objects.create(contract=self, name="活动场次", unit="场", target=24,
                                 measure=Indicator.Measure.ACTIVITIES)
        Indicator.objects.create(contract=self, name="满意度", unit="%", target=90, measure=Indicator.Measure.MANUAL)
        now = timezone.now()
        for position, (percent, condition) in enumerate(
            [(40, Tranche.Condition.SIGNING), (30, Tranche.Condition.MIDTERM), (30, Tranche.Condition.FINAL)], 1
        ):
            Tranche.objects.create(contract=self, position=position, percent=percent, condition=condition,
                                   unlocked_at=now if condition == Tranche.Condition.SIGNING else None)
        Evaluation.objects.create(contract=self, kind=Evaluation.Kind.MIDTERM, due_on=timezone.localdate())
        Evaluation.objects.create(contract=self, kind=Evaluation.Kind.FINAL, due_on=self.ends_on)


def evaluator(**kwargs):
    """A user of the third-party evaluation agency."""
    user = UserFactory(**kwargs)
    Group.objects.get_or_create(name=EVALUATOR_GROUP)[0].user_set.add(user)
    return user


def pay(contract, amount, condition=Tranche.Condition.SIGNING, paid_on=None, voucher=None):
    """A payment written straight to the database (the triggers still apply)."""
    tranche = contract.tranches.get(condition=condition)
    return Payment.objects.create(
        tranche=tranche, amount=Decimal(amount), paid_on=paid_on or timezone.localdate(),
        voucher=voucher or f"PZ-{Payment.objects.count() + 1:05d}-{contract.pk}",
    )
