"""Demo data: two small tenants for a newcomer, and a district-sized tenant for benchmarks.

Everything comes from a fixed random seed, so a rebuild gives the same names, rosters and
structure; dates are relative to today, so that a term stays "expiring" or "overdue" whenever
the demo is built. Rows are written with ``bulk_create`` (a district is 3,400 organizations and
69,000 members), so the checks the services make are repeated here: placement
(``rules.placement_allowed``), member dates (``members.services.check_dates``), identity
normalization and keyed hash (``members.services.prepare_identity``); the encrypted fields
encrypt on insert as they always do.

Each tenant is built with its organizational life (``LifeBuilder``): the demo tenants from 1 January
last year to yesterday, the district the twelve months up to yesterday (about 120,000 meetings and
two million attendance rows). Most branches keep to the rules, a few fall behind in the last quarter
and a few members stop taking part, so that the compliance pages, the dashboards and the reminders
have something true to say. Those rows are generated and written in bulk (COPY on PostgreSQL), so
the services' invariants are kept here too: a record is written as a draft with its attendance and
finalized afterwards (the database refuses rows of a finalized record), ``Member.last_org_life_on``
is set from the evidence, and the dashboards' counters are rebuilt.
"""

from __future__ import annotations

import calendar
import graphlib
import io
import random
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock
from itertools import accumulate

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Count, Max
from django.utils import timezone

from accounts.models import RoleGrant, User
from activities import rules as life_rules
from activities.choices import ActivityKind, AttendanceStatus, Grade, PlanStatus
from activities.models import Appraisal, Attendance, MakeUp, Meeting, Plan, PlanItem, Talk
from branches import rules
from branches.choices import CommitteePost, OrgCategory, OrgKind
from branches.models import PATH_SEGMENT_WIDTH, Election, Organization, Tenant
from core.scoping import Role
from members.choices import Education, Gender, MemberStatus
from members.idgen import make_national_id
from members.models import CommitteeMembership, Member
from members.services import check_dates, prepare_identity

DEFAULT_PASSWORD = "demo12345"  # noqa: S105  (documented in the README, demo data only)
SUPERUSER_NAME = "admin"

C, GB, B, G = OrgKind.COMMITTEE, OrgKind.GENERAL_BRANCH, OrgKind.BRANCH, OrgKind.GROUP
ORGAN, INSTITUTION, ENTERPRISE = OrgCategory.ORGAN, OrgCategory.INSTITUTION, OrgCategory.ENTERPRISE
RURAL, COMMUNITY, SCHOOL = OrgCategory.RURAL, OrgCategory.COMMUNITY, OrgCategory.SCHOOL
SOCIAL, OTHER = OrgCategory.SOCIAL, OrgCategory.OTHER

# Term states an organization is given on purpose (SPEC §2, rules.term_status); RECENT is a current
# term that began within the last year.
CURRENT, RECENT, EXPIRING, OVERDUE, UNKNOWN = "current", "recent", "expiring", "overdue", "unknown"

# ---------------------------------------------------------------------------------------------
# Word lists
# ---------------------------------------------------------------------------------------------

# The most common surnames, most frequent first (weights fall with rank).
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴"
)
SURNAME_CUM_WEIGHTS = list(accumulate(1 / (rank + 4) for rank in range(len(SURNAMES))))
MALE_GIVEN = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林阳建国志文海东峰云成博晨轩豪然立新春德"
FEMALE_GIVEN = "芳娜敏静丽艳娟霞秀英玲燕萍红梅琳雪婷慧莉颖倩佳欣怡雯洁琴丹蕾璐瑶晶月荣兰凤桂晓悦思雨"
ETHNICITIES = {"汉族": 915, "回族": 12, "满族": 11, "壮族": 10, "彝族": 5, "蒙古族": 6, "土家族": 6, "苗族": 6,
               "朝鲜族": 3, "藏族": 3, "维吾尔族": 3, "侗族": 3, "瑶族": 2, "白族": 2}
MOBILE_PREFIXES = ("130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153",
                   "155", "156", "158", "159", "177", "180", "185", "186", "187", "188", "189")
MOBILE_LOCATIONS = ("广东省深圳市", "广东省广州市", "浙江省杭州市", "江苏省苏州市", "上海市浦东新区", "北京市朝阳区",
                    "福建省厦门市", "天津市滨海新区", "四川省成都市", "湖北省武汉市")

POSTS = {
    ORGAN: ("一级科员", "四级主任科员", "三级主任科员", "科长", "副科长", "办公室主任", "四级调研员"),
    INSTITUTION: ("医师", "主治医师", "副主任医师", "护士", "护士长", "药师", "检验师", "行政干事"),
    ENTERPRISE: ("工程师", "助理工程师", "技术员", "销售经理", "财务主管", "会计", "班组长", "操作工", "部门经理"),
    RURAL: ("村民", "村委会主任", "村会计", "种植户", "养殖户", "合作社负责人", "外出务工"),
    COMMUNITY: ("社区工作者", "网格员", "个体经营者", "居民", "退休", "志愿者"),
    SCHOOL: ("教师", "班主任", "教研组长", "年级主任", "教务员", "副校长"),
    SOCIAL: ("律师", "执业律师", "社工", "项目主管", "会计师"),
    OTHER: ("退休",),
}
# Posts of people who have no employer to name.
NO_EMPLOYER_POSTS = {"村民", "种植户", "养殖户", "外出务工", "个体经营者", "居民", "退休"}

_E = Education
EDUCATION_MIX = {
    ORGAN: {_E.POSTGRADUATE: 25, _E.UNDERGRADUATE: 60, _E.JUNIOR_COLLEGE: 12, _E.SECONDARY: 3},
    INSTITUTION: {_E.POSTGRADUATE: 20, _E.UNDERGRADUATE: 55, _E.JUNIOR_COLLEGE: 20, _E.SECONDARY: 5},
    ENTERPRISE: {_E.POSTGRADUATE: 10, _E.UNDERGRADUATE: 45, _E.JUNIOR_COLLEGE: 30, _E.SECONDARY: 15},
    RURAL: {_E.UNDERGRADUATE: 5, _E.JUNIOR_COLLEGE: 10, _E.SECONDARY: 55, _E.PRIMARY: 30},
    COMMUNITY: {_E.UNDERGRADUATE: 25, _E.JUNIOR_COLLEGE: 30, _E.SECONDARY: 35, _E.PRIMARY: 10},
    SCHOOL: {_E.POSTGRADUATE: 25, _E.UNDERGRADUATE: 65, _E.JUNIOR_COLLEGE: 10},
    SOCIAL: {_E.POSTGRADUATE: 20, _E.UNDERGRADUATE: 65, _E.JUNIOR_COLLEGE: 15},
    OTHER: {_E.UNDERGRADUATE: 30, _E.JUNIOR_COLLEGE: 30, _E.SECONDARY: 30, _E.PRIMARY: 10},
}


@dataclass(frozen=True)
class Profile:
    """Who sits on a roster: age range (low, high, mode), share of probationary and mobile members."""

    ages: tuple[int, int, int]
    probationary: float = 0.05
    mobile: float = 0.02
    lost_contact: float = 0.006
    post: str = ""  # one post for everybody (students, retirees); otherwise drawn from POSTS
    education: str = ""  # category whose EDUCATION_MIX applies, when not the branch's


PROFILES = {
    "working": Profile(ages=(23, 60, 40)),
    RURAL: Profile(ages=(24, 82, 52), mobile=0.08),
    COMMUNITY: Profile(ages=(25, 85, 58), mobile=0.03),
    "retired": Profile(ages=(60, 90, 70), probationary=0.0, mobile=0.01, lost_contact=0.02, post="退休",
                       education=OTHER),
    "student": Profile(ages=(19, 23, 21), probationary=0.4, mobile=0.0, lost_contact=0.0, post="学生"),
}

# Committee posts of a branch committee (支委会), by size; smaller branches elect a secretary only.
POSTS_5 = (CommitteePost.SECRETARY, CommitteePost.DEPUTY_SECRETARY, CommitteePost.ORGANIZATION,
           CommitteePost.PROPAGANDA, CommitteePost.DISCIPLINE)
POSTS_3 = (CommitteePost.SECRETARY, CommitteePost.ORGANIZATION, CommitteePost.PROPAGANDA)

CN_DIGITS = "零一二三四五六七八九"

# --- District: names of places and units ---
STREETS = ("城关", "东关", "西关", "南湖", "北苑", "新华", "人民路", "解放路", "建设路", "和平", "文化", "朝阳")
TOWNS = ("柳河", "青山", "白沙", "金水", "长乐", "永安", "安平", "清河", "兴隆", "太平")
PLACES = STREETS + TOWNS + ("东湖", "西湖", "滨江", "望江", "花园", "双桥", "龙泉", "桃园")
COMMUNITY_PREFIXES = ("幸福", "和谐", "阳光", "金桥", "翠苑", "丽景", "锦绣", "春晖", "康乐", "枫林", "桂花", "玉兰",
                      "明珠", "望湖", "东苑", "西苑", "南苑", "北园", "长青", "紫荆", "松涛", "荷塘", "新风", "育才")
COMMUNITY_SUFFIXES = ("里", "苑", "园", "坊", "家园", "花园", "新村")
VILLAGE_PREFIXES = ("", "", "", "大", "小", "前", "后", "东", "西")
VILLAGE_SUFFIXES = ("庄", "家", "湾", "营", "集", "寨", "屯", "岗", "店", "桥", "楼", "坊", "洼", "圩")
BRANDS = ("华信", "恒通", "金达", "鑫源", "宏远", "永泰", "瑞丰", "嘉禾", "天成", "盛世", "东方", "中联",
          "汇通", "博瑞", "远航", "德润", "明阳", "安泰", "诚达", "启航", "新锐", "长城", "丰华", "九州")
INDUSTRIES = ("科技", "建设", "物流", "电子", "机械", "化工", "食品", "纺织", "置业", "商贸", "环保", "能源", "医药",
              "信息技术", "建材", "汽车服务", "餐饮管理", "物业服务", "文化传媒", "农业发展")
ORGAN_UNITS = ("区委办公室", "区政府办公室", "区委组织部", "区委宣传部", "区委统战部", "区委政法委", "区纪委监委",
               "区发展和改革委员会", "区财政局", "区人力资源和社会保障局", "区自然资源局", "区生态环境局",
               "区住房和城乡建设局", "区交通运输局", "区水务局", "区农业农村局", "区商务局", "区文化和旅游局",
               "区卫生健康委员会", "区退役军人事务局", "区应急管理局", "区审计局", "区市场监督管理局", "区统计局",
               "区医疗保障局", "区城市管理局", "区民政局", "区司法局", "区信访局", "区人大常委会办公室",
               "区政协办公室", "区总工会", "团区委", "区妇联", "区科协", "区档案馆")
SCHOOL_TYPES = ("小学", "中学", "实验小学", "第一中学", "第二中学", "幼儿园", "职业学校", "外国语学校")
INSTITUTION_TYPES = ("社区卫生服务中心", "卫生院", "文化站", "农业技术推广站", "图书馆", "社会保障服务中心")
SOCIAL_TYPES = ("律师事务所", "会计师事务所", "行业协会", "社会工作服务中心", "商会", "培训学校")
# Units of a street or a town, after its name.
LOCAL_UNITS = {
    ORGAN: ("机关", "综合行政执法队", "党群服务中心", "便民服务中心"),
    SCHOOL: ("中心小学", "中学", "中心幼儿园"),
    INSTITUTION: ("社区卫生服务中心", "卫生院", "文化站", "农业综合服务中心"),
}
# Departments a general branch's branches are named after, by category.
SUBUNITS = {
    INSTITUTION: ("内科", "外科", "医技", "护理", "门诊", "行政后勤", "急诊"),
    ENTERPRISE: ("研发", "生产", "销售", "财务", "工程", "质检", "综合"),
    SCHOOL: ("语文教研组", "数学教研组", "综合教研组", "行政", "后勤", "离退休教职工"),
    ORGAN: ("综合", "业务", "执法", "机关第一", "机关第二"),
}

# District committees: (name, type, parent committee or None). Scaling down keeps a prefix of this
# list, so the first entries cover every kind of committee and sub-committees come last.
DISTRICT_COMMITTEE_TYPES = {
    # type: (category, relative number of branches, branch categories under it)
    "street": (COMMUNITY, 60, {COMMUNITY: 70, ENTERPRISE: 15, ORGAN: 8, SOCIAL: 7}),
    "neighbourhood": (COMMUNITY, 30, {COMMUNITY: 100}),
    "town": (RURAL, 55, {RURAL: 80, ORGAN: 8, ENTERPRISE: 8, SCHOOL: 4}),
    "village": (RURAL, 15, {RURAL: 100}),
    "organs": (ORGAN, 60, {ORGAN: 100}),
    "education": (SCHOOL, 65, {SCHOOL: 100}),
    "health": (INSTITUTION, 36, {INSTITUTION: 100}),
    "enterprise": (ENTERPRISE, 55, {ENTERPRISE: 100}),
    "social": (SOCIAL, 40, {SOCIAL: 100}),
    "veterans": (OTHER, 25, {OTHER: 100}),
}
DISTRICT_COMMITTEES = (
    (f"{STREETS[0]}街道党工委", "street", None),
    (f"{TOWNS[0]}镇党委", "town", None),
    ("区直机关工委", "organs", None),
    ("区委教育工委", "education", None),
    ("区国资委党委", "enterprise", None),
    ("区卫生健康委党委", "health", None),
    ("经济开发区党工委", "enterprise", None),
    ("区非公有制经济组织党委", "enterprise", None),
    ("区社会组织党委", "social", None),
    ("区委老干部局党委", "veterans", None),
    *((f"{s}街道党工委", "street", None) for s in STREETS[1:]),
    *((f"{t}镇党委", "town", None) for t in TOWNS[1:]),
    *((f"{COMMUNITY_PREFIXES[i]}社区党委", "neighbourhood", f"{STREETS[i]}街道党工委") for i in range(10)),
    *((f"{TOWNS[i]}村党委", "village", f"{TOWNS[i]}镇党委") for i in range(4)),
    ("区委机关党委", "organs", "区直机关工委"),
    ("区政府机关党委", "organs", "区直机关工委"),
    ("区政法委机关党委", "organs", "区直机关工委"),
    ("区人民医院党委", "health", "区卫生健康委党委"),
    ("区中医医院党委", "health", "区卫生健康委党委"),
    ("区妇幼保健院党委", "health", "区卫生健康委党委"),
    ("区城市建设投资集团党委", "enterprise", "区国资委党委"),
    ("区交通集团党委", "enterprise", "区国资委党委"),
    ("区水务集团党委", "enterprise", "区国资委党委"),
    ("区第一学区党委", "education", "区委教育工委"),
    ("区第二学区党委", "education", "区委教育工委"),
    ("区律师行业党委", "social", "区社会组织党委"),
)
# Sizes of the seeds' district (SPEC §10) at scale 1.0: with the root and the committees above,
# 3,414 organizations.
DISTRICT_BRANCHES = 2954
DISTRICT_GENERAL_BRANCHES = 193
DISTRICT_GROUPS = 210
DISTRICT_MEMBERS = 69_000


