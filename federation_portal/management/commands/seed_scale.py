"""City-scale data for the benchmark (make bench, docs/performance.md).

    python manage.py seed_scale --orgs 2000 --projects 20000 --events 100000 --registrations 1000000

Builds on the demo world (runs seed_demo first: communities, service fields, staff, reviewer) and adds
organizations, memberships, projects with a call under review, events with reports and residents' sign-ups.
Rows go in with explicit ids in bulk (PostgreSQL COPY, bulk_create elsewhere), from a fixed random seed, so
the same sizes always give the same data. Scale rows are recognisable by slugs starting with "scale-";
run again with the same sizes and nothing happens; with other sizes, pass --reset to replace them.
"""

import io
import random
import time
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from core.caching import data_changed
from core.validators import credit_code_check_character
from events.models import DUTY_TIME_ZONE, Event, EventChange, EventReport, Registration
from members.models import Community, Membership, MembershipChange, Organization, ServiceField
from projects.models import Call, FundingSource, ProgressUpdate, Project, ProjectStateChange, Review

SLUG_PREFIX = "scale-"
SCALE_CALL_TITLE = "规模测试：街道公益项目集中评审"
RANKING_PROPOSALS = 300  # proposals of the scale call (the ranking page shows them all)
CHUNK = 20_000

