"""What the browser tour makes for itself on top of the demo world, so its pages do not depend on the day it runs.

The demo (`seed_demo`) is built around today: which of its events is the next one, which are over, who signed up
and with what names all change from day to day. The tour's event pages therefore open events made here, at fixed
distances from now, with fixed sign-ups:

- UPCOMING: the demo organization's event in ten days, sign-up open, a few sign-ups (public page, sign-up form,
  a resident's sign-up page, the organizer's edit form);
- BUSY: its event that started an hour ago, with 30 sign-ups in every status, many with very long Chinese and
  English names and e-mail addresses (the organizer's check-in table and report form, the sign-up list);
- OPEN_CALL: a call for proposals that closes in three weeks (staff's page for closing it early);
- RATED: its event that ended yesterday, where people were checked in and some rated it with comments (the
  organizer's ratings, the resident's rating form: RESIDENT was checked in and has not rated yet).
"""

from datetime import timedelta

from django.utils import timezone

from events import services
from events.models import Event, Feedback, Registration
from projects.models import Call

# A call for proposals still accepting them for three weeks: staff's page for closing it early.
OPEN_CALL = "2027年度社区微更新公益项目征集（第二批）"
UPCOMING = "长者智能手机课堂：学会用手机挂号、买菜和视频通话（第三期）"
BUSY = "共享冰箱志愿者日：临期食品分拣、登记与入户配送"
RATED = "长者健康讲座：冬季心脑血管疾病预防与家庭急救"
# A resident with a place at UPCOMING, whose own sign-up page the tour opens.
RESIDENT = "Hubert Blaine Wolfeschlegelsteinhausenbergerdorff"

STATUS = Registration.Status
# (name, email, status) of BUSY's sign-ups: 22 places, all taken (12 checked in), 5 waiting, 3 cancelled.
BUSY_SIGNUPS = [
    ("热依拉·买买提明·艾尔肯江·努尔艾力·阿不都热西提",
     "reyila.maimaitiming.aierkenjiang@changshou-zhiyuanzhe.example.cn", STATUS.ATTENDED),
    (RESIDENT, "hubert.wolfeschlegelsteinhausenbergerdorff@volunteers.example.org", STATUS.ATTENDED),
    ("王秀英（代女儿王佳怡报名，孙女王一诺同来）", "", STATUS.ATTENDED),
    ("Maximilian Alexander Montgomery-Worthington III",
     "a.montgomery-worthington.family.account@neighbours.example.com", STATUS.ATTENDED),
    ("阿卜杜克热木·阿卜杜热合曼·买买提明", "", STATUS.ATTENDED),
    ("张建国", "zhangjianguo1958@example.com", STATUS.ATTENDED),
    ("Anna-Katharina von Oberhausen-Schwarzenberg", "", STATUS.ATTENDED),
    ("李玉兰", "", STATUS.ATTENDED),
    ("欧阳慕容·长寿路街道梅芳居委会第十二楼组志愿者",
     "ouyang.murong.meifang.louzu12@changshou-shequ.example.cn", STATUS.ATTENDED),
    ("陈伟", "", STATUS.ATTENDED),
    ("Nguyễn Thị Minh Khai Phạm-Trần", "nguyen.thi.minh.khai.pham.tran@example.com", STATUS.ATTENDED),
    ("刘芳", "", STATUS.ATTENDED),
    ("杨敏", "", STATUS.CONFIRMED),
    ("Christopher Jonathan Fitzgerald-Kensington",
     "christopher.fitzgerald-kensington@changshou-volunteers.example.org", STATUS.CONFIRMED),
    ("黄静", "", STATUS.CONFIRMED),
    ("司马诸葛·上官端木（普陀区长寿路街道社区志愿者服务队）", "", STATUS.CONFIRMED),
    ("赵丽", "zhaoli@example.com", STATUS.CONFIRMED),
    ("Bartholomew Maximiliano Rodríguez de la Santísima", "", STATUS.CONFIRMED),
    ("吴强", "", STATUS.CONFIRMED),
    ("周磊", "", STATUS.CONFIRMED),
    ("Wolfgang Amadeus Sebastian Johann Christophersen",
     "wolfgang.amadeus.sebastian.johann.christophersen@example.de", STATUS.CONFIRMED),
    ("徐军", "", STATUS.CONFIRMED),
    ("孙洋", "", STATUS.WAITLISTED),
    ("Alexandra Elisabeth Konstantinopoulou-Papadopoulou",
     "alexandra.konstantinopoulou-papadopoulou@example.gr", STATUS.WAITLISTED),
    ("马勇（轮椅，需要无障碍通道和一位志愿者陪同）", "", STATUS.WAITLISTED),
    ("朱艳", "", STATUS.WAITLISTED),
    ("胡杰", "hujie@example.com", STATUS.WAITLISTED),
    ("郭娟", "", STATUS.CANCELLED),
    ("Pablo Diego José Francisco de Paula Nepomuceno",
     "pablo.diego.jose.francisco.de.paula@example.es", STATUS.CANCELLED),
    ("何涛", "", STATUS.CANCELLED),
]
UPCOMING_SIGNUPS = [
    (RESIDENT, "hubert.wolfeschlegelsteinhausenbergerdorff@volunteers.example.org", STATUS.CONFIRMED),
    ("林明", "", STATUS.CONFIRMED),
    ("罗超", "", STATUS.CONFIRMED),
    ("郑霞", "", STATUS.CANCELLED),
]