# ---------------------------------------------------------------------------------------------
# The two demo tenants
# ---------------------------------------------------------------------------------------------


@dataclass
class OrgSpec:
    """One organization to build, with its children and, for a branch, its roster."""

    name: str
    kind: str
    category: str
    children: list[OrgSpec] = field(default_factory=list)
    short_name: str = ""
    term: str = CURRENT
    members: int | None = None  # branch roster size; None draws 8-30
    full_members: int | None = None  # exactly this many full members, the rest probationary
    groups: int = 0
    employer: str = ""  # defaults to the name without "党支部"
    profile: str = ""  # a PROFILES key; defaults to the category's
    mobile: int = 0  # members made mobile on purpose, on top of the random ones
    lost_contact: int = 0
    no_committee: bool = False  # a branch that should have a committee and has none


def committee(name: str, category: str, *, children=(), short: str = "", term: str = CURRENT) -> OrgSpec:
    return OrgSpec(name, C, category, list(children), short_name=short, term=term)


def general_branch(name: str, category: str, *, children=(), short: str = "", term: str = CURRENT) -> OrgSpec:
    return OrgSpec(name, GB, category, list(children), short_name=short, term=term)


def branch(name: str, category: str, **options) -> OrgSpec:
    return OrgSpec(name, B, category, **options)


# How a branch falls behind on purpose (SPEC §4): missed months in the last quarter (theme Party day
# and committee meeting), a quarter without a general meeting or a Party lecture, a group that stopped
# meeting. The demo tenants name their branches; the district draws its own.
GAP, NO_GENERAL_MEETING, GROUP_GAP = "gap", "no_general_meeting", "group_gap"


@dataclass(frozen=True)
class HistorySpec:
    """The organizational life a demo tenant is given (see ``LifeBuilder``)."""

    lagging: dict[str, str] = field(default_factory=dict)  # branch name -> GAP, NO_GENERAL_MEETING, GROUP_GAP
    drifting: int = 3  # members who stopped taking part 3, 4 and 5 months ago (the six-month rule)
    extras: bool = True  # annual plans, democratic reviews and rectification tickets


@dataclass(frozen=True)
class TenantSpec:
    """A demo tenant: its tree (None when generated), seed and who logs in where."""

    slug: str
    name: str
    prefix: str  # of the usernames and of the organization codes
    seed: int
    # First six digits of the members' national IDs: counties that existed for every birth year used
    # (python-stdnum rejects an ID whose county was not assigned in the year of birth).
    regions: tuple[str, ...]
    approver: str  # who approves the root committee's elections
    root: OrgSpec | None
    secretary_branch: str | None  # name; None takes the first branch of the tree
    inspector_org: str | None  # name; None creates no inspector
    staff: dict[str, str]  # full names of the admin, reviewer and inspector accounts
    member_login: bool = True
    history: HistorySpec = field(default_factory=HistorySpec)


DONGCHENG = TenantSpec(
    slug="dongcheng", name="东城区委", prefix="dc", seed=20240701,
    regions=("110101", "110101", "110101", "110102", "110105", "110106"),
    approver="市委组织部", secretary_branch="区委办公室党支部", inspector_org="中共东城区直属机关工作委员会",
    staff={"admin": "刘海峰", "reviewer": "陈静", "inspector": "周建华"},
    history=HistorySpec(lagging={"前进村党支部": GAP, "韶九胡同社区党支部": NO_GENERAL_MEETING,
                                 "柳河村党支部": GROUP_GAP}),
    root=committee(
        "中共东城区委员会", ORGAN, short="东城区委",
        children=[
            committee(
                "中共东城区直属机关工作委员会", ORGAN, short="区直机关工委",
                children=[
                    branch("区委办公室党支部", ORGAN, members=14, groups=2, employer="中共东城区委办公室"),
                    branch("区政府办公室党支部", ORGAN, employer="东城区人民政府办公室"),
                    branch("区发展和改革委员会党支部", ORGAN, term=EXPIRING, employer="东城区发展和改革委员会"),
                    general_branch(
                        "区市场监督管理局机关党总支", ORGAN, short="区市场监管局党总支",
                        children=[
                            branch("区市场监管局综合党支部", ORGAN, employer="东城区市场监督管理局"),
                            branch("东华门市场监管所党支部", ORGAN, term=OVERDUE,
                                   employer="东城区市场监督管理局东华门所"),
                        ],
                    ),
                    # Structural problem on purpose: 2 full members (a branch needs 3).
                    branch("区档案馆党支部", INSTITUTION, members=3, full_members=2, employer="东城区档案馆"),
                ],
            ),
            committee(
                "中共东城区卫生健康系统委员会", INSTITUTION, short="区卫健系统党委",
                children=[
                    general_branch(
                        "区人民医院党总支", INSTITUTION,
                        children=[
                            branch("区人民医院内科党支部", INSTITUTION, groups=2, employer="东城区人民医院"),
                            branch("区人民医院外科党支部", INSTITUTION, employer="东城区人民医院"),
                        ],
                    ),
                    # No recorded term: "term unknown", and no branch committee although it needs one.
                    branch("东华门社区卫生服务中心党支部", INSTITUTION, term=UNKNOWN, members=12, full_members=11),
                ],
            ),
            committee(
                "中共东城区委教育工作委员会", SCHOOL, short="区委教育工委",
                children=[
                    general_branch(
                        "东城第一中学党总支", SCHOOL,
                        children=[
                            branch("东城第一中学教师党支部", SCHOOL, employer="东城第一中学"),
                            branch("东城第一中学离退休教职工党支部", SCHOOL, profile="retired", lost_contact=1,
                                   employer="东城第一中学"),
                        ],
                    ),
                    # Structural problem on purpose: 55 members (a branch generally has at most 50).
                    branch("东城区职业技术学校党支部", SCHOOL, members=55, groups=3),
                ],
            ),
            committee(
                "中共东城区东华门街道工作委员会", COMMUNITY, short="东华门街道党工委",
                children=[
                    branch("东华门街道机关党支部", ORGAN, employer="东华门街道办事处"),
                    branch("多福巷社区党支部", COMMUNITY, groups=2, mobile=2, lost_contact=1),
                    branch("韶九胡同社区党支部", COMMUNITY, term=EXPIRING),
                ],
            ),
            committee(
                "中共东城区柳河镇委员会", RURAL, short="柳河镇党委",
                children=[
                    branch("柳河村党支部", RURAL, groups=2, mobile=3),
                    branch("前进村党支部", RURAL),
                ],
            ),
            committee(
                "中共东城区非公有制经济组织和社会组织委员会", ENTERPRISE, short="区两新组织党委",
                children=[
                    branch("东方瑞达科技有限公司党支部", ENTERPRISE),
                    branch("区律师行业党支部", SOCIAL, term=EXPIRING, employer="东正律师事务所"),
                ],
            ),
        ],
    ),
)

HUAXING = TenantSpec(
    slug="huaxing", name="华星集团党委", prefix="hx", seed=20240702,
    regions=("330122", "330122", "330127", "310104", "510121"),
    approver="省国资委党委", secretary_branch="集团综合办公室党支部", inspector_org="中共华星集团有限公司机关委员会",
    staff={"admin": "孙立新", "reviewer": "何晓燕", "inspector": "郑国强"},
    history=HistorySpec(lagging={"华星电子二车间党支部": GAP, "华星学院行政后勤党支部": NO_GENERAL_MEETING,
                                 "华星物流仓储党支部": GROUP_GAP}),
    root=committee(
        "中共华星集团有限公司委员会", ENTERPRISE, short="华星集团党委",
        children=[
            committee(
                "中共华星集团有限公司机关委员会", ENTERPRISE, short="集团机关党委",
                children=[
                    branch("集团综合办公室党支部", ENTERPRISE, members=15, groups=2,
                           employer="华星集团有限公司综合办公室"),
                    branch("集团财务资产部党支部", ENTERPRISE, term=EXPIRING, employer="华星集团有限公司财务资产部"),
                    branch("集团人力资源部党支部", ENTERPRISE, employer="华星集团有限公司人力资源部"),
                    # Structural problem on purpose: 2 full members.
                    branch("集团纪检审计部党支部", ENTERPRISE, members=3, full_members=2,
                           employer="华星集团有限公司纪检审计部"),
                ],
            ),
            committee(
                "中共华星电子股份有限公司委员会", ENTERPRISE, short="华星电子党委",
                children=[
                    branch("华星电子研发中心党支部", ENTERPRISE, employer="华星电子股份有限公司"),
                    general_branch(
                        "华星电子制造部党总支", ENTERPRISE,
                        children=[
                            branch("华星电子一车间党支部", ENTERPRISE, groups=2, employer="华星电子股份有限公司"),
                            branch("华星电子二车间党支部", ENTERPRISE, term=OVERDUE, employer="华星电子股份有限公司"),
                            branch("华星电子质量检测党支部", ENTERPRISE, employer="华星电子股份有限公司"),
                        ],
                    ),
                    branch("华星电子营销中心党支部", ENTERPRISE, mobile=4, employer="华星电子股份有限公司"),
                ],
            ),
            general_branch(
                "华星物流有限公司党总支", ENTERPRISE, short="华星物流党总支",
                children=[
                    branch("华星物流运输调度党支部", ENTERPRISE, mobile=2, employer="华星物流有限公司"),
                    # Structural problem on purpose: 55 members.
                    branch("华星物流仓储党支部", ENTERPRISE, members=55, groups=3, employer="华星物流有限公司"),
                ],
            ),
            # No recorded term, and no branch committee although it needs one.
            branch("华星置业有限公司党支部", ENTERPRISE, term=UNKNOWN, members=12, full_members=11),
            committee(
                "中共华星职业技术学院委员会", SCHOOL, short="华星学院党委",
                children=[
                    branch("华星学院教师第一党支部", SCHOOL, employer="华星职业技术学院"),
                    branch("华星学院学生党支部", SCHOOL, members=26, profile="student", term=RECENT,
                           employer="华星职业技术学院"),
                    branch("华星学院行政后勤党支部", SCHOOL, term=EXPIRING, employer="华星职业技术学院"),
                ],
            ),
            branch("华星医院党支部", INSTITUTION, term=EXPIRING, employer="华星医院"),
            general_branch(
                "华星集团离退休职工党总支", OTHER,
                children=[
                    branch("华星集团离退休职工第一党支部", OTHER, lost_contact=2, employer="华星集团有限公司"),
                    branch("华星集团离退休职工第二党支部", OTHER, lost_contact=1, employer="华星集团有限公司"),
                ],
            ),
        ],
    ),
)

DISTRICT = TenantSpec(
    slug="district", name="示范区委（压测）", prefix="ds", seed=20240703, approver="市委组织部",
    regions=("110101", "110102", "110105", "110106", "110108", "120101", "310104", "510121"),
    root=None, secretary_branch=None, inspector_org=None, member_login=False,
    staff={"admin": "压测管理员", "reviewer": "压测审核员"},
    history=HistorySpec(drifting=0, extras=False),  # the district draws its laggards (DISTRICT_BEHIND)
)

DEMO_TENANTS = (DONGCHENG, HUAXING)


# ---------------------------------------------------------------------------------------------
# Building a tenant
# ---------------------------------------------------------------------------------------------


def cn_ordinal(n: int) -> str:
    """1 -> 一, 12 -> 十二, 40 -> 四十 (names such as 第十二党支部)."""
    if n < 10:
        return CN_DIGITS[n]
    if n < 100:
        tens, units = divmod(n, 10)
        return (CN_DIGITS[tens] if tens > 1 else "") + "十" + (CN_DIGITS[units] if units else "")
    return str(n)


def _segment(pk: int) -> str:
    return f"{pk:0{PATH_SEGMENT_WIDTH}d}/"


def _days(n: int) -> timedelta:
    return timedelta(days=n)


