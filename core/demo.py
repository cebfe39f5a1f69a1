"""Demo data: two small tenants for a newcomer, and a district-sized tenant for benchmarks.

Everything comes from a fixed random seed, so a rebuild gives the same names, rosters and
structure; dates are relative to today, so that a term stays "expiring" or "overdue" whenever
the demo is built. Rows are written with ``bulk_create`` (a district is 3,400 organizations and
69,000 members), so the checks the services make are repeated here: placement
(``rules.placement_allowed``), member dates (``members.services.check_dates``), identity
normalization and keyed hash (``members.services.prepare_identity``); the encrypted fields
encrypt on insert as they always do.
"""

from __future__ import annotations

import graphlib
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import accumulate

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Count
from django.utils import timezone

from accounts.models import RoleGrant, User
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


DONGCHENG = TenantSpec(
    slug="dongcheng", name="东城区委", prefix="dc", seed=20240701,
    regions=("110101", "110101", "110101", "110102", "110105", "110106"),
    approver="市委组织部", secretary_branch="区委办公室党支部", inspector_org="中共东城区直属机关工作委员会",
    staff={"admin": "刘海峰", "reviewer": "陈静", "inspector": "周建华"},
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
# Tenants, users, reports
# ---------------------------------------------------------------------------------------------


@dataclass
class TenantReport:
    tenant: Tenant
    built: bool
    seconds: float
    organizations: dict[str, int]  # by kind
    members: int


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


def build_tenant(spec: TenantSpec, *, today: date | None = None) -> Tenant:
    """Create one of the small demo tenants (it must not exist yet)."""
    with transaction.atomic():
        tenant = Tenant.objects.create(name=spec.name, slug=spec.slug)
        TreeBuilder(tenant, spec, today=today or timezone.localdate()).build(spec.root)
    return tenant


def build_district(*, scale: float = 1.0, today: date | None = None) -> Tenant:
    """(Re)build the benchmark tenant: the seeds' district (3,414 organizations, 69,000 members) × scale."""
    with transaction.atomic():
        existing = Tenant.objects.filter(slug=DISTRICT.slug).first()
        if existing:
            purge_tenant(existing)
        tenant = Tenant.objects.create(name=DISTRICT.name, slug=DISTRICT.slug)
        builder = TreeBuilder(tenant, DISTRICT, today=today or timezone.localdate(), election_history=0)
        builder.build(district_tree(scale=scale, rng=builder.rng))
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
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL partylife.purge_tenant = 'on'")
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
    return TenantReport(tenant, built, seconds, by_kind, Member.objects.filter(tenant=tenant).count())


def seed(*, password: str = DEFAULT_PASSWORD, reset: bool = False, district: bool = False,
         district_scale: float = 1.0, progress: Callable[[str], None] = lambda _msg: None) -> SeedReport:
    """Build what is missing (everything with ``reset``); the district is rebuilt whenever asked for."""
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
            tenant = build_district(scale=district_scale)
        elif tenant is None:
            progress(f"Building {spec.name} …")
            tenant = build_tenant(spec)
        with transaction.atomic():
            report.logins.extend(ensure_users(tenant, spec, password_hash=password_hash))
        report.tenants.append(tenant_report(tenant, built=built, seconds=time.monotonic() - started))
    report.superuser_created = ensure_superuser(password_hash=password_hash)
    return report