def make_tour_objects(organization, organizer):
    """UPCOMING and BUSY of `organization`, made and published by its admin `organizer`, with their sign-ups."""
    now = timezone.now().replace(second=0, microsecond=0)
    place = "长寿路街道社区服务中心二楼多功能厅（近长寿路地铁站7号口）"
    upcoming = Event(
        title=UPCOMING, starts_at=now + timedelta(days=10), capacity=30, place=place,
        description="社区民警和志愿者一对一教老人用智能手机挂号、网上买菜、和子女视频通话，识别电信诈骗。",
    )
    busy = Event(
        title=BUSY, starts_at=now - timedelta(hours=1), place=place,
        capacity=sum(1 for _name, _email, status in BUSY_SIGNUPS if status in Registration.HOLDING_PLACE),
        description="志愿者分拣临期食品、登记发放，并为行动不便的老人入户配送。",
    )
    for event, signups in [(upcoming, UPCOMING_SIGNUPS), (busy, BUSY_SIGNUPS)]:
        event.organization = organization
        event.kind = Event.Kind.COMMUNITY_ACTIVITY
        event.community = organization.communities.order_by("pk").first()
        event.ends_at = event.starts_at + timedelta(hours=3)
        services.create_event(event, acting_user=organizer)
        services.publish_event(event, acting_user=organizer)
        for index, (name, email, status) in enumerate(signups, start=1):
            registration = Registration(
                event=event, name=name, email=email, status=status, consent=True, mobile=f"139{index:08d}",
                created_at=now - timedelta(days=3) + timedelta(minutes=17 * index),
                checked_in_at=event.starts_at + timedelta(minutes=index) if status == STATUS.ATTENDED else None,
                cancelled_at=now - timedelta(days=1) if status == STATUS.CANCELLED else None,
                check_in_code=f"{480000 + index:06d}",  # unique in the event, as services give them
                checked_in_via=Registration.CheckInMethod.DOOR if status == STATUS.ATTENDED else "",
            )
            registration.full_clean()  # as valid as a real sign-up: names fit the field, mobiles are mobiles
            registration.save()
    make_rated_event(organization, organizer)
    Call.objects.create(
        title=OPEN_CALL, state=Call.State.OPEN, opens_at=now - timedelta(days=5), closes_at=now + timedelta(days=21),
        description="面向会员单位征集楼道微更新、口袋花园和无障碍改造等公益项目。",
    )


def tour_event(title):
    return Event.objects.get(title=title)


# (rating, comment) of RATED's first sign-ups after RESIDENT's; RESIDENT has not rated yet.
RATINGS = [
    (5, "医生讲得很细，还教了心肺复苏，回家教给老伴了。"),
    (4, "内容很实用，希望下次讲讲糖尿病饮食。" * 3),
    (5, ""),
    (3, "The room was too warm and the slides were hard to read from the back rows; a microphone would help."),
    (4, ""),
    (2, "通知得太晚，很多邻居都不知道。"),
]


def make_rated_event(organization, organizer):
    """RATED: ended yesterday, ten people checked in (RESIDENT first), six of whom rated it."""
    now = timezone.now().replace(second=0, microsecond=0)
    event = Event(
        title=RATED, organization=organization, kind=Event.Kind.COMMUNITY_ACTIVITY, capacity=20,
        place="长寿路街道社区卫生服务中心三楼会议室", starts_at=now + timedelta(days=1),
        ends_at=now + timedelta(days=1, hours=2), community=organization.communities.order_by("pk").first(),
        description="社区医生讲解冬季心脑血管疾病的预防，现场教学心肺复苏和家庭急救。",
    )
    services.create_event(event, acting_user=organizer)
    services.publish_event(event, acting_user=organizer)
    starts = now - timedelta(days=1, hours=2)
    Event.objects.filter(pk=event.pk).update(starts_at=starts, ends_at=starts + timedelta(hours=2))
    names = [
        RESIDENT, "沈阿姨", "钱志明", "冯秀兰", "Ingrid Johansson-Lindqvist",
        "韩伟", "曹丽华", "彭建军", "蒋桂英", "谢明",
    ]
    for index, name in enumerate(names, start=1):
        registration = Registration.objects.create(
            event=event, name=name, mobile=f"137{index:08d}", consent=True, status=STATUS.ATTENDED,
            created_at=starts - timedelta(days=5), checked_in_at=starts + timedelta(minutes=index),
            checked_in_via=Registration.CheckInMethod.DOOR,
        )
        if 1 < index <= len(RATINGS) + 1:
            rating, comment = RATINGS[index - 2]
            Feedback.objects.create(event=event, registration=registration, rating=rating, comment=comment)