class TreeBuilder:
    """Writes one tenant's organizations, rosters, elections and committees from ``OrgSpec`` trees."""

    def __init__(self, tenant: Tenant, spec: TenantSpec, *, today: date, election_history: float = 0.4):
        self.tenant = tenant
        self.spec = spec
        self.rng = random.Random(spec.seed)
        self.today = today
        self.election_history = election_history  # share of branches with a previous election on record
        self.national_ids: set[str] = set()
        self.ethnicities = list(ETHNICITIES)
        self.ethnicity_cum = list(accumulate(ETHNICITIES.values()))

    def build(self, root: OrgSpec) -> None:
        nodes = self._insert_tree(root)
        rosters = self._insert_members(nodes)
        self._insert_elections(nodes, rosters)

    # --- Organizations ---

    def _insert_tree(self, root: OrgSpec) -> list[tuple[OrgSpec, Organization]]:
        """Level by level: one INSERT (ids come back) and one path UPDATE per level."""
        built: list[tuple[OrgSpec, Organization]] = []
        level: list[tuple[OrgSpec, Organization | None, str]] = [(root, None, self.spec.prefix.upper())]
        while level:
            objs = [self._organization(spec, parent, code) for spec, parent, code in level]
            Organization.objects.bulk_create(objs)
            for obj in objs:
                assert obj.pk is not None, "bulk_create must return ids (PostgreSQL, SQLite 3.35+)"
                obj.path = (obj.parent.path if obj.parent else "/") + _segment(obj.pk)
            Organization.objects.bulk_update(objs, ["path"], batch_size=500)
            pairs = [(spec, obj) for (spec, _parent, _code), obj in zip(level, objs, strict=True)]
            built.extend(pairs)
            level = []
            for spec, obj in pairs:
                children = spec.children + self._group_specs(spec)
                width = 2 if len(children) < 100 else 3
                level.extend((child, obj, f"{obj.code}-{i:0{width}d}") for i, child in enumerate(children, 1))
        return built

    @staticmethod
    def _group_specs(spec: OrgSpec) -> list[OrgSpec]:
        return [OrgSpec(f"{spec.name}第{cn_ordinal(i)}党小组", G, spec.category, term="")
                for i in range(1, spec.groups + 1)]

    def _organization(self, spec: OrgSpec, parent: Organization | None, code: str) -> Organization:
        if not rules.placement_allowed(spec.kind, parent.kind if parent else None):
            raise ValueError(f"{spec.name}: a {spec.kind} cannot sit under {parent.kind if parent else 'the top'}")
        term_start, term_end = self._term(spec)
        if spec.kind == G:
            established = parent.established_on
        elif term_start:
            years = rules.default_term_years(spec.kind, spec.category)
            established = rules.add_years(term_start, -years * self.rng.randint(1, 5)) - _days(self.rng.randint(0, 300))
        else:
            established = date(self.rng.randint(1985, 2015), self.rng.randint(1, 12), 1)
        return Organization(
            tenant=self.tenant, parent=parent, path="", depth=parent.depth + 1 if parent else 0,
            name=spec.name, short_name=spec.short_name, code=code, kind=spec.kind, category=spec.category,
            established_on=established, term_start=term_start, term_end=term_end,
        )

    def _term(self, spec: OrgSpec) -> tuple[date | None, date | None]:
        if spec.kind == G or spec.term == UNKNOWN:
            return None, None
        years = rules.default_term_years(spec.kind, spec.category)
        if spec.term == OVERDUE:
            target = self.today - _days(self.rng.randint(30, 240))
        elif spec.term == EXPIRING:  # within the six months before the end (rules.term_status)
            target = self.today + _days(self.rng.randint(20, 170))
        elif spec.term == RECENT:
            target = rules.add_years(self.today, years) - _days(self.rng.randint(60, 300))
        else:
            target = self.today + _days(self.rng.randint(200, years * 365 - 30))
        start = rules.add_years(target, -years)
        return start, rules.term_end_for(start, years)

    # --- Members ---

    def _insert_members(self, nodes) -> dict[int, list[Member]]:
        groups_of: dict[int, list[Organization]] = {}
        for spec, org in nodes:
            if spec.kind == G:
                groups_of.setdefault(org.parent_id, []).append(org)
        rosters: dict[int, list[Member]] = {}
        for spec, org in nodes:
            if spec.kind == B:
                rosters[org.pk] = self._roster(spec, org, groups_of.get(org.pk, []))
        Member.objects.bulk_create([m for roster in rosters.values() for m in roster], batch_size=2000)
        return rosters

    def _roster(self, spec: OrgSpec, org: Organization, groups: list[Organization]) -> list[Member]:
        rng = self.rng
        size = spec.members if spec.members is not None else rng.randint(8, 30)
        profile = PROFILES[spec.profile or {RURAL: RURAL, COMMUNITY: COMMUNITY, OTHER: "retired"}.get(
            spec.category, "working")]
        employer = spec.employer or spec.name.removesuffix("党支部")
        roster = []
        for i in range(size):
            if spec.full_members is not None:
                probationary = i >= spec.full_members
            else:
                probationary = rng.random() < profile.probationary
            # The last ones are made mobile / lost contact on purpose, the others by chance.
            mobile = i >= size - spec.mobile or rng.random() < profile.mobile
            lost = not mobile and (size - spec.mobile - spec.lost_contact <= i < size - spec.mobile
                                   or rng.random() < profile.lost_contact)
            member = self._member(spec, profile, employer, probationary=probationary, mobile=mobile, lost=lost)
            member.organization_id = org.pk
            member.group_id = groups[i % len(groups)].pk if groups else None
            roster.append(member)
        return roster

    def _member(self, spec: OrgSpec, profile: Profile, employer: str, *, probationary: bool, mobile: bool,
                lost: bool) -> Member:
        rng = self.rng
        male = rng.random() < (0.62 if spec.category in (RURAL, ENTERPRISE, ORGAN) else 0.5)
        given = MALE_GIVEN if male else FEMALE_GIVEN
        name = rng.choices(SURNAMES, cum_weights=SURNAME_CUM_WEIGHTS)[0] + "".join(
            rng.choice(given) for _ in range(1 if rng.random() < 0.3 else 2))
        birth, joined = self._birth_and_joined(profile, probationary=probationary)
        post = profile.post or rng.choice(POSTS[spec.category])
        education_mix = EDUCATION_MIX[profile.education or spec.category]
        if profile is PROFILES["student"]:
            education_mix = {Education.UNDERGRADUATE: 70, Education.JUNIOR_COLLEGE: 30}
        fields = prepare_identity({
            "name": name,
            "gender": Gender.MALE if male else Gender.FEMALE,
            "ethnicity": rng.choices(self.ethnicities, cum_weights=self.ethnicity_cum)[0],
            "birth_date": birth,
            "national_id": self._national_id(birth, male),
            "phone": rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}",
            "education": rng.choices(list(education_mix), weights=list(education_mix.values()))[0],
            "employer": "" if post in NO_EMPLOYER_POSTS and profile.post != "退休" else employer,
            "post": post,
            "joined_on": joined,
            "full_member_on": None if probationary else rules.add_years(joined, 1),
            "status": MemberStatus.PROBATIONARY if probationary else MemberStatus.FULL,
            "is_mobile": mobile,
            "mobile_location": rng.choice(MOBILE_LOCATIONS) if mobile else "",
            "lost_contact": lost,
        })
        check_dates(fields)
        return Member(tenant=self.tenant, **fields)

    def _birth_and_joined(self, profile: Profile, *, probationary: bool) -> tuple[date, date]:
        """A birth date in the profile's age range, and a joining date at 18 or older.

        Probationary members joined within the last year; full members at least a year ago,
        so that they became full members one year after joining (SPEC §3).
        """
        rng, today = self.rng, self.today
        low, high, mode = profile.ages
        birth = rules.add_years(today, -round(rng.triangular(low, high, mode))) - _days(rng.randint(0, 364))
        if probationary:
            joined = today - _days(rng.randint(15, 340))
            if rules.add_years(birth, 18) > joined:
                birth = rules.add_years(joined, -18) - _days(rng.randint(30, 1500))
            return birth, joined
        latest = today - _days(366)
        if rules.add_years(birth, 18) > latest:
            birth = rules.add_years(latest, -18) - _days(rng.randint(0, 700))
        earliest = rules.add_years(birth, 18)
        span = (min(latest, rules.add_years(birth, 50)) - earliest).days
        return birth, earliest + _days(round(rng.triangular(0, span, min(span, 2500))))

    def _national_id(self, birth: date, male: bool) -> str:
        # The 17th digit is odd for men and even for women, as on real cards.
        while True:
            sequence = self.rng.randrange(500) * 2 + (1 if male else 0)
            national_id = make_national_id(birth_date=birth, sequence=sequence,
                                           region=self.rng.choice(self.spec.regions))
            if national_id not in self.national_ids:
                self.national_ids.add(national_id)
                return national_id

    # --- Elections and committees ---

    def _insert_elections(self, nodes, rosters: dict[int, list[Member]]) -> None:
        """The election that started each known term, for some branches the one before, and the posts."""
        by_pk = {org.pk: org for _spec, org in nodes}
        elections: list[Election] = []
        posts: list[tuple[Election, Member, str, date | None]] = []
        for spec, org in nodes:
            if org.term_start is None:
                continue
            years = rules.default_term_years(org.kind, org.category)
            parent = by_pk.get(org.parent_id)
            approver = parent.display_name if parent else self.spec.approver
            held = [org.term_start]
            previous = rules.add_years(org.term_start, -years)
            if org.kind == B and previous > org.established_on and self.rng.random() < self.election_history:
                held.insert(0, previous)
            for index, day in enumerate(held):
                election = Election(tenant=self.tenant, organization=org, held_on=day, approved_by=approver,
                                    term_years=years, term_end=rules.term_end_for(day, years),
                                    notes="按期换届" if index else "")
                elections.append(election)
                if org.kind == B and not spec.no_committee:
                    ended = held[index + 1] if index + 1 < len(held) else None
                    posts.extend((election, m, post, ended) for m, post in self._committee(rosters[org.pk], day))
        Election.objects.bulk_create(elections, batch_size=1000)
        CommitteeMembership.objects.bulk_create(
            [CommitteeMembership(tenant=self.tenant, organization_id=e.organization_id, member=m, post=post,
                                 election=e, started_on=e.held_on, ended_on=ended)
             for e, m, post, ended in posts],
            batch_size=2000,
        )

    def _committee(self, roster: list[Member], held_on: date) -> list[tuple[Member, str]]:
        """Full members on the day of the election, in touch: 5 posts from 15, 3 from 7, else a secretary."""
        eligible = [m for m in roster if m.full_member_on and m.full_member_on <= held_on
                    and not (m.lost_contact or m.is_mobile)]
        if len(eligible) >= 15:
            titles = POSTS_5
        elif len(eligible) >= rules.COMMITTEE_REQUIRED_FROM:
            titles = POSTS_3
        else:
            titles = POSTS_3[:1] if eligible else ()
        return list(zip(self.rng.sample(eligible, len(titles)), titles, strict=True))


# ---------------------------------------------------------------------------------------------
# The district, generated
# ---------------------------------------------------------------------------------------------


def apportion(total: int, weights: list[float]) -> list[int]:
    """Split ``total`` in proportion to ``weights`` (largest remainder): the parts add up exactly."""
    whole = sum(weights)
    raw = [total * w / whole for w in weights]
    parts = [int(r) for r in raw]
    by_remainder = sorted(range(len(raw)), key=lambda i: raw[i] - parts[i], reverse=True)
    for i in by_remainder[: total - sum(parts)]:
        parts[i] += 1
    return parts