DISTRICTS = ["浦东", "黄浦", "静安", "徐汇", "长宁", "普陀", "虹口", "杨浦", "闵行", "宝山", "嘉定", "松江"]
THEMES = [
    ("为老服务", "elderly"), ("助餐送餐", "poverty_food"), ("青少年成长", "children_youth"), ("助残康复", "disability"),
    ("环保绿色", "environment"), ("文化艺术", "culture_arts"), ("社区教育", "education"), ("就业创业", "employment"),
    ("邻里自治", "governance"), ("志愿服务", "volunteering"), ("健康促进", "health"), ("党建引领", "party_building"),
]
SUFFIXES = [
    ("服务社", Organization.Type.SERVICE_AGENCY), ("服务中心", Organization.Type.SERVICE_AGENCY),
    ("协会", Organization.Type.SOCIAL_GROUP), ("促进会", Organization.Type.SOCIAL_GROUP),
    ("团队", Organization.Type.COMMUNITY_TEAM), ("基金会", Organization.Type.FOUNDATION),
]
ACTIVITIES = [
    "健康讲座", "便民理发", "义诊咨询", "亲子阅读", "垃圾分类宣传",
    "邻里百家宴", "智能手机课堂", "法律咨询", "手工课堂",
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬鹏辉"


class Command(BaseCommand):
    help = "Add city-scale data (organizations, projects, events, sign-ups) on top of the demo world."

    def add_arguments(self, parser):
        parser.add_argument("--orgs", type=int, default=200)
        parser.add_argument("--projects", type=int, default=2000)
        parser.add_argument("--events", type=int, default=10000)
        parser.add_argument("--registrations", type=int, default=100000)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--reset", action="store_true", help="Remove earlier scale data first.")

    def handle(self, *args, **options):
        sizes = {key: options[key] for key in ("orgs", "projects", "events", "registrations")}
        if sizes["orgs"] < 1:
            raise CommandError("--orgs must be at least 1.")
        started = time.monotonic()
        call_command("seed_demo", stdout=io.StringIO())
        present = current_sizes()
        if present == sizes and not options["reset"]:
            self.stdout.write(f"Scale data already present at {sizes}; nothing to do.")
            return
        if present["orgs"] and not options["reset"]:
            raise CommandError(f"Scale data of other sizes is present ({present}); pass --reset to replace it.")
        with transaction.atomic():
            if present["orgs"]:
                remove_scale_data()
            Builder(random.Random(options["seed"]), self.stdout).build(**sizes)
        reset_sequences()
        data_changed()  # COPY and bulk_create send no signals
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")  # planner statistics and the visibility map (index-only scans)
        self.stdout.write(self.style.SUCCESS(f"Scale data ready: {sizes} in {time.monotonic() - started:.0f} s."))


def scale_organizations():
    return Organization.objects.filter(slug__startswith=SLUG_PREFIX)


def current_sizes():
    organizations = scale_organizations()
    return {
        "orgs": organizations.count(),
        "projects": Project.objects.filter(slug__startswith=SLUG_PREFIX).count(),
        "events": Event.objects.filter(organization__in=organizations).count(),
        "registrations": Registration.objects.filter(event__organization__in=organizations).count(),
    }


def remove_scale_data():
    """Fast deletes without signals or cascades collected in Python, children first."""
    organizations = scale_organizations()
    events = Event.objects.filter(organization__in=organizations)
    projects = Project.objects.filter(slug__startswith=SLUG_PREFIX)
    querysets = [
        Registration.objects.filter(event__in=events),
        EventReport.objects.filter(event__in=events),
        EventChange.objects.filter(event__in=events),
        events,
        Review.objects.filter(project__in=projects),
        ProgressUpdate.objects.filter(project__in=projects),
        ProjectStateChange.objects.filter(project__in=projects),
        Project.communities.through.objects.filter(project__in=projects),
        projects,
        Call.reviewers.through.objects.filter(call__title=SCALE_CALL_TITLE),
        Call.objects.filter(title=SCALE_CALL_TITLE),
        MembershipChange.objects.filter(membership__organization__in=organizations),
        Membership.objects.filter(organization__in=organizations),
        Organization.service_fields.through.objects.filter(organization__in=organizations),
        Organization.communities.through.objects.filter(organization__in=organizations),
        organizations,
    ]
    for queryset in querysets:
        queryset._raw_delete(queryset.db)


def reset_sequences():
    models = [
        Organization, Organization.service_fields.through, Organization.communities.through, Membership, Call,
        Project, Project.communities.through, ProgressUpdate, Review, Event, EventReport, Registration,
    ]
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


class Inserter:
    """Writes rows (dicts by attname, with explicit ids) of one model; unspecified fields get their default."""

    def __init__(self, model, now):
        self.model = model
        self.fields = model._meta.concrete_fields
        self.defaults = {}
        for field in self.fields:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                self.defaults[field.attname] = now
            else:  # the default, or "" for text columns and None for nullable ones
                self.defaults[field.attname] = field.get_default()
        self.next_id = (model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1

    def take_ids(self, count):
        first = self.next_id
        self.next_id += count
        return range(first, first + count)

    def write(self, rows):
        batch = []
        for row in rows:
            batch.append(row)
            if len(batch) >= CHUNK:
                self._flush(batch)
                batch = []
        if batch:
            self._flush(batch)

    def _flush(self, rows):
        if connection.vendor == "postgresql":
            buffer = io.StringIO()
            for row in rows:
                values = (row.get(field.attname, self.defaults[field.attname]) for field in self.fields)
                buffer.write("\t".join(map(copy_text, values)))
                buffer.write("\n")
            buffer.seek(0)
            columns = ", ".join(connection.ops.quote_name(field.column) for field in self.fields)
            table = connection.ops.quote_name(self.model._meta.db_table)
            with connection.cursor() as cursor:
                cursor.cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", buffer)
        else:
            objects = [self.model(**{**self.defaults, **row}) for row in rows]
            self.model.objects.bulk_create(objects, batch_size=500)


def copy_text(value):
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


class Builder:
    def __init__(self, rng, stdout):
        self.rng = rng
        self.stdout = stdout
        self.now = timezone.now().replace(microsecond=0)
        self.today = self.now.astimezone(DUTY_TIME_ZONE).date()
        self.communities = list(Community.objects.values_list("pk", flat=True))
        self.fields = dict(ServiceField.objects.values_list("code", "pk"))
        User = get_user_model()
        self.staff = User.objects.filter(is_staff=True).order_by("pk").values_list("pk", flat=True).first()
        self.reviewers = list(User.objects.filter(groups__name="评审专家").values_list("pk", flat=True)[:3])

    def step(self, label, started):
        self.stdout.write(f"  {label} ({time.monotonic() - started:.1f} s)")

    def build(self, *, orgs, projects, events, registrations):
        started = time.monotonic()
        org_ids = self.organizations(orgs)
        self.step(f"{orgs} organizations", started)
        project_ids = self.projects(projects, org_ids)
        self.step(f"{projects} projects", started)
        event_rows = self.events(events, org_ids, project_ids)
        self.step(f"{events} events", started)
        self.registrations(registrations, event_rows)
        self.step(f"{registrations} registrations", started)

    def organizations(self, count):
        rng = self.rng
        insert = Inserter(Organization, self.now)
        ids = list(insert.take_ids(count))
        specs = {}
        rows = []
        for n, pk in enumerate(ids):
            district = DISTRICTS[n % len(DISTRICTS)]
            theme, field = rng.choice(THEMES)
            suffix, org_type = rng.choice(SUFFIXES)
            credit_code = None
            if org_type != Organization.Type.COMMUNITY_TEAM:
                kind = {"social_group": "1", "service_agency": "2", "foundation": "3"}[org_type]
                body = f"5{kind}310115{n:09d}"
                credit_code = body + credit_code_check_character(body)
            specs[pk] = field
            rows.append({
                "id": pk,
                "name": f"{district}区{theme}{suffix}（{n + 1:05d}）",
                "slug": f"{SLUG_PREFIX}{n + 1:05d}",
                "credit_code": credit_code,
                "org_type": org_type,
                "founded_on": date(2005, 1, 1) + timedelta(days=rng.randrange(0, 7000)),
                "registration_authority": f"{district}区民政局",
                "address": f"{district}区长寿路{rng.randrange(1, 999)}号",
                "contact_person": rng.choice(SURNAMES) + rng.choice(GIVEN),
                "contact_phone": f"021-{rng.randrange(10000000, 99999999)}",
                "summary": f"扎根{district}区社区，开展{theme}相关的公益服务。",
                "description": f"本机构成立于{district}区，长期开展{theme}服务，服务社区居民。" * 3,
                "star_rating": rng.choice([0, 0, 0, 0, 1, 2, 3, 3, 4, 5]),
                "has_party_organization": rng.random() < 0.4,
                "is_public": rng.random() < 0.95,
            })
        insert.write(rows)

        through = Organization.service_fields.through
        insert_fields = Inserter(through, self.now)
        insert_fields.write(
            {"id": i, "organization_id": pk, "servicefield_id": self.fields[field]}
            for i, (pk, field) in zip(insert_fields.take_ids(count), specs.items(), strict=True)
        )
        through = Organization.communities.through
        insert_communities = Inserter(through, self.now)
        insert_communities.write(
            {"id": i, "organization_id": pk, "community_id": self.communities[n % len(self.communities)]}
            for i, (n, pk) in zip(insert_communities.take_ids(count), enumerate(ids), strict=True)
        )
        insert_membership = Inserter(Membership, self.now)
        statuses = [Membership.Status.ACTIVE] * 8 + [Membership.Status.APPLIED, Membership.Status.SUSPENDED]
        memberships = []
        for mid, pk in zip(insert_membership.take_ids(count), ids, strict=True):
            status = rng.choice(statuses)
            joined = self.today - timedelta(days=rng.randrange(30, 3000))
            memberships.append({
                "id": mid, "organization_id": pk, "status": status, "applied_on": joined - timedelta(days=14),
                "joined_on": joined if status != Membership.Status.APPLIED else None,
            })
        insert_membership.write(memberships)
        self.member_ids = [m["organization_id"] for m in memberships if m["status"] == Membership.Status.ACTIVE]
        return ids

    def projects(self, count, org_ids):
        rng = self.rng
        call_insert = Inserter(Call, self.now)
        (call_id,) = call_insert.take_ids(1)
        call_insert.write([{
            "id": call_id, "title": SCALE_CALL_TITLE, "description": "规模测试用的项目征集。",
            "opens_at": self.now - timedelta(days=60), "closes_at": self.now - timedelta(days=10),
            "budget": Decimal("2000000.00"), "state": Call.State.REVIEWING, "created_at": self.now - timedelta(days=70),
        }])
        if self.reviewers:
            through = Call.reviewers.through
            through_insert = Inserter(through, self.now)
            through_insert.write(
                {"id": i, "call_id": call_id, "user_id": user}
                for i, user in zip(through_insert.take_ids(len(self.reviewers)), self.reviewers, strict=True)
            )
        insert = Inserter(Project, self.now)
        ids = list(insert.take_ids(count))
        states = [Project.State.COMPLETED] * 3 + [Project.State.IN_PROGRESS] * 3 + [Project.State.APPROVED] * 2 + [
            Project.State.DRAFT, Project.State.SUBMITTED, Project.State.REJECTED]
        rows, public, proposals = [], [], []
        for n, pk in enumerate(ids):
            theme, field = rng.choice(THEMES)
            in_call = n < RANKING_PROPOSALS
            state = Project.State.UNDER_REVIEW if in_call else rng.choice(states)
            starts = self.today - timedelta(days=rng.randrange(-60, 1500))
            created = self.now - timedelta(days=rng.randrange(0, 1600), minutes=rng.randrange(0, 1440))
            rows.append({
                "id": pk, "organization_id": rng.choice(org_ids), "call_id": call_id if in_call else None,
                "title": f"{theme}·{rng.choice(ACTIVITIES)}项目 第{n + 1}期",
                "slug": f"{SLUG_PREFIX}p{n + 1:06d}",
                "summary": f"面向社区居民的{theme}服务，每月开展活动。",
                "description": f"项目围绕{theme}，联合社区和志愿者持续开展服务。" * 4,
                "service_field": field, "beneficiaries": f"社区居民约{rng.randrange(50, 2000)}人",
                "budget": Decimal(rng.randrange(5, 500) * 1000), "funding_source": rng.choice(FundingSource.values),
                "starts_on": starts, "ends_on": starts + timedelta(days=rng.randrange(90, 720)), "state": state,
                "is_selected": rng.random() < 0.03, "is_brand": rng.random() < 0.01,
                "submitted_at": created, "created_at": created, "updated_at": created,
            })
            if state in Project.PUBLIC_STATES:
                public.append(pk)
            if in_call:
                proposals.append(pk)
        insert.write(rows)
        through = Project.communities.through
        through_insert = Inserter(through, self.now)
        through_insert.write(
            {"id": i, "project_id": pk, "community_id": self.communities[n % len(self.communities)]}
            for i, (n, pk) in zip(through_insert.take_ids(count), enumerate(ids), strict=True)
        )
        updates = Inserter(ProgressUpdate, self.now)
        updates.write(
            {"id": i, "project_id": pk, "on": self.today - timedelta(days=rng.randrange(1, 300)),
             "text": "本月开展服务，居民反响良好。", "beneficiaries_reached": rng.randrange(10, 300),
             "created_by_id": self.staff}
            for i, pk in zip(updates.take_ids(len(public)), public, strict=True)
        )
        reviews = Inserter(Review, self.now)
        pairs = [(pk, user) for pk in proposals for user in self.reviewers]
        reviews.write(
            {"id": i, "project_id": pk, "reviewer_id": user, "public_benefit": rng.randrange(4, 11),
             "operability": rng.randrange(4, 11), "coverage": rng.randrange(4, 11), "comment": "方案可行。"}
            for i, (pk, user) in zip(reviews.take_ids(len(pairs)), pairs, strict=True)
        )
        self.public_projects = public
        return ids

    def events(self, count, org_ids, project_ids):
        rng = self.rng
        insert = Inserter(Event, self.now)
        kinds = [Event.Kind.COMMUNITY_ACTIVITY] * 6 + [Event.Kind.TRAINING, Event.Kind.PARTNER_DAY, Event.Kind.OTHER]
        span = 3 * 365 + 180  # three years back, half a year ahead
        organizers = self.member_ids or org_ids
        rows, reports = [], []
        for pk in insert.take_ids(count):
            starts = self.now - timedelta(days=3 * 365) + timedelta(minutes=rng.randrange(0, span * 24 * 60))
            starts = starts.replace(minute=0, second=0)
            ends = starts + timedelta(hours=rng.choice([1, 2, 3]))
            if ends < self.now:
                state = Event.State.COMPLETED if rng.random() < 0.93 else Event.State.CANCELLED
            else:
                state = Event.State.PUBLISHED if rng.random() < 0.9 else Event.State.DRAFT
            kind = rng.choice(kinds)
            activity = rng.choice(ACTIVITIES)
            capacity = rng.choice([20, 30, 40, 50, 80])
            rows.append({
                "id": pk, "organization_id": rng.choice(organizers), "kind": kind,
                "project_id": rng.choice(self.public_projects) if self.public_projects and rng.random() < 0.1 else None,
                "title": f"{activity}（第{pk}场）", "description": f"欢迎社区居民参加{activity}活动。" * 2,
                "starts_at": starts, "ends_at": ends, "place": f"长寿路{rng.randrange(1, 999)}号活动室",
                "community_id": rng.choice(self.communities), "capacity": capacity, "state": state,
                "created_by_id": self.staff, "created_at": starts - timedelta(days=20),
                "updated_at": starts - timedelta(days=20), "published_at": starts - timedelta(days=14),
                "cancel_reason": "天气原因取消。" if state == Event.State.CANCELLED else "",
            })
            if state == Event.State.COMPLETED:
                reports.append((pk, ends, capacity))
        insert.write(rows)
        report_insert = Inserter(EventReport, self.now)
        report_insert.write(
            {"id": i, "event_id": pk, "attendance": capacity - rng.randrange(0, 10), "volunteers": rng.randrange(1, 8),
             "beneficiaries_served": capacity, "summary": "活动顺利完成。", "filed_by_id": self.staff,
             "filed_at": ends + timedelta(hours=2)}
            for i, (pk, ends, capacity) in zip(report_insert.take_ids(len(reports)), reports, strict=True)
        )
        return [(row["id"], row["starts_at"], row["state"], row["capacity"]) for row in rows
                if row["state"] != Event.State.DRAFT]

    def registrations(self, count, events):
        if not events or not count:
            return
        rng = self.rng
        insert = Inserter(Registration, self.now)
        weights = [capacity for _, _, _, capacity in events]
        chosen = rng.choices(range(len(events)), weights=weights, k=count)
        past = Registration.Status.ATTENDED
        statuses_future = [Registration.Status.CONFIRMED] * 9 + [Registration.Status.WAITLISTED]

        def rows():
            for n, (pk, index) in enumerate(zip(insert.take_ids(count), chosen, strict=True)):
                event_id, starts, state, _ = events[index]
                if state == Event.State.CANCELLED:
                    status = Registration.Status.CANCELLED
                elif rng.random() < 0.05:
                    status = Registration.Status.CANCELLED
                elif state == Event.State.COMPLETED:
                    status = past
                else:
                    status = rng.choice(statuses_future)
                created = starts - timedelta(minutes=rng.randrange(60, 20 * 24 * 60))
                yield {
                    "id": pk, "event_id": event_id, "name": rng.choice(SURNAMES) + rng.choice(GIVEN),
                    "mobile": f"13{n:09d}", "consent": True, "status": status, "token": f"scale{pk:012d}",
                    "created_at": created,
                    "cancelled_at": created + timedelta(hours=1) if status == Registration.Status.CANCELLED else None,
                    "checked_in_at": starts if status == past else None,
                }

        insert.write(rows())