class UnitNamer:
    """Plausible unit names per category, a branch name once per unit (then 第二, 第三 …)."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.seen: Counter[str] = Counter()

    def unit(self, category: str, place: str = "") -> str:
        """A unit of ``category``; ``place`` (a street or town) names the local organs and schools."""
        choice = self.rng.choice
        if place and category in (ORGAN, SCHOOL, INSTITUTION):
            return place + choice(LOCAL_UNITS[category])
        match category:
            case OrgCategory.COMMUNITY:
                return f"{choice(COMMUNITY_PREFIXES)}{choice(COMMUNITY_SUFFIXES)}社区"
            case OrgCategory.RURAL:
                return f"{choice(VILLAGE_PREFIXES)}{choice(SURNAMES[:40])}{choice(VILLAGE_SUFFIXES)}村"
            case OrgCategory.ENTERPRISE:
                return f"{choice(BRANDS)}{choice(INDUSTRIES)}有限公司"
            case OrgCategory.ORGAN:
                return choice(ORGAN_UNITS)
            case OrgCategory.SCHOOL:
                return f"{choice(PLACES)}{choice(SCHOOL_TYPES)}"
            case OrgCategory.INSTITUTION:
                return f"{choice(PLACES)}{choice(INSTITUTION_TYPES)}"
            case OrgCategory.SOCIAL:
                return f"{choice(BRANDS)}{choice(SOCIAL_TYPES)}"
            case _:
                return "区离退休干部"

    def fresh_unit(self, category: str, place: str = "", tries: int = 30) -> str:
        """A unit not named yet if one can be found (a general branch's branches are named after it)."""
        for _ in range(tries):
            unit = self.unit(category, place)
            if not any(key.startswith(unit) for key in self.seen):
                return unit
        return unit

    def name(self, unit: str, suffix: str, *, numbered: bool = False) -> str:
        """``unit`` + ``suffix`` the first time (unless ``numbered``), then ``unit`` 第二 ``suffix`` and so on."""
        self.seen[unit + suffix] += 1
        n = self.seen[unit + suffix]
        return f"{unit}{suffix}" if n == 1 and not numbered else f"{unit}第{cn_ordinal(n)}{suffix}"


def district_tree(*, scale: float, rng: random.Random) -> OrgSpec:
    """The tree of a district of the seeds' size (SPEC §10) times ``scale``, rosters included."""
    n_branches = max(1, round(DISTRICT_BRANCHES * scale))
    n_members = max(n_branches * 3, round(DISTRICT_MEMBERS * scale))
    n_committees = max(1, round(len(DISTRICT_COMMITTEES) * scale))
    namer = UnitNamer(rng)

    root = committee("中共示范区委员会", ORGAN, short="示范区委")
    committees: dict[str, OrgSpec] = {}
    types: dict[str, str] = {}
    for name, kind, parent in DISTRICT_COMMITTEES[:n_committees]:
        category = DISTRICT_COMMITTEE_TYPES[kind][0]
        spec = committee(name, category, term=_district_term(rng))
        committees[name], types[name] = spec, kind
        committees.get(parent, root).children.append(spec)

    names = list(committees)
    places = {n: n.removesuffix("党工委").removesuffix("党委") for n in names if types[n] in ("street", "town")}
    allocation = apportion(n_branches, [DISTRICT_COMMITTEE_TYPES[types[n]][1] for n in names])
    general_owners = rng.choices(names, weights=allocation, k=round(DISTRICT_GENERAL_BRANCHES * scale))
    for name, count in zip(names, allocation, strict=True):
        owner = committees[name]
        mix = DISTRICT_COMMITTEE_TYPES[types[name]][2]
        for _ in range(general_owners.count(name)):
            if count == 0:
                break
            category = rng.choices(list(mix), weights=list(mix.values()))[0]
            unit = namer.fresh_unit(category, places.get(name, ""))
            general = general_branch(namer.name(unit, "党总支"), category, term=_district_term(rng))
            owner.children.append(general)
            subunits = SUBUNITS.get(category, ())
            for i in range(min(count, rng.randint(3, 7))):
                # After departments (内科党支部) if the kind of unit has them, else numbered (第一党支部).
                label = namer.name(unit, f"{subunits[i]}党支部") if i < len(subunits) else namer.name(
                    unit, "党支部", numbered=True)
                general.children.append(_district_branch(rng, label, category, unit))
                count -= 1
        for _ in range(count):
            category = rng.choices(list(mix), weights=list(mix.values()))[0]
            unit = namer.unit(category, places.get(name, ""))
            owner.children.append(_district_branch(rng, namer.name(unit, "党支部"), category, unit))
    branches = [b for b in _walk(root) if b.kind == B]
    _district_rosters(branches, n_members, rng)
    _district_groups(branches, round(DISTRICT_GROUPS * scale))
    return root


def _walk(spec: OrgSpec):
    yield spec
    for child in spec.children:
        yield from _walk(child)


def _district_term(rng: random.Random) -> str:
    draw = rng.random()
    return UNKNOWN if draw < 0.06 else OVERDUE if draw < 0.10 else EXPIRING if draw < 0.20 else CURRENT


def _district_branch(rng: random.Random, name: str, category: str, employer: str) -> OrgSpec:
    return branch(name, category, term=_district_term(rng), employer=employer, no_committee=rng.random() < 0.03)


def _district_rosters(branches: list[OrgSpec], total: int, rng: random.Random) -> None:
    """Roster sizes adding up to ``total``: mostly 5-48, a few tiny (under 3 full) and a few over 50."""
    tiny = set(rng.sample(range(len(branches)), max(1, round(len(branches) * 0.01))))
    rest = [i for i in range(len(branches)) if i not in tiny]
    large = set(rng.sample(rest, min(len(rest), max(1, round(len(branches) * 0.015)))))
    for i, spec in enumerate(branches):
        if i in tiny:
            spec.members = rng.randint(2, 4)
            spec.full_members = 2
        elif i in large:
            spec.members = rng.randint(51, 75)
        else:
            spec.members = round(rng.triangular(5, 48, 17))
    ordinary = [branches[i] for i in range(len(branches)) if i not in tiny and i not in large] or branches
    gap = total - sum(spec.members for spec in branches)
    room = sum(50 - s.members if gap > 0 else s.members - 3 for s in ordinary)
    if room < abs(gap):
        raise ValueError(f"{total} members do not fit in {len(branches)} branches")
    while gap:
        spec = rng.choice(ordinary)
        step = 1 if gap > 0 else -1
        if 3 <= spec.members + step <= 50:
            spec.members += step
            gap -= step


def _district_groups(branches: list[OrgSpec], total: int) -> None:
    """Party groups in the largest branches, three in the very largest, two in the others."""
    for spec in sorted(branches, key=lambda s: s.members or 0, reverse=True):
        if total <= 0:
            break
        spec.groups = min(total, 3 if (spec.members or 0) > 50 else 2)
        total -= spec.groups


# ---------------------------------------------------------------------------------------------
# Organizational life: a history of meetings, attendance, make-ups and talks
# ---------------------------------------------------------------------------------------------

THEME_TOPICS = {
    1: (
        "主题党日：学习上级全会精神，谋划全年工作",
        "主题党日：学习《中国共产党章程》总纲",
        "主题党日：新春走访慰问困难党员",
    ),
    2: (
        "主题党日：走访慰问老党员和困难党员",
        "主题党日：学习党的二十大报告",
        "主题党日：学习《中国共产党党员教育管理工作条例》",
    ),
    3: (
        "主题党日：学雷锋志愿服务",
        "主题党日：学习全国两会精神",
        "主题党日：植树护绿志愿服务",
    ),
    4: (
        "主题党日：清明祭英烈，缅怀革命先烈",
        "主题党日：学习《中国共产党纪律处分条例》",
        "主题党日：全民国家安全教育日专题学习",
    ),
    5: (
        "主题党日：弘扬劳模精神、劳动精神",
        "主题党日：五四青年座谈，赓续红色血脉",
        "主题党日：学习《中国共产党支部工作条例（试行）》",
    ),
    6: (
        "主题党日：重温入党誓词，迎接建党节",
        "主题党日：安全生产月专题学习",
        "主题党日：学习习近平新时代中国特色社会主义思想",
    ),
    7: (
        "主题党日：庆祝中国共产党成立{party}周年",
        "主题党日：重温入党誓词、重温入党志愿书",
        "主题党日：参观红色教育基地",
    ),
    8: (
        "主题党日：八一走访慰问退役军人",
        "主题党日：学习《中国共产党廉洁自律准则》",
        "主题党日：观看警示教育片",
    ),
    9: (
        "主题党日：纪念中国人民抗日战争胜利",
        "主题党日：学习贯彻党的二十大精神",
        "主题党日：开展“我为群众办实事”实践活动",
    ),
    10: (
        "主题党日：庆祝中华人民共和国成立{prc}周年",
        "主题党日：重阳节敬老志愿服务",
        "主题党日：学习《中国共产党章程》",
    ),
    11: (
        "主题党日：消防安全宣传志愿服务",
        "主题党日：学习上级全会精神",
        "主题党日：学习《中国共产党党内监督条例》",
    ),
    12: (
        "主题党日：国家宪法日学习宪法",
        "主题党日：年终总结，重温入党誓词",
        "主题党日：学习《中国共产党章程》",
    ),
}
COMMITTEE_TOPICS = (
    "支委会：研究本月主题党日活动安排",
    "支委会：研究发展党员工作",
    "支委会：分析党员思想状况",
    "支委会：研究党费收缴和使用情况",
    "支委会：学习上级文件精神，研究贯彻落实措施",
    "支委会：研究困难党员帮扶工作",
    "支委会：研究季度工作安排",
    "支委会：研究确定入党积极分子人选",
)
GENERAL_TOPICS = (
    "支部党员大会：通报支部季度工作",
    "支部党员大会：学习上级会议精神",
    "支部党员大会：通报党费收缴情况",
    "支部党员大会：讨论支部工作安排",
    "支部党员大会：推选优秀共产党员",
)
LECTURE_TOPICS = (
    "书记讲党课：以高质量党建引领高质量发展",
    "专题党课：深入学习贯彻党的二十大精神",
    "党课：学习《中国共产党章程》，做合格党员",
    "党课：严守政治纪律和政治规矩",
    "党课：弘扬伟大建党精神",
    "党课：加强作风建设，落实中央八项规定精神",
    "党课：坚定理想信念，践行初心使命",
)
JULY_LECTURES = (
    "七一党课：践行初心使命，争做合格党员",
    "七一专题党课：传承红色基因，勇担时代使命",
)
STUDY_TOPICS = (
    "集中学习：习近平新时代中国特色社会主义思想",
    "集中学习：《习近平谈治国理政》",
    "集中学习：党的二十大报告",
    "集中学习：上级文件和会议精神",
    "集中学习：《中国共产党纪律处分条例》",
    "集中学习：《中国共产党党员权利保障条例》",
)
GROUP_TOPICS = (
    "党小组会：交流学习体会",
    "党小组会：学习《中国共产党章程》",
    "党小组会：讨论支部工作意见建议",
    "党小组会：开展批评与自我批评",
    "党小组会：学习上级会议精神",
    "党小组会：收集党员群众意见",
)
COMMITTEE_TOPICS_BY_MONTH = {
    1: "支委会：研究制定年度工作计划",
    6: "支委会：研究“七一”评先评优推荐人选",
    11: "支委会：研究组织生活会和民主评议党员工作方案",
    12: "支委会：征求意见，准备年度组织生活会",
}
AGENDAS = {
    ActivityKind.THEME_DAY: "一、重温入党誓词\n二、集中学习\n三、交流发言\n四、交纳党费",
    ActivityKind.COMMITTEE_MEETING: "一、通报上月工作\n二、研究本月议题\n三、确定下步安排",
    ActivityKind.GENERAL_MEETING: "一、通报支部工作\n二、学习上级精神\n三、讨论表决有关事项",
    ActivityKind.PARTY_LECTURE: "一、讲授党课\n二、交流研讨",
    ActivityKind.GROUP_MEETING: "一、学习交流\n二、征求意见建议",
    ActivityKind.ORG_LIFE_MEETING: ("一、通报年度工作和对照检查情况\n二、开展批评与自我批评\n"
                                    "三、民主评议党员\n四、明确整改措施"),
}
MINUTES = {
    ActivityKind.THEME_DAY: "全体党员重温入党誓词，集中学习有关内容，大家结合工作实际交流了学习体会。",
    ActivityKind.COMMITTEE_MEETING: "与会支委围绕议题逐项讨论，形成一致意见。",
    ActivityKind.GENERAL_MEETING: "会议通报了支部近期工作，与会党员进行了认真讨论。",
    ActivityKind.PARTY_LECTURE: "{lecturer}同志讲授党课，与会党员认真听讲、作学习笔记并交流体会。",
    ActivityKind.GROUP_MEETING: "党小组成员逐一交流学习体会，并对支部工作提出意见建议。",
    ActivityKind.ORG_LIFE_MEETING: "支部委员会通报年度工作和对照检查情况，党员逐一开展批评与自我批评，并进行民主评议。",
}
PLACES_BY_CATEGORY = {
    ORGAN: ("机关党员活动室", "三楼会议室", "机关第一会议室"),
    INSTITUTION: ("党员活动室", "行政楼二楼会议室", "示教室"),
    ENTERPRISE: ("公司党员活动室", "二楼会议室", "职工之家"),
    SCHOOL: ("学校会议室", "党员活动室", "图书馆报告厅"),
    RURAL: ("村党群服务中心", "村委会会议室", "村文化活动室"),
    COMMUNITY: ("社区党群服务中心", "社区会议室", "社区活动室"),
    SOCIAL: ("所内会议室", "党员活动室"),
    OTHER: ("老干部活动中心", "离退休职工活动室"),
}
OUTINGS = ("烈士陵园", "红色教育基地", "革命纪念馆", "新时代文明实践站", "社区广场（志愿服务）")
# Usual starting times by category; a branch keeps mostly to the first.
START_TIMES = {
    ORGAN: ((15, 0), (16, 0), (14, 30)), INSTITUTION: ((12, 30), (17, 0)), ENTERPRISE: ((17, 0), (14, 0), (16, 30)),
    SCHOOL: ((16, 30), (15, 30)), RURAL: ((9, 0), (19, 30), (14, 0)), COMMUNITY: ((9, 30), (14, 30)),
    SOCIAL: ((18, 0), (12, 30)), OTHER: ((9, 30), (14, 30)),
}
WORKDAY_CATEGORIES = {ORGAN, INSTITUTION, ENTERPRISE, SCHOOL, SOCIAL}
# Share of members present at a meeting, by category (retirees and villagers a little less).
PRESENCE = {ORGAN: 0.93, INSTITUTION: 0.88, ENTERPRISE: 0.88, SCHOOL: 0.92, RURAL: 0.83, COMMUNITY: 0.85,
            SOCIAL: 0.87, OTHER: 0.80}
LEAVE_REASONS = ("出差", "病假", "外出培训", "事假", "公务外出", "值班", "参加上级会议", "照顾生病家属", "年休假")
MOBILE_LEAVE_REASONS = ("外出务工", "在外地工作", "在流入地党组织参加活动")
RETIRED_LEAVE_REASONS = ("身体不适", "住院治疗", "随子女在外地居住")
MAKEUP_NOTES = ("观看会议录像并提交学习心得", "支部书记单独传达会议精神", "通过线上学习平台补学",
                "自学会议材料并与党小组长交流体会", "参加党小组会补学")
TALK_TOPICS = ("谈心谈话：交流思想和工作情况", "组织生活会前谈心谈话", "谈心谈话：听取对支部工作的意见建议",
               "谈心谈话：相互提醒、相互帮助")
TALK_NOTES = ("双方交流了近期思想、工作和学习情况，互提意见建议。", "围绕履职尽责和作风建设交换意见，达成共识。",
              "听取了对支部班子的意见建议，对存在的问题提醒到位。")
SELF_ASSESSMENTS = ("本人能够认真学习党的理论，按时参加组织生活，按时足额交纳党费；理论联系实际还有差距。",
                    "一年来坚持政治学习，工作中发挥党员作用；今后要在创新工作方法上下功夫。",
                    "能够遵守党的纪律，完成组织交办任务；学习的系统性还需加强。")
PEER_EVALUATIONS = ("政治立场坚定，工作积极主动，群众基础好。", "能够发挥党员先锋模范作用，希望进一步加强理论学习。",
                    "工作认真负责，团结同志，建议多参与支部活动。")

# Of the district's branches, the share that misses something in the year (SPEC §10: most keep to the rules).
DISTRICT_BEHIND = 0.12
DISTRICT_DRIFTING = 0.004  # members who stopped taking part 3 to 8 months ago
# Share of branches, by category, that hold a monthly collective study (每月集中学习), recorded as a Party lecture.
STUDY_SHARE = {ORGAN: 0.9, SCHOOL: 0.85, INSTITUTION: 0.75, ENTERPRISE: 0.7, COMMUNITY: 0.7, RURAL: 0.6, SOCIAL: 0.6,
               OTHER: 0.5}

K = ActivityKind
PRESENT, LEAVE, ABSENT = AttendanceStatus.PRESENT, AttendanceStatus.LEAVE, AttendanceStatus.ABSENT
ALL_MEMBER_KINDS = frozenset({K.THEME_DAY, K.GENERAL_MEETING, K.PARTY_LECTURE, K.ORG_LIFE_MEETING,
                              K.DEMOCRATIC_REVIEW})
EVIDENCE_DAYS = 60  # every member in touch has taken part within this many days, the drifting ones excepted


@dataclass(eq=False)
class Person:
    """A member as the history needs them."""

    id: int
    name: str
    group_id: int | None
    joined_on: date
    full_on: date | None
    mobile: bool
    lost: bool
    retired: bool
    presence: float
    drift_on: date | None = None  # takes no part from this day on


@dataclass(eq=False)
class BranchLife:
    id: int
    name: str
    category: str
    theme_day: int
    members: list[Person]
    groups: list[tuple[int, list[Person]]]
    posts: list[tuple[int, str, date, date | None]]  # member, post, started on, ended on
    committee_size: int  # the current committee, as the compliance engine counts it
    usual_time: tuple[int, int]
    study: bool = False
    one_plus_n: float = 0.6  # chance that the quarter's general meeting (lecture) is held with a theme day
    misses: set[tuple[str, str]] = field(default_factory=set)  # (kind or "group:<id>", period label)
    skip_from: date | None = None  # nothing held from this day (the secretary's branch: this month)
    behaviour: str = ""
    path: str = ""

    def __post_init__(self):
        self.by_id = {p.id: p for p in self.members}

    def secretary(self) -> Person | None:
        return next((self.by_id.get(m) for m, post, _s, ended in self.posts
                     if ended is None and post == CommitteePost.SECRETARY), None)


@dataclass(eq=False)
class Draft:
    """A meeting being generated: where, when, what, who."""

    org_id: int
    day: date
    at: tuple[int, int]
    hours: float
    kinds: set[str]
    topic: str
    audience: object  # "all", "committee" or a group id
    place: str
    subject: str = ""
    rows: list = field(default_factory=list)  # [person, status, reason, made_up_on, note]
    host: Person | None = None
    recorder: Person | None = None


@dataclass
class HistoryReport:
    meetings: int = 0
    attendance: int = 0
    makeups: int = 0
    talks: int = 0
    plans: int = 0
    appraisals: int = 0
    tickets: int = 0
    behind: list[str] = field(default_factory=list)
    phases: list[tuple[str, float]] = field(default_factory=list)


def _month_label(day: date) -> str:
    return f"{day.year}-{day.month:02d}"


def _quarter_label(day: date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def _clamp_to_month(year: int, month: int, day: int) -> date:
    return date(year, month, max(1, min(day, calendar.monthrange(year, month)[1])))


class BulkWriter:
    """Streams generated rows into tables in large batches: COPY on PostgreSQL, executemany elsewhere.

    Rows are tuples in the order of the registered columns; values are converted per column from
    the model field's type (dates, aware datetimes, booleans, UUIDs). Staging tables are TEMP
    tables of this connection, dropped by ``close``.
    """

    def __init__(self, *, batch_rows: int = 100_000, id_block: int = 1000):
        connection.ensure_connection()
        self.pg = connection.vendor == "postgresql"
        self.raw = connection.connection
        self.batch_rows = batch_rows
        self.id_block = id_block
        self.tables: dict[str, tuple[str, list[str], list]] = {}
        self.buffers: dict[str, list[tuple]] = {}
        self.pending = 0
        self.counts: Counter[str] = Counter()
        self.temps: list[str] = []
        self._pools: dict[str, list[int]] = {}
        self._next: dict[str, int] = {}
        self._sequences: dict[str, str] = {}

    # --- registration ---

    def model(self, key: str, model: type[models.Model], columns: tuple[str, ...]) -> None:
        by_column = {f.column: f for f in model._meta.concrete_fields}
        kinds = [self._kind(by_column[c].get_internal_type()) for c in columns]
        self._register(key, model._meta.db_table, list(columns), kinds)

    def temp(self, key: str, columns: tuple[tuple[str, str], ...]) -> str:
        """A staging table: (column, kind) with kind one of int, text, date, datetime."""
        table = f"seed_{key}"
        sql_types = {"int": "bigint", "text": "text", "date": "date",
                     "datetime": "timestamp with time zone" if self.pg else "datetime"}
        self.execute(f"DROP TABLE IF EXISTS {table}")
        self.execute(f"CREATE TEMP TABLE {table} ({', '.join(f'{c} {sql_types[k]}' for c, k in columns)})")
        self.temps.append(table)
        self._register(key, table, [c for c, _k in columns], [k for _c, k in columns])
        return table

    @staticmethod
    def _kind(internal_type: str) -> str:
        return {"DateField": "date", "DateTimeField": "datetime", "BooleanField": "bool", "UUIDField": "uuid",
                "CharField": "text", "TextField": "text"}.get(internal_type, "int")

    def _register(self, key: str, table: str, columns: list[str], kinds: list[str]) -> None:
        self.tables[key] = (table, columns, [self._converter(k) for k in kinds])
        self.buffers[key] = []

    def _converter(self, kind: str):
        if self.pg:  # COPY text format
            null = "\\N"
            return {
                "int": lambda v: null if v is None else str(v),
                "text": lambda v: null if v is None else v.translate(_COPY_ESCAPES),
                "bool": lambda v: "t" if v else "f",
                "date": lambda v: null if v is None else v.isoformat(),
                "datetime": lambda v: null if v is None else v.isoformat(),
                "uuid": str,
            }[kind]
        return {
            "date": lambda v: None if v is None else v.isoformat(),
            "datetime": lambda v: None if v is None else connection.ops.adapt_datetimefield_value(v),
            "uuid": lambda v: v.hex,
            "bool": int,
        }.get(kind)

    # --- ids ---

    def ids(self, model: type[models.Model], n: int) -> list[int]:
        """``n`` primary keys for rows written with explicit ids (taken from the table's sequence)."""
        table = model._meta.db_table
        if self.pg:
            pool = self._pools.setdefault(table, [])
            if len(pool) < n:
                if table not in self._sequences:
                    self._sequences[table] = self.fetchone("SELECT pg_get_serial_sequence(%s, 'id')", [table])[0]
                cursor = self._run("SELECT nextval(%s::regclass) FROM generate_series(1, %s)",
                                   [self._sequences[table], max(n - len(pool), self.id_block)])
                try:
                    pool.extend(row[0] for row in cursor.fetchall())
                finally:
                    cursor.close()
            taken = pool[:n]
            del pool[:n]
            return taken
        if table not in self._next:
            # SQLite: this transaction holds the write lock (the tree was written before), so nobody
            # else takes an id meanwhile; AUTOINCREMENT never reuses one, so start above both.
            highest = self.fetchone(f"SELECT max(id) FROM {table}")[0] or 0  # noqa: S608 (model metadata)
            used = self.fetchone("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            self._next[table] = max(highest, used[0] if used else 0) + 1
        first = self._next[table]
        self._next[table] += n
        return list(range(first, first + n))

    # --- rows ---

    def add(self, key: str, row: tuple) -> None:
        self.buffers[key].append(row)
        self.pending += 1

    def maybe_flush(self) -> None:
        if self.pending >= self.batch_rows:
            self.flush()

    def flush(self) -> None:
        """Write every buffer, in registration order (meetings before their attendance)."""
        for key, rows in self.buffers.items():
            if rows:
                self._write(key, rows)
                self.counts[key] += len(rows)
                rows.clear()
        self.pending = 0

    def _write(self, key: str, rows: list[tuple]) -> None:
        table, columns, converters = self.tables[key]
        if self.pg:
            buffer = io.StringIO()
            buffer.writelines("\t".join([c(v) for c, v in zip(converters, row, strict=True)]) + "\n" for row in rows)
            buffer.seek(0)
            sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
            with self.raw.cursor() as cursor:
                if hasattr(cursor, "copy_expert"):  # psycopg2
                    cursor.copy_expert(sql, buffer)
                else:  # psycopg 3
                    with cursor.copy(sql) as copy:
                        copy.write(buffer.getvalue())
            return
        if any(converters):
            rows = [tuple(v if c is None else c(v) for c, v in zip(converters, row, strict=True)) for row in rows]
        cursor = self.raw.cursor()
        # Table and column names come from the models' metadata and this module, never from input.
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"  # noqa: S608
        try:
            cursor.executemany(sql, rows)
        finally:
            cursor.close()

    def execute(self, sql: str, params=None) -> int:
        """Run one statement on the same connection (placeholders %s), return the row count."""
        cursor = self._run(sql, params)
        try:
            return cursor.rowcount
        finally:
            cursor.close()

    def fetchone(self, sql: str, params=None):
        cursor = self._run(sql, params)
        try:
            return cursor.fetchone()
        finally:
            cursor.close()

    def _run(self, sql: str, params):
        cursor = self.raw.cursor()
        if params:
            cursor.execute(sql if self.pg else sql.replace("%s", "?"), params)
        else:
            cursor.execute(sql)
        return cursor

    def close(self) -> None:
        for table in self.temps:
            self.execute(f"DROP TABLE IF EXISTS {table}")
        self.temps.clear()


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


MEETING_COLUMNS = ("id", "tenant_id", "organization_id", "kinds", "starts_at", "ends_at", "place", "topic", "host_id",
                   "recorder_id", "lecturer", "agenda", "minutes", "decisions", "voting_members", "submission_key",
                   "created_at", "updated_at")
ATTENDANCE_COLUMNS = ("tenant_id", "meeting_id", "member_id", "status", "leave_reason", "has_vote")
TALK_COLUMNS = ("tenant_id", "organization_id", "initiator_id", "partner_id", "talked_on", "topic", "notes",
                "pair_kind", "recorded_at")


class LifeBuilder:
    """Writes a tenant's organizational life from ``start`` to yesterday: meetings, attendance, make-ups, talks.

    Everything is generated from a seeded random source, branch by branch, and written in bulk.
    Most branches keep to the national rules (``activities.rules.NATIONAL_DEFAULTS``): a theme Party
    day every month on the branch's fixed day, often also the quarter's general meeting and Party
    lecture ("1+N"); a committee meeting every month where there is a committee; a group meeting
    every month in each Party group; the organizational life meeting with the democratic review in
    December; heart-to-heart talks before it. Some branches fall behind (``HistorySpec.lagging``,
    ``DISTRICT_BEHIND``) and some members stop taking part (the six-month rule).

    On PostgreSQL a trigger refuses rows of a finalized record, so meetings are inserted as drafts,
    then their attendance, and finalized at the end with one UPDATE. ``Member.last_org_life_on`` is
    then set from the evidence, as ``activities.selectors.last_org_life`` computes it.
    """

    def __init__(self, tenant: Tenant, spec: TenantSpec, *, today: date, start: date, district: bool = False,
                 progress: Callable[[str], None] = lambda _msg: None):
        self.tenant = tenant
        self.spec = spec
        self.today = today
        self.end = today - _days(1)
        self.start = start
        self.district = district
        self.progress = progress
        self.rng = random.Random(f"{spec.seed}:life")
        self.tz = timezone.get_current_timezone()
        self.now = timezone.now()
        self.report = HistoryReport()
        self.branches: list[BranchLife] = []
        self.olm_days: dict[tuple[int, int], date] = {}  # (branch, year) -> day of the organizational life meeting
        self.months = []
        cursor = start.replace(day=1)
        while cursor <= self.end:
            self.months.append(cursor)
            cursor = rules.add_months(cursor, 1)

    # --- the whole run ---

    def build(self, *, history: bool = True) -> HistoryReport:
        self._phase("theme Party days", self._load)
        if not history:
            return self.report
        writer = BulkWriter(id_block=10_000 if self.district else 1000)
        try:
            self._phase("meetings generated and written", lambda: self._generate(writer))
            if writer.pg:
                self._phase("foreign keys checked", lambda: writer.execute("SET CONSTRAINTS ALL IMMEDIATE"))
                writer.execute("SET CONSTRAINTS ALL DEFERRED")
            self._phase("make-ups and finalization", lambda: self._finalize(writer))
            if writer.pg:
                writer.execute("SET LOCAL plan_cache_mode = auto")
        finally:
            writer.close()
        if writer.pg and self.district:
            self._phase("ANALYZE", lambda: writer.execute(
                "ANALYZE activities_meeting, activities_attendance, activities_makeup, activities_talk, "
                "members_member"))
        self._phase("last organizational life", self._last_org_life)
        if self.spec.history.extras:
            self._phase("plans, reviews and tickets", self._extras)
        self._phase("dashboard counters", self._dashboards)
        return self.report

    def _phase(self, label: str, work: Callable[[], object]) -> None:
        started = time.monotonic()
        work()
        seconds = time.monotonic() - started
        self.report.phases.append((label, seconds))
        self.progress(f"  {label}: {seconds:.1f} s")

    # --- loading the roster and choosing who falls behind ---

    def _load(self) -> None:
        rng = self.rng
        orgs = list(Organization.objects.filter(tenant=self.tenant, kind__in=[B, G]).order_by("path")
                    .values_list("id", "name", "kind", "category", "parent_id", "path"))
        people: dict[int, list[Person]] = {}
        for (pk, name, branch_id, group_id, joined, full, mobile, lost, post, category) in (
                Member.objects.filter(tenant=self.tenant, is_active=True).order_by("id")
                .values_list("id", "name", "organization_id", "group_id", "joined_on", "full_member_on", "is_mobile",
                             "lost_contact", "post", "organization__category")):
            presence = PRESENCE.get(category, 0.87) + rng.uniform(-0.06, 0.05)
            if mobile:
                presence = 0.3
            people.setdefault(branch_id, []).append(Person(
                pk, name, group_id, joined or date(2000, 1, 1), full, mobile, lost, post == "退休",
                min(presence, 0.98)))
        posts: dict[int, list] = {}
        for org_id, member_id, post, started, ended in (
                CommitteeMembership.objects.filter(tenant=self.tenant).order_by("started_on", "id")
                .values_list("organization_id", "member_id", "post", "started_on", "ended_on")):
            posts.setdefault(org_id, []).append((member_id, post, started, ended))
        groups: dict[int, list[int]] = {}
        for pk, _name, kind, _category, parent_id, _path in orgs:
            if kind == G:
                groups.setdefault(parent_id, []).append(pk)
        secretary = self.spec.secretary_branch
        theme_days: dict[int, list[int]] = {}
        for pk, name, kind, category, _parent, path in orgs:
            if kind != B:
                continue
            roster = people.get(pk, [])
            current = {m for m, _p, _s, ended in posts.get(pk, []) if ended is None}
            theme_day = rng.choice((1, 5, 5, 8, 10, 10, 12, 15, 15, 18, 20, 20, 22, 25, 25, 28))
            theme_days.setdefault(theme_day, []).append(pk)
            life = BranchLife(
                pk, name, category, theme_day, roster,
                [(g, [p for p in roster if p.group_id == g]) for g in groups.get(pk, [])],
                posts.get(pk, []), len(current),
                START_TIMES[category][0] if rng.random() < 0.8 else rng.choice(START_TIMES[category]),
                study=rng.random() < STUDY_SHARE.get(category, 0.6),
                one_plus_n=0.35 if self.district else 0.6, path=path,
            )
            if name == secretary:
                life.skip_from = self.today.replace(day=1)
            self.branches.append(life)
        for day, ids in theme_days.items():
            Organization.objects.filter(pk__in=ids).update(theme_day=day)
        self._choose_laggards()
        self._choose_drifting()

    def _recent_months(self) -> list[str]:
        """Labels of the three full months before this one: the last quarter the reminders look at."""
        first = self.today.replace(day=1)
        return [_month_label(rules.add_months(first, -n)) for n in (1, 2, 3)]

    def _choose_laggards(self) -> None:
        rng = self.rng
        m1, m2, m3 = self._recent_months()
        last_quarter = _quarter_label(rules.add_months(self.today.replace(day=1), -3 - (self.today.month - 1) % 3))
        named = self.spec.history.lagging
        for life in self.branches:
            behaviour = named.get(life.name, "")
            if behaviour == GAP:
                life.misses |= {(K.THEME_DAY, m1), (K.THEME_DAY, m3), (K.COMMITTEE_MEETING, m1),
                                (K.COMMITTEE_MEETING, m2)}
            elif behaviour == NO_GENERAL_MEETING:
                life.study = False
                life.misses |= {(K.GENERAL_MEETING, last_quarter), (K.PARTY_LECTURE, last_quarter),
                                (K.COMMITTEE_MEETING, m2)}
            elif behaviour == GROUP_GAP and life.groups:
                group = life.groups[0][0]
                life.misses |= {(f"group:{group}", m1), (f"group:{group}", m2), (K.THEME_DAY, m2)}
            elif self.district and rng.random() < DISTRICT_BEHIND:
                behaviour = "behind"
                life.misses |= self._random_misses(life, rng.randint(1, 4))
            elif not self.district and life.skip_from is None and rng.random() < 0.25:
                # An old slip, long before the last quarter: visible on the dashboards, not in reminders.
                old = [m for m in self.months if m < rules.add_months(self.today.replace(day=1), -6)]
                if old:
                    life.misses.add((rng.choice((K.THEME_DAY, K.COMMITTEE_MEETING)), _month_label(rng.choice(old))))
            life.behaviour = behaviour
            if behaviour:
                self.report.behind.append(life.name)

    def _random_misses(self, life: BranchLife, n: int) -> set[tuple[str, str]]:
        rng, out = self.rng, set()
        full_months = [m for m in self.months if m >= self.start and rules.add_months(m, 1) <= self.today]
        if not full_months:
            return out
        for _ in range(n):
            month = rng.choice(full_months)
            choice = rng.random()
            if choice < 0.35:
                out.add((K.THEME_DAY, _month_label(month)))
            elif choice < 0.6 and life.committee_size > 1:
                out.add((K.COMMITTEE_MEETING, _month_label(month)))
            elif choice < 0.75:
                out.add((K.GENERAL_MEETING, _quarter_label(month)))
            elif choice < 0.85 and not life.study:
                out.add((K.PARTY_LECTURE, _quarter_label(month)))
            elif choice < 0.92 and life.groups:
                out.add((f"group:{rng.choice(life.groups)[0]}", _month_label(month)))
            else:
                out.add((K.HEART_TALK, str(month.year)))
        return out

    def _choose_drifting(self) -> None:
        """Members who stopped taking part some months ago: the reminders' six-month warnings."""
        rng = self.rng
        candidates = []
        for life in self.branches:
            if life.skip_from is not None:
                continue  # the secretary's own branch (and its member login) stays in order
            on_committee = {m for m, _p, _s, _e in life.posts}
            candidates += [p for p in life.members if p.full_on and not (p.mobile or p.lost)
                           and p.id not in on_committee]
        if self.district:
            chosen = rng.sample(candidates, min(len(candidates), round(len(candidates) * DISTRICT_DRIFTING)))
            offsets = [rng.randint(3, 8) for _ in chosen]
        else:
            rng.shuffle(candidates)
            chosen, seen = [], set()
            for person in candidates:  # from different branches
                branch = next(life.id for life in self.branches if person in life.members)
                if branch not in seen:
                    chosen.append(person)
                    seen.add(branch)
                if len(chosen) == self.spec.history.drifting:
                    break
            offsets = [3 + i % 3 for i in range(len(chosen))]
        for person, months in zip(chosen, offsets, strict=True):
            person.drift_on = rules.add_months(self.today, -months) - _days(rng.randint(6, 12))

    # --- generating ---

    def _generate(self, writer: BulkWriter) -> None:
        writer.model("meeting", Meeting, MEETING_COLUMNS)
        writer.model("attendance", Attendance, ATTENDANCE_COLUMNS)
        writer.model("talk", Talk, TALK_COLUMNS)
        writer.temp("makeup", (("meeting_id", "int"), ("member_id", "int"), ("made_up_on", "date"),
                               ("note", "text"), ("recorded_at", "datetime")))
        writer.temp("final", (("id", "int"), ("finalized_at", "datetime")))
        if writer.pg:
            # The finalization guard is a row trigger whose plan, left to itself, is planned afresh for
            # every row: a generic plan makes inserting attendance about three times faster.
            writer.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        for life in self.branches:
            drafts = self._plan(life)
            for draft in drafts:
                self._attend(life, draft)
            self._fix_up(life, drafts)
            self._emit(life, drafts, writer)
            self._talks(life, writer)
            writer.maybe_flush()
        writer.flush()
        counts = writer.counts
        self.report.meetings += counts["meeting"]
        self.report.attendance += counts["attendance"]
        self.report.talks += counts["talk"]
        self.progress(f"  {counts['meeting']:,} meetings, {counts['attendance']:,} attendance rows, "
                      f"{counts['makeup']:,} make-ups, {counts['talk']:,} talks")

    def _place(self, life: BranchLife, kinds: set[str]) -> str:
        if K.THEME_DAY in kinds and self.rng.random() < 0.15:
            return self.rng.choice(OUTINGS)
        places = PLACES_BY_CATEGORY[life.category]
        return places[0] if self.rng.random() < 0.7 else self.rng.choice(places)

    def _day(self, life: BranchLife, year: int, month: int, day: int) -> date:
        """That day of the month, moved off the weekend for units that work Monday to Friday."""
        d = _clamp_to_month(year, month, day)
        if life.category in WORKDAY_CATEGORIES and d.weekday() >= 5:
            back, forward = d - _days(d.weekday() - 4), d + _days(7 - d.weekday())
            d = back if back.month == month else forward
        return d

    def _plan(self, life: BranchLife) -> list[Draft]:
        rng, misses = self.rng, life.misses
        out: list[Draft] = []
        quarters: dict[str, tuple[int, bool, int, bool]] = {}
        secretary_only = life.committee_size == 1

        def draft(day, kinds, topic, audience, hours, at=None, subject="", org_id=None):
            out.append(Draft(org_id or life.id, day, at or life.usual_time, hours, set(kinds), topic, audience,
                             self._place(life, kinds) if audience != "committee" else (
                                 "书记办公室" if rng.random() < 0.3 else PLACES_BY_CATEGORY[life.category][-1]),
                             subject))

        for first in self.months:
            y, m = first.year, first.month
            month, quarter = _month_label(first), _quarter_label(first)
            in_quarter = (m - 1) % 3
            if quarter not in quarters:
                gm = (rng.randrange(3), rng.random() < life.one_plus_n)
                if quarter.endswith("Q2"):
                    lecture = (2, rng.random() < life.one_plus_n / 2)  # the 七一 lecture, late in June
                elif gm[1] and rng.random() < 0.5:
                    lecture = gm  # 三日合一: theme Party day, general meeting and Party lecture in one
                else:
                    lecture = (rng.randrange(3), rng.random() < life.one_plus_n)
                quarters[quarter] = (*gm, *lecture)
            gm_month, gm_with_theme, lecture_month, lecture_with_theme = quarters[quarter]
            gm_due = in_quarter == gm_month and (K.GENERAL_MEETING, quarter) not in misses
            lecture_due = in_quarter == lecture_month and (K.PARTY_LECTURE, quarter) not in misses
            committee_due = (K.COMMITTEE_MEETING, month) not in misses
            theme = self._day(life, y, m, life.theme_day)
            if (K.THEME_DAY, month) not in misses:
                kinds = {K.THEME_DAY}
                if gm_due and gm_with_theme:
                    kinds.add(K.GENERAL_MEETING)
                    gm_due = False
                if lecture_due and lecture_with_theme:
                    kinds.add(K.PARTY_LECTURE)
                    lecture_due = False
                if secretary_only and committee_due:
                    kinds.add(K.COMMITTEE_MEETING)  # a branch whose "committee" is its secretary
                topics = THEME_TOPICS[m]
                topic = topics[0] if rng.random() < 0.5 else rng.choice(topics)
                draft(theme, kinds, topic.format(party=y - 1921, prc=y - 1949), "all", 2.0)
            if gm_due:
                other = self._day(life, y, m, theme.day + rng.choice((-9, -6, 6, 9, 12)))
                draft(other, {K.GENERAL_MEETING}, rng.choice(GENERAL_TOPICS), "all", 1.5)
            if lecture_due:
                if quarter.endswith("Q2"):
                    day, topic = self._day(life, y, 6, rng.randint(24, 30)), rng.choice(JULY_LECTURES)
                else:
                    day, topic = self._day(life, y, m, theme.day + rng.choice((-7, 5, 10))), rng.choice(LECTURE_TOPICS)
                draft(day, {K.PARTY_LECTURE}, topic, "all", 1.5)
            if life.study and (K.PARTY_LECTURE, quarter) not in misses:
                draft(self._day(life, y, m, theme.day + rng.choice((-12, -10, 8, 11))), {K.PARTY_LECTURE},
                      rng.choice(STUDY_TOPICS), "all", 1.5)
            if life.committee_size > 1 and committee_due:
                before = theme.day - rng.randint(2, 6)
                day = self._day(life, y, m, before if before >= 1 else theme.day + rng.randint(2, 5))
                topic = COMMITTEE_TOPICS_BY_MONTH.get(m) if rng.random() < 0.6 else None
                draft(day, {K.COMMITTEE_MEETING}, topic or rng.choice(COMMITTEE_TOPICS), "committee", 1.0)
                if rng.random() < 0.12:
                    draft(self._day(life, y, m, rng.randint(20, 28)), {K.COMMITTEE_MEETING},
                          rng.choice(COMMITTEE_TOPICS), "committee", 1.0)
            for group_id, _members in life.groups:
                if (f"group:{group_id}", month) not in misses:
                    later = theme.day + rng.randint(3, 12)
                    draft(self._day(life, y, m, later if later <= 28 else theme.day - rng.randint(3, 8)),
                          {K.GROUP_MEETING}, rng.choice(GROUP_TOPICS), group_id, 1.0, org_id=group_id)
            if m == 12 and (K.ORG_LIFE_MEETING, str(y)) not in misses:
                day = self._day(life, y, 12, rng.randint(8, 26))
                kinds = {K.ORG_LIFE_MEETING, K.DEMOCRATIC_REVIEW}
                if rng.random() < 0.5 and (K.GENERAL_MEETING, quarter) not in misses:
                    kinds.add(K.GENERAL_MEETING)
                draft(day, kinds, f"{y}年度组织生活会暨民主评议党员", "all", 3.0, at=(9, 0))
                self.olm_days[(life.id, y)] = day
        for person in life.members:  # the votes of the general meeting: admission and full membership
            for day, topic in ((person.joined_on, f"支部党员大会：讨论接收{person.name}同志为中共预备党员"),
                               (person.full_on, f"支部党员大会：讨论{person.name}同志预备党员转正")):
                if day and self.start <= day <= self.end and (K.GENERAL_MEETING, _quarter_label(day)) not in misses:
                    draft(day, {K.GENERAL_MEETING}, topic, "all", 1.0, at=(16, 30), subject=person.name)
        last = self.end if life.skip_from is None else min(self.end, life.skip_from - _days(1))
        keep = [d for d in out if self.start <= d.day <= last]
        keep.sort(key=lambda d: (d.day, d.at))
        return keep

    def _committee_on(self, life: BranchLife, day: date) -> list[tuple[int, str]]:
        """The committee on that day (``selectors.current_committee(on=day)``); the first one before any."""
        on = [(m, post) for m, post, started, ended in life.posts if started <= day and (ended is None or ended > day)]
        if on or not life.posts:
            return on
        first = life.posts[0][2]
        return [(m, post) for m, post, started, _e in life.posts if started == first]

    def _attend(self, life: BranchLife, d: Draft) -> None:
        rng = self.rng
        random_ = rng.random
        day = d.day
        by_id = life.by_id
        if d.audience == "all":
            people = [p for p in life.members if p.joined_on < day]
        elif d.audience == "committee":
            people = [by_id[m] for m, _post in self._committee_on(life, day) if m in by_id]
        else:
            people = [p for p in next(g for gid, g in life.groups if gid == d.audience) if p.joined_on < day]
        committee = d.audience == "committee"
        rows = []
        for p in people:
            if p.lost:
                rows.append([p, ABSENT, "", None, ""])
                continue
            if p.drift_on and day >= p.drift_on:
                rows.append([p, LEAVE, "身体原因", None, ""] if random_() < 0.2 else [p, ABSENT, "", None, ""])
                continue
            presence = p.presence + (0.04 if committee else 0.0)
            r = random_()
            if r < presence:
                rows.append([p, PRESENT, "", None, ""])
                continue
            if r < presence + (1 - presence) * 0.75:
                reasons = MOBILE_LEAVE_REASONS if p.mobile else RETIRED_LEAVE_REASONS if p.retired else LEAVE_REASONS
                row = [p, LEAVE, reasons[int(random_() * len(reasons))], None, ""]
                made_up = random_() < (0.6 if p.mobile else 0.4)
            else:
                row = [p, ABSENT, "", None, ""]
                made_up = random_() < 0.15
            if made_up:
                on = day + _days(rng.randint(1, 14))
                if on <= self.end and (p.drift_on is None or on < p.drift_on):
                    row[3], row[4] = on, MAKEUP_NOTES[int(random_() * len(MAKEUP_NOTES))]
            rows.append(row)
        d.rows = rows
        # Host and recorder: the secretary and the organization member, the group leader, or senior members.
        if committee or d.audience == "all":
            posts = dict((post, m) for m, post in self._committee_on(life, day))
            ranked = [by_id.get(posts.get(p)) for p in (CommitteePost.SECRETARY, CommitteePost.DEPUTY_SECRETARY,
                                                          CommitteePost.ORGANIZATION, CommitteePost.PROPAGANDA)]
            ranked = [p for p in ranked if p is not None]
        else:
            ranked = []
        ranked += [row[0] for row in rows if row[0].full_on and not (row[0].mobile or row[0].lost or row[0].drift_on)]
        listed = {row[0].id: row for row in rows}
        hosts = [p for p in dict.fromkeys(ranked) if p.id in listed]
        d.host = hosts[0] if hosts else None
        d.recorder = hosts[1] if len(hosts) > 1 else None
        for person in (d.host, d.recorder):
            if person is not None:
                listed[person.id][1:5] = [PRESENT, "", None, ""]

    def _fix_up(self, life: BranchLife, drafts: list[Draft]) -> None:
        """Members in touch have taken part within the last two months; the drifting ones right before."""
        cutoff = self.end - _days(EVIDENCE_DAYS)
        last: dict[int, date] = {}
        recent: dict[int, list] = {}
        before_drift: dict[int, list] = {}
        for d in drafts:  # chronological
            for row in d.rows:
                p = row[0]
                if row[1] == PRESENT:
                    last[p.id] = d.day
                if row[3] is not None and row[3] > last.get(p.id, date.min):
                    last[p.id] = row[3]
                if d.day >= cutoff:
                    recent[p.id] = row
                if p.drift_on and d.day < p.drift_on:
                    before_drift[p.id] = row
        for p in life.members:
            if p.lost:
                continue
            row = before_drift.get(p.id) if p.drift_on else recent.get(p.id)
            if row is not None and (p.drift_on or last.get(p.id, date.min) < cutoff):
                row[1:5] = [PRESENT, "", None, ""]

    def _emit(self, life: BranchLife, drafts: list[Draft], writer: BulkWriter) -> None:
        drafts = [d for d in drafts if d.rows]
        if not drafts:
            return
        rng, tenant_id, tz = self.rng, self.tenant.pk, self.tz
        ids = writer.ids(Meeting, len(drafts))
        for pk, d in zip(ids, drafts, strict=True):
            starts = datetime.combine(d.day, clock(*d.at), tzinfo=tz)
            ends = starts + timedelta(hours=d.hours)
            finalized = min(ends + timedelta(hours=rng.randint(2, 96)), self.now - timedelta(minutes=5))
            created = min(ends + timedelta(minutes=rng.randint(20, 240)), finalized)
            present = sum(1 for row in d.rows if row[1] == PRESENT)
            leave = sum(1 for row in d.rows if row[1] == LEAVE)
            voting = sum(1 for p in life.members if p.full_on and p.full_on <= d.day and p.joined_on < d.day)
            main = next(k for k in (K.ORG_LIFE_MEETING, K.THEME_DAY, K.GENERAL_MEETING, K.PARTY_LECTURE,
                                    K.COMMITTEE_MEETING, K.GROUP_MEETING) if k in d.kinds)
            host = d.host.name if d.host else "支部负责人"
            lecturer = ""
            if K.PARTY_LECTURE in d.kinds:
                lecturer = host if rng.random() < 0.85 else rng.choice(("区委党校讲师", "上级党委联系领导"))
            minutes = (f"会议由{host}主持，{d.recorder.name if d.recorder else host}记录。应到{len(d.rows)}人，"
                       f"实到{present}人" + (f"，请假{leave}人" if leave else "") + "。"
                       + MINUTES[main].format(lecturer=lecturer or host))
            if d.subject:
                decisions = f"经与会有表决权的党员表决，同意{d.topic.split('讨论', 1)[-1]}，报上级党组织审批。"
            elif main == K.COMMITTEE_MEETING:
                decisions = "一、议定事项按分工抓好落实；二、下次主题党日按计划举行。"
            else:
                decisions = ""
            writer.add("meeting", (
                pk, tenant_id, d.org_id, Meeting.pack_kinds(d.kinds), starts, ends, d.place, d.topic,
                d.host.id if d.host else None, d.recorder.id if d.recorder else None, lecturer, AGENDAS[main], minutes,
                decisions, voting, uuid.UUID(int=rng.getrandbits(128), version=4), created, finalized))
            writer.add("final", (pk, finalized))
            day = d.day
            for p, status, reason, made_up_on, note in d.rows:
                writer.add("attendance", (tenant_id, pk, p.id, status, reason,
                                          p.full_on is not None and p.full_on <= day))
                if made_up_on is not None:
                    writer.add("makeup", (pk, p.id, made_up_on, note,
                                          datetime.combine(made_up_on, clock(18, 0), tzinfo=tz)))

    def _talks(self, life: BranchLife, writer: BulkWriter) -> None:
        """Heart-to-heart talks before each year's organizational life meeting, covering every pair kind."""
        rng, tz = self.rng, self.tz
        by_id = life.by_id
        for year in range(self.start.year, self.end.year + 1):
            if (K.HEART_TALK, str(year)) in life.misses:
                continue
            posts = [(m, post) for m, post in self._committee_on(life, date(year, 11, 1)) if m in by_id]
            posts.sort(key=lambda mp: mp[1] != CommitteePost.SECRETARY)
            committee = [m for m, _post in posts]
            opens = date(year, 10, 10)
            plain = [p.id for p in life.members if p.id not in committee and not p.lost and p.joined_on < opens]
            pairs = []
            if committee:
                secretary = committee[0]
                pairs += [(secretary, other) for other in committee[1:]]
                for member in committee:
                    pairs += [(member, other) for other in rng.sample(plain, min(len(plain), 3 if member == secretary
                                                                                    else 2))]
            if len(plain) >= 2:
                pairs += [tuple(rng.sample(plain, 2)) for _ in range(2)]
            seen = set()
            for a, b in pairs:
                if (a, b) in seen or (b, a) in seen:
                    continue
                seen.add((a, b))
                day = opens + _days(rng.randint(0, 65))
                if not (self.start <= day <= self.end) or (life.skip_from and day >= life.skip_from):
                    continue
                on = {m for m, _post in self._committee_on(life, day)}
                kind = life_rules.pair_kind(a_on_committee=a in on, b_on_committee=b in on)
                writer.add("talk", (self.tenant.pk, life.id, a, b, day, rng.choice(TALK_TOPICS),
                                    rng.choice(TALK_NOTES), kind,
                                    datetime.combine(day + _days(1), clock(10, 0), tzinfo=tz)))

    # --- finishing ---

    def _finalize(self, writer: BulkWriter) -> None:
        """Make-ups point at their attendance rows; then every meeting becomes final (定稿) at once."""
        self.report.makeups = writer.execute(
            "INSERT INTO activities_makeup (tenant_id, attendance_id, made_up_on, note, recorded_at) "
            "SELECT a.tenant_id, a.id, s.made_up_on, s.note, s.recorded_at FROM seed_makeup s "
            "JOIN activities_attendance a ON a.meeting_id = s.meeting_id AND a.member_id = s.member_id")
        writer.execute(
            "UPDATE activities_meeting AS m SET finalized_at = f.finalized_at, updated_at = f.finalized_at "
            "FROM seed_final AS f WHERE m.id = f.id AND m.finalized_at IS NULL")

    def _last_org_life(self) -> None:
        """``Member.last_org_life_on`` from the evidence, as ``activities.selectors.last_org_life`` computes it."""
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    """
                    UPDATE members_member AS mm SET last_org_life_on = x.last_on
                    FROM (
                        SELECT member_id, max(day) AS last_on FROM (
                            SELECT a.member_id, (max(m.starts_at) AT TIME ZONE %(tz)s)::date AS day
                              FROM activities_attendance a JOIN activities_meeting m ON m.id = a.meeting_id
                             WHERE a.tenant_id = %(tenant)s AND a.status = 'present' AND m.finalized_at IS NOT NULL
                             GROUP BY a.member_id
                            UNION ALL
                            SELECT a.member_id, max(u.made_up_on)
                              FROM activities_makeup u JOIN activities_attendance a ON a.id = u.attendance_id
                             WHERE u.tenant_id = %(tenant)s
                             GROUP BY a.member_id
                        ) evidence GROUP BY member_id
                    ) AS x
                    WHERE mm.id = x.member_id AND mm.tenant_id = %(tenant)s
                      AND mm.last_org_life_on IS DISTINCT FROM x.last_on
                    """,
                    {"tz": timezone.get_current_timezone_name(), "tenant": self.tenant.pk},
                )
            return
        latest: dict[int, date] = {}
        for member_id, last in (Attendance.objects.filter(tenant=self.tenant, status=PRESENT,
                                                          meeting__finalized_at__isnull=False)
                                .values("member_id").annotate(last=Max("meeting__starts_at"))
                                .values_list("member_id", "last")):
            latest[member_id] = timezone.localtime(last).date()
        for member_id, last in (MakeUp.objects.filter(tenant=self.tenant).values("attendance__member_id")
                                .annotate(last=Max("made_up_on")).values_list("attendance__member_id", "last")):
            latest[member_id] = max(latest.get(member_id, last), last)
        with connection.cursor() as cursor:
            cursor.executemany("UPDATE members_member SET last_org_life_on = %s WHERE id = %s AND tenant_id = %s",
                               [(day.isoformat(), pk, self.tenant.pk) for pk, day in latest.items()])

    def _dashboards(self) -> None:
        if not apps.is_installed("dashboards"):
            return
        from dashboards import stats

        stats.rebuild_tenant(self.tenant.pk, years=range(self.start.year, self.today.year + 1), today=self.today)

    # --- plans, democratic reviews, rectification tickets (the demo tenants) ---

    def _extras(self) -> None:
        self._plans()
        self._appraisals()
        self._tickets()

    def _plans(self) -> None:
        """Last year's plans all filed; this year's mostly filed, some submitted, the laggards' still drafts."""
        rng, today, tz = self.rng, self.today, self.tz
        this_year = today.year
        waiting = {life.id for life in rng.sample(self.branches, min(3, len(self.branches)))}
        plans = []
        for life in self.branches:
            for year in (this_year - 1, this_year):
                submit_on = date(year, 1, rng.randint(6, 24))
                decide_on = submit_on + _days(rng.randint(2, 9))
                status, reason = PlanStatus.FILED, ""
                if year == this_year:
                    if life.behaviour in (GAP, GROUP_GAP):
                        status = PlanStatus.DRAFT
                    elif life.behaviour == NO_GENERAL_MEETING:
                        status = PlanStatus.RETURNED
                        reason = "主题党日未明确固定日期，党课安排不具体，请修改完善后重新报送。"
                    elif life.id in waiting or decide_on >= today:
                        status = PlanStatus.SUBMITTED
                    if submit_on >= today:
                        status, reason = PlanStatus.DRAFT, ""
                at = datetime.combine(submit_on, clock(10, 0), tzinfo=tz)
                plans.append(Plan(
                    tenant=self.tenant, organization_id=life.id, year=year, status=status, return_reason=reason,
                    summary=(f"{year}年，支部坚持“三会一课”制度，每月{life.theme_day}日开展主题党日活动，"
                             "每季度召开支部党员大会、讲一次党课，年底召开组织生活会、开展民主评议党员。"),
                    submitted_at=None if status == PlanStatus.DRAFT else at,
                    decided_at=datetime.combine(decide_on, clock(15, 0), tzinfo=tz)
                    if status in (PlanStatus.FILED, PlanStatus.RETURNED) else None,
                ))
        Plan.objects.bulk_create(plans)
        items = []
        for plan in plans:
            life = next(b for b in self.branches if b.id == plan.organization_id)
            for month in range(1, 13):
                kinds = [K.THEME_DAY] + ([K.GENERAL_MEETING, K.PARTY_LECTURE] if month % 3 == 2 else [])
                topic = THEME_TOPICS[month][0].format(party=plan.year - 1921, prc=plan.year - 1949)
                items.append(PlanItem(tenant=self.tenant, plan=plan, month=month, kinds=kinds, topic=topic,
                                      planned_on=date(plan.year, month, life.theme_day)))
            items.append(PlanItem(tenant=self.tenant, plan=plan, month=12,
                                  kinds=[K.ORG_LIFE_MEETING, K.DEMOCRATIC_REVIEW],
                                  topic=f"{plan.year}年度组织生活会暨民主评议党员"))
        PlanItem.objects.bulk_create(items, batch_size=2000)
        self.report.plans = len(plans)

    def _appraisals(self) -> None:
        """Last year's democratic review in a few branches: mostly 合格, some 优秀 (at most a third)."""
        rng, year = self.rng, self.today.year - 1
        reviewed = [b for b in self.branches if b.skip_from is not None]
        reviewed += rng.sample([b for b in self.branches if b.skip_from is None], min(3, len(self.branches) - 1))
        rows = []
        for life in reviewed:
            decided = self.olm_days.get((life.id, year), date(year, 12, 20))
            graded = [p for p in life.members if p.full_on and p.full_on <= decided and not p.lost]
            excellent = set(rng.sample(graded, len(graded) // 5)) if graded else set()
            basic = {rng.choice(graded)} if graded and life.skip_from is None and not any(
                r.grade == Grade.BASICALLY_QUALIFIED for r in rows) else set()
            basic -= excellent
            for p in graded:
                grade = (Grade.EXCELLENT if p in excellent else Grade.BASICALLY_QUALIFIED if p in basic
                         else Grade.QUALIFIED)
                rows.append(Appraisal(tenant=self.tenant, organization_id=life.id, member_id=p.id, year=year,
                                      self_assessment=rng.choice(SELF_ASSESSMENTS),
                                      peer_evaluation=rng.choice(PEER_EVALUATIONS), grade=grade, decided_on=decided))
        Appraisal.objects.bulk_create(rows, batch_size=2000)
        self.report.appraisals = len(rows)

    def _tickets(self) -> None:
        """Rectification tickets in different states: overdue, under registered supervision, submitted, closed."""
        from inspections.models import Measure, RectificationTicket, TicketCategory, TicketEvent
        from inspections.services import ensure_tenant_defaults

        ensure_tenant_defaults(tenant_id=self.tenant.pk)
        categories = {c.code: c for c in TicketCategory.objects.filter(tenant=self.tenant)}
        today, tz = self.today, self.tz
        by_behaviour = {life.behaviour: life for life in self.branches if life.behaviour}
        by_id = {life.id: life for life in self.branches}
        overdue_term = (Organization.objects.filter(tenant=self.tenant, kind=B, term_end__lt=today)
                        .order_by("path").values_list("pk", flat=True).first())
        # The closed ticket is in the inspector's subtree, so that the inspector login finds it.
        watched = Organization.objects.filter(tenant=self.tenant, name=self.spec.inspector_org).values_list(
            "path", flat=True).first() or "/"
        in_order = [life for life in self.branches if not life.behaviour and life.skip_from is None
                    and life.path.startswith(watched) and life.id != overdue_term]
        checked = rules.add_months(today, -3)
        source = f"{checked.year}年第{(checked.month - 1) // 3 + 1}季度“三会一课”专项督查"
        # (branch, problem, category, severity, filed and deadline relative to today, registered supervision,
        #  steps taken, measures as (text, due relative to today, status))
        plans = []
        if GAP in by_behaviour:
            plans.append((by_behaviour[GAP].id,
                          "近三个月主题党日未按固定日期开展，部分月份支委会会议未召开、记录缺失。", "three_meetings",
                          "high", -40, -6, False, ["acknowledge", "start"],
                          [("补开主题党日，补齐会议记录", -10, "in_progress"),
                           ("建立支委会会议台账，每月报上级党委", -6, "pending")]))
        if overdue_term is not None:
            plans.append((overdue_term, "支部委员会任期已满，未按期进行换届选举。", "election_overdue", "high",
                          -20, 10, True, ["acknowledge"], [("向上级党委报送换届请示", -5, "done"),
                                            ("召开党员大会选举新一届支部委员会", 10, "pending")]))
        if NO_GENERAL_MEETING in by_behaviour:
            plans.append((by_behaviour[NO_GENERAL_MEETING].id, "上季度未召开支部党员大会，未按要求讲党课。",
                          "three_meetings", "medium", -35, 20, False, ["acknowledge", "start", "submit"],
                          [("召开支部党员大会并由书记讲党课", -15, "done")]))
        if in_order:
            plans.append((in_order[0].id, "会议记录缺少签到表，部分记录未经主持人签字确认。", "records", "low",
                          -150, -100, False, ["acknowledge", "start", "submit", "accept", "close"],
                          [("补充签到表，规范会议记录审签", -110, "done")]))
        flow = {"acknowledge": "acknowledged", "start": "rectifying", "submit": "submitted", "accept": "accepted",
                "close": "closed"}
        numbers: Counter[int] = Counter()
        for org_id, problem, category, severity, filed_days, deadline_days, supervised, steps, measures in sorted(
                plans, key=lambda p: p[4]):
            filed = datetime.combine(today + _days(filed_days), clock(10, 30), tzinfo=tz)
            events, previous = [("file", "", "filed", filed)], "filed"
            if supervised:
                events.append(("supervision_on", "", "", filed + _days(1)))
            for i, step in enumerate(steps):
                events.append((step, previous, flow[step], filed + _days(2 + 4 * i)))
                previous = flow[step]
            when = {action: at for action, _old, _new, at in events}
            numbers[filed.year] += 1
            life = by_id.get(org_id)
            secretary = life.secretary() if life else None
            ticket = RectificationTicket.objects.create(
                tenant=self.tenant, organization_id=org_id, number=f"ZG{filed.year}-{numbers[filed.year]:04d}",
                problem=problem, category=categories.get(category) or next(iter(categories.values())),
                severity=severity, source=source, responsible_person=secretary.name if secretary else "支部书记",
                deadline=today + _days(deadline_days), status=previous, registered_supervision=supervised,
                completion="已按要求整改，相关记录已补充完善。" if "submit" in steps else "",
                accepted_at=when.get("accept"), closed_at=when.get("close"))
            RectificationTicket.objects.filter(pk=ticket.pk).update(filed_at=filed, updated_at=events[-1][3])
            Measure.objects.bulk_create([
                Measure(tenant=self.tenant, ticket=ticket, description=text, owner=ticket.responsible_person,
                        due_on=today + _days(due), status=state) for text, due, state in measures])
            for action, old, new, at in events:
                event = TicketEvent.objects.create(tenant=self.tenant, ticket=ticket, action=action, from_status=old,
                                                   to_status=new)
                TicketEvent.objects.filter(pk=event.pk).update(created_at=at)
        self.report.tickets = len(plans)


def history_start(today: date, *, district: bool = False) -> date:
    """The demo tenants: from 1 January last year; the district: the twelve months up to yesterday."""
    return rules.add_years(today, -1) + _days(1) if district else date(today.year - 1, 1, 1)


def attribute_records(tenant: Tenant, spec: TenantSpec) -> None:
    """Once the demo accounts exist: who filed the tickets (the inspector in their subtree, the organization
    department elsewhere) and who filed the plans (the reviewer)."""
    from inspections.models import RectificationTicket, TicketEvent

    users = {u.username: u for u in User.objects.filter(tenant=tenant)}
    inspector, admin = users.get(f"{spec.prefix}_inspector"), users.get(f"{spec.prefix}_admin")
    watched = Organization.objects.filter(tenant=tenant, name=spec.inspector_org).values_list(
        "path", flat=True).first()
    tickets = RectificationTicket.objects.filter(tenant=tenant, filed_by__isnull=True).select_related("organization")
    for ticket in tickets:
        filer = inspector if watched and ticket.organization.path.startswith(watched) else admin
        if filer is None:
            continue
        RectificationTicket.objects.filter(pk=ticket.pk).update(filed_by=filer)
        TicketEvent.objects.filter(ticket=ticket, actor__isnull=True, action__in=[
            "file", "supervision_on", "accept", "close", "return"]).update(actor=filer)
    reviewer = users.get(f"{spec.prefix}_reviewer")
    if reviewer:
        Plan.objects.filter(tenant=tenant, decided_at__isnull=False, decided_by__isnull=True).update(
            decided_by=reviewer)


# ---------------------------------------------------------------------------------------------
# Tenants, users, reports
# ---------------------------------------------------------------------------------------------


@dataclass
class TenantReport:
    tenant: Tenant
    built: bool
    seconds: float
    organizations: dict[str, int]  # by kind
    members: int
    meetings: int = 0
    attendance: int = 0


@dataclass(frozen=True)
class Login:
    username: str
    role: str  # a Role value; "" for the platform superuser
    organization: str  # name of the node the role is granted on
    tenant: str


@dataclass
class SeedReport:
    tenants: list[TenantReport] = field(default_factory=list)
    logins: list[Login] = field(default_factory=list)
    password: str = DEFAULT_PASSWORD
    superuser_created: bool = False


def build_tenant(spec: TenantSpec, *, today: date | None = None, history: bool = True,
                 progress: Callable[[str], None] = lambda _msg: None) -> Tenant:
    """Create one of the small demo tenants (it must not exist yet), with its organizational life
    from 1 January last year to yesterday unless ``history`` is false."""
    today = today or timezone.localdate()
    with transaction.atomic():
        tenant = Tenant.objects.create(name=spec.name, slug=spec.slug)
        TreeBuilder(tenant, spec, today=today).build(spec.root)
        LifeBuilder(tenant, spec, today=today, start=history_start(today), progress=progress).build(history=history)
    return tenant


def build_district(*, scale: float = 1.0, today: date | None = None, history: bool = True,
                   progress: Callable[[str], None] = lambda _msg: None) -> Tenant:
    """(Re)build the benchmark tenant: the seeds' district (3,414 organizations, 69,000 members) × scale,
    and unless ``history`` is false its twelve months of meetings and attendance (about 120,000 and
    two million at scale 1). Prints the time of each phase through ``progress``."""
    today = today or timezone.localdate()
    with transaction.atomic():
        existing = Tenant.objects.filter(slug=DISTRICT.slug).first()
        if existing:
            started = time.monotonic()
            purge_tenant(existing)
            progress(f"  previous district deleted: {time.monotonic() - started:.1f} s")
        started = time.monotonic()
        tenant = Tenant.objects.create(name=DISTRICT.name, slug=DISTRICT.slug)
        builder = TreeBuilder(tenant, DISTRICT, today=today, election_history=0)
        builder.build(district_tree(scale=scale, rng=builder.rng))
        progress(f"  organizations and members: {time.monotonic() - started:.1f} s")
        LifeBuilder(tenant, DISTRICT, today=today, start=history_start(today, district=True), district=True,
                    progress=progress).build(history=history)
        started = time.monotonic()
    progress(f"  commit: {time.monotonic() - started:.1f} s")
    return tenant


class SeedError(Exception):
    """The demo data cannot be (re)built as asked; the message says why."""


def purge_tenant(tenant: Tenant) -> None:
    """Delete a tenant and every row carrying it, users included.

    Tables go in dependency order (a table before those it points at), so when a table's turn
    comes nothing of this tenant points at its rows any more. Then one plain DELETE per table is
    enough, and fast (a district is 69,000 members); Django's cascade, which loads every row, is
    used only for tables that rows outside the tenant's own tables can point at (users: tokens,
    admin log, permissions).
    """
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                # The finalized-record guard lets a whole-tenant purge delete (never update) its records.
                # Its row trigger runs for each of a district's two million attendance rows: with a generic
                # plan instead of one planned afresh for every row, about three times faster.
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL partylife.purge_tenant = 'on'")
                    cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
            owned = _tenant_models()
            Organization.objects.filter(tenant=tenant).update(parent=None)  # the tree PROTECTs its own parents
            for model in owned:
                column = _tenant_field(model)
                if _referenced_from_outside(model, set(owned)):
                    model._base_manager.filter(**{column.name: tenant}).only("pk").delete()
                else:
                    with connection.cursor() as cursor:
                        table, qn = model._meta.db_table, connection.ops.quote_name
                        # Identifiers come from the models' metadata, never from input.
                        cursor.execute(f"DELETE FROM {qn(table)} WHERE {qn(column.column)} = %s",  # noqa: S608
                                       [tenant.pk])
            tenant.delete()
            if connection.vendor == "postgresql":
                # SET LOCAL lasts to the end of the outermost transaction: close the exception now.
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL partylife.purge_tenant = 'off'")
                    cursor.execute("SET LOCAL plan_cache_mode = auto")
    except IntegrityError as exc:
        # On PostgreSQL the database refuses to delete a finalized meeting record (activities trigger).
        raise SeedError(f"{tenant.name} ({tenant.slug}) cannot be deleted, so it was left as it was. "
                        f"The database said: {exc}".strip()) from exc


def _tenant_field(model) -> models.ForeignKey:
    return next(f for f in model._meta.concrete_fields
                if isinstance(f, models.ForeignKey) and f.related_model is Tenant)


def _referenced_from_outside(model, owned: set) -> bool:
    """Whether rows of a model without a tenant column, or a many-to-many table, can point at ``model``."""
    return bool(model._meta.many_to_many) or any(
        rel.many_to_many or rel.related_model not in owned for rel in model._meta.related_objects)


def _tenant_models() -> list[type[models.Model]]:
    """Every model with a foreign key to Tenant, ordered so that a model comes before those it references."""
    tables = set(connection.introspection.table_names())  # a model not migrated yet has no rows to delete
    owned = [m for m in apps.get_models() if not m._meta.proxy and m._meta.db_table in tables and any(
        isinstance(f, models.ForeignKey) and f.related_model is Tenant for f in m._meta.concrete_fields)]
    referenced_by: dict[type, set[type]] = {m: set() for m in owned}
    for model in owned:
        for f in model._meta.concrete_fields:
            if f.is_relation and f.related_model in referenced_by and f.related_model is not model:
                referenced_by[f.related_model].add(model)
    try:
        return list(graphlib.TopologicalSorter(referenced_by).static_order())
    except graphlib.CycleError:  # leave it to the cascade; the tree and the users go last
        return sorted(owned, key=lambda m: m in (Organization, User))


def logins_for(spec: TenantSpec) -> list[tuple[str, str, str | None]]:
    """(username, role, node name or None for the root) of a demo tenant's accounts."""
    p = spec.prefix
    out = [(f"{p}_admin", Role.TENANT_ADMIN, None), (f"{p}_reviewer", Role.REVIEWER, None),
           (f"{p}_secretary", Role.SECRETARY, spec.secretary_branch)]
    if spec.inspector_org:
        out.append((f"{p}_inspector", Role.INSPECTOR, spec.inspector_org))
    if spec.member_login:
        out.append((f"{p}_member", Role.MEMBER, spec.secretary_branch))
    return out


def ensure_users(tenant: Tenant, spec: TenantSpec, *, password_hash: str) -> list[Login]:
    """Create or refresh the tenant's demo accounts, their grants and the member's roster link."""
    root = Organization.objects.get(tenant=tenant, depth=0)
    first_branch = Organization.objects.filter(tenant=tenant, kind=B).order_by("path").first()
    reveal = Permission.objects.get(content_type__app_label="members", codename="reveal_member_pii")
    logins = []
    for username, role, org_name in logins_for(spec):
        if org_name:
            org = Organization.objects.get(tenant=tenant, name=org_name)
        else:
            org = first_branch if role in (Role.SECRETARY, Role.MEMBER) else root
        user = User.objects.filter(username=username).first() or User(username=username, tenant=tenant)
        if user.tenant_id != tenant.pk:
            raise ValueError(f"The username {username} belongs to another tenant; remove it or use --reset.")
        user.full_name = _full_name(spec, role, org, user)
        user.password = password_hash
        # Reserved example domain: reminders sent by e-mail in the demo go nowhere real.
        user.email = user.email or f"{username}@example.org"
        user.save()
        RoleGrant.objects.get_or_create(tenant=tenant, user=user, organization=org, role=role)
        if role == Role.TENANT_ADMIN:
            user.user_permissions.add(reveal)
        if role == Role.MEMBER and not Member.objects.filter(user=user).exists():
            member = _plain_member(org)
            Member.objects.filter(pk=member.pk).update(user=user)
            user.full_name = member.name
            user.save(update_fields=["full_name"])
        logins.append(Login(username, role, org.name, tenant.name))
    return logins


def _full_name(spec: TenantSpec, role: str, org: Organization, user: User) -> str:
    key = {Role.TENANT_ADMIN: "admin", Role.REVIEWER: "reviewer", Role.INSPECTOR: "inspector"}.get(role)
    if key:
        return spec.staff.get(key, "")
    if role == Role.SECRETARY:
        secretary = CommitteeMembership.objects.filter(
            organization=org, post=CommitteePost.SECRETARY, ended_on__isnull=True).select_related("member").first()
        return secretary.member.name if secretary else ""
    return user.full_name


def _plain_member(branch: Organization) -> Member:
    """A full member of the branch without a committee post, in touch, with no login yet."""
    on_committee = CommitteeMembership.objects.filter(organization=branch, ended_on__isnull=True)
    return (
        Member.objects.filter(organization=branch, status=MemberStatus.FULL, user__isnull=True,
                              is_mobile=False, lost_contact=False)
        .exclude(pk__in=on_committee.values("member_id"))
        .only("pk", "name").order_by("pk").first()
    )


def ensure_superuser(*, password_hash: str) -> bool:
    """The platform operator ``admin`` (no tenant) for the Django admin; an existing one is left alone."""
    if User.objects.filter(username=SUPERUSER_NAME).exists():
        return False
    User.objects.create(username=SUPERUSER_NAME, password=password_hash, full_name="平台管理员", tenant=None,
                        is_staff=True, is_superuser=True)
    return True


def tenant_report(tenant: Tenant, *, built: bool, seconds: float) -> TenantReport:
    by_kind = dict(Organization.objects.filter(tenant=tenant).order_by().values_list("kind").annotate(n=Count("id")))
    return TenantReport(tenant, built, seconds, by_kind, Member.objects.filter(tenant=tenant).count(),
                        Meeting.objects.filter(tenant=tenant).count(), Attendance.objects.filter(tenant=tenant).count())


def seed(*, password: str = DEFAULT_PASSWORD, reset: bool = False, district: bool = False,
         district_scale: float = 1.0, history: bool = True,
         progress: Callable[[str], None] = lambda _msg: None) -> SeedReport:
    """Build what is missing (everything with ``reset``); the district is rebuilt whenever asked for.

    A tenant's organizational life is built with the tenant (never added to an existing one, so a
    second run changes nothing); ``history=False`` leaves it out."""
    # One hash for every demo account: they share a documented password, and the real hasher is slow.
    password_hash = make_password(password)
    report = SeedReport(password=password)
    specs = [*DEMO_TENANTS, DISTRICT] if district else list(DEMO_TENANTS)
    for spec in specs:
        started = time.monotonic()
        tenant = Tenant.objects.filter(slug=spec.slug).first()
        if tenant and reset and spec is not DISTRICT:
            progress(f"Deleting {spec.name} …")
            purge_tenant(tenant)
            tenant = None
        built = tenant is None or spec is DISTRICT
        if spec is DISTRICT:
            progress(f"Building {spec.name} (scale {district_scale:g}) …")
            tenant = build_district(scale=district_scale, history=history, progress=progress)
        elif tenant is None:
            progress(f"Building {spec.name} …")
            tenant = build_tenant(spec, history=history)
        with transaction.atomic():
            report.logins.extend(ensure_users(tenant, spec, password_hash=password_hash))
            if built:
                attribute_records(tenant, spec)
        report.tenants.append(tenant_report(tenant, built=built, seconds=time.monotonic() - started))
    report.superuser_created = ensure_superuser(password_hash=password_hash)
    return report
