"""The demo city: Baotou's area tree with a deterministic population.

The area tree is the whole city at every scale — 9 districts/banners, 80 streets and
towns, 279 communities and villages, 2,814 grids. City and district codes are the real
GB/T 2260 ones; below that the codes are synthetic but follow the statistical-code
convention (街道 001–099, 镇 100–199, 乡/苏木 200–299; 居委会 001–199, 村委会 200–399)
and grid = community code + 3 digits. Street and town names are modelled on Baotou's.
The tree is the same for every seed; the seed drives everything below it (estates,
buildings, households, residents, users).

``scale`` scales the people: 1.0 is ≈ 1.0 M households and ≈ 2.7 M residents.
On PostgreSQL households, residents and their care tags are loaded with COPY while the
secondary indexes and foreign keys of those three tables are dropped, and rebuilt at
the end (the "Populating a Database" recipe of the PostgreSQL manual); on other
databases they go in with batched INSERTs. Everything runs in one transaction.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import math
import random
import time
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Model

from wangge.accounts.models import Department, Role, RoleAssignment, User
from wangge.areas.models import Area, AreaKind, Building, Estate
from wangge.audit.services import audit_record
from wangge.core import clock, crypto
from wangge.core.errors import ApplicationError
from wangge.core.identity import id_check_char
from wangge.core.refcache import refcache_clear_all
from wangge.people.models import CareTag, Household, Resident

# ---------------------------------------------------------------------------------------
# The fixed shape of the city

CITY_CODE = "150200"
CITY_NAME = "包头市"
FULL_GRIDS = 2_814
FULL_HOUSEHOLDS = 1_000_000
FULL_GRID_WORKERS = 32_000
FULL_COMMUNITY_WORKERS = 2_886
# Ages are counted from a fixed day, so a seed gives the same people whenever it runs.
REFERENCE_DATE = date(2025, 6, 30)
# Grid polygons tile this box as a lattice of rectangles (WGS84).
LAT_MIN, LAT_MAX = 40.55, 40.70
LNG_MIN, LNG_MAX = 109.70, 110.10
LATTICE_ROWS, LATTICE_COLS = 38, 75
# Below this many households per grid on average, people go to an evenly spread subset
# of grids instead, so a small demo still shows full grids rather than 0.7 households each.
MIN_HOUSEHOLDS_PER_POPULATED_GRID = 30


def _words(text: str) -> list[str]:
    return text.split()


# (GB/T 2260 code, name, communities, streets and towns in code order)
# fmt: off
DISTRICTS: list[tuple[str, str, int, list[str]]] = [
    ("150202", "东河区", 60, _words(
        "和平路街道 西脑包街道 南门外街道 回民街道 东站街道 财神庙街道 河东街道 铁西街道 "
        "天骄街道 杨圪塄街道 环城路街道 沙尔沁镇 河东镇")),
    ("150203", "昆都仑区", 62, _words(
        "林荫路街道 少先路街道 沼潭街道 阿尔丁街道 友谊大街街道 团结大街街道 前进道街道 "
        "鞍山道街道 白云路街道 市府东路街道 昆北街道 昆河街道 卜尔汉图镇")),
    ("150204", "青山区", 50, _words(
        "先锋道街道 幸福路街道 万青路街道 青山路街道 富强路街道 自由路街道 钢铁大街街道 "
        "科学路街道 青福镇 兴胜镇")),
    ("150205", "石拐区", 12, _words("石拐街道 大发街道 大磁街道 五当召镇 吉忽伦图苏木")),
    ("150206", "白云鄂博矿区", 6, _words("通阳道街道 矿山路街道")),
    ("150207", "九原区", 30, _words(
        "沙河街道 萨如拉街道 赛汗街道 白音席勒街道 赛音道街道 建华南路街道 哈业胡同镇 "
        "麻池镇 阿嘎如泰苏木")),
    ("150221", "土默特右旗", 25, _words(
        "萨拉齐镇 双龙镇 美岱召镇 沟门镇 将军尧镇 大城西镇 小召镇 新营子镇 海子乡 "
        "明沙淖乡 苏波盖乡")),
    ("150222", "固阳县", 16, _words("金山镇 西斗铺镇 下湿壕镇 银号镇 怀朔镇 兴顺西镇 卜塔亥乡")),
    ("150223", "达尔罕茂明安联合旗", 18, _words(
        "百灵庙镇 满都拉镇 希拉穆仁镇 石宝镇 乌克忽洞镇 明安镇 巴音花镇 达尔汗苏木 "
        "查干哈达苏木 巴音敖包苏木")),
]
# fmt: on
URBAN_DISTRICTS = {"150202", "150203", "150204", "150207"}

_COMMUNITY_WORDS = _words(
    "友谊 幸福 和谐 阳光 明珠 锦绣 富强 新城 康乐 园丁 华丰 青年 钢苑 民族 团结 公园 "
    "佳园 金桥 春光 丽苑 东方 南湖 北梁 西河 滨河 银河 龙藏 健康 吉祥 安居 和平 胜利 "
    "光明 振华 兴业 瑞丰 荣盛 祥和 福泽 惠民 文化 书香 青松 翠竹 梅园 兰庭 桂苑 枫林 "
    "柳荫 杏园 桃源 紫薇 丁香 白桦 胡杨 草原 鹿城 希望 前进 红星 钢城 稀土 黄河 青山 "
    "万和 星光 怡景 馨园"
)
_DIRECTIONS = ["", "东", "西", "南", "北", "中", "新"]
_VILLAGE_ENDINGS = _words("营子 圪旦 窑子 湾 壕 沟 梁 堡")
_GACHA_WORDS = _words(
    "巴音 乌兰 查干 宝力格 阿拉坦 额尔敦 哈拉 锡林 温都尔 巴彦 乌力吉 敖包 那仁 呼和 希日 "
    "塔拉 沙布 赛罕"
)
_ESTATE_WORDS = _words(
    "阳光 锦绣 富丽 华府 金域 翠湖 名都 御景 书香 丽景 瑞祥 碧水 恒泰 万和 龙湖 奥林 欣园 "
    "怡和 世纪 新世界 枫丹 绿都 时代 盛世 康居 安泰 美林 嘉园 星河 滨江"
)
_ESTATE_ENDINGS = _words("小区 花园 家园 苑 新村 公寓 嘉园")
_CHINESE_NUMBERS = "一二三四五六七八九十"

_SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董肖程曹袁邓许傅沈曾彭吕"
    "苏卢蒋蔡贾丁魏薛叶闫余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史"
    "顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
)
# Roughly Zipf: the ten commonest surnames cover about 40% of people.
_SURNAME_CUM = list(itertools.accumulate(1.0 / (rank + 3) for rank in range(len(_SURNAMES))))
_MALE_CHARS = "伟强磊军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林欣建国志文晨峰亮成东海"
_FEMALE_CHARS = "芳娜敏静丽艳娟霞秀玲桂英华红燕梅琳洁雪倩婷颖萍慧玉兰丹欣怡佳瑶悦晶璐月琴莉"
_MONGOL_MALE = _words(
    "巴特尔 巴图 布和 苏和 额尔敦 朝鲁 宝音 那顺 孟和 阿木古楞 特木尔 毕力格 达来 格日勒图 乌力吉"
)
_MONGOL_FEMALE = _words(
    "斯琴 其其格 萨仁 乌云 托娅 娜仁 高娃 塔娜 图雅 琪琪格 格日勒 乌兰 阿拉坦其其格 萨日娜"
)
_ETHNICITIES = ["汉族", "蒙古族", "回族", "满族", "达斡尔族", "鄂温克族", "朝鲜族"]
_ETHNICITY_CUM = list(itertools.accumulate([93.5, 4.0, 1.2, 1.0, 0.15, 0.05, 0.1]))
_PHONE_PREFIXES = _words(
    "130 131 132 133 135 136 137 138 139 147 150 151 152 155 156 157 158 159 166 173 176 177 "
    "180 181 182 183 186 187 188 189 191 198 199"
)
# (code, weight, minimum age, maximum age); weekly tags are rarer.
_CARE_TAG_WEIGHTS = [
    ("low_income", 30, 0, 120),
    ("disabled", 20, 0, 120),
    ("elderly_alone", 18, 60, 120),
    ("extreme_poverty", 6, 0, 120),
    ("left_behind_child", 6, 0, 15),
    ("severe_mental_illness", 4, 14, 120),
    ("released_prisoner", 3, 18, 120),
    ("community_correction", 2, 18, 120),
    ("drug_rehab", 1.5, 18, 70),
    ("elderly_80_alone", 2, 80, 120),
    ("high_risk", 1, 14, 120),
]
CARE_TAG_SHARE = 0.05

# City-level departments first: the first department is the demo department handler's (城管局).
_CITY_DEPARTMENTS = [
    ("CG", "城管局"),
    ("ZJ", "住建局"),
    ("SW", "水务局"),
    ("GD", "供电公司"),
    ("RQ", "燃气公司"),
    ("GA", "公安局"),
    ("MZ", "民政局"),
    ("SJ", "市场监管局"),
    ("YJ", "应急管理局"),
    ("WJ", "卫健委"),
    ("ST", "生态环境局"),
    ("JT", "交通运输局"),
]
_DISTRICT_DEPARTMENTS = [
    ("CG", "{d}城管局"),
    ("ZJ", "{d}住建局"),
    ("GA", "{s}公安分局"),
    ("MZ", "{d}民政局"),
    ("SJ", "{d}市场监管局"),
]


@dataclass(slots=True)
class PlannedArea:
    kind: str
    code: str
    name: str
    path: str
    parent: PlannedArea | None = None
    district_code: str = ""
    numchild: int = 0
    lattice_index: int | None = None  # grids only: the cell this grid occupies
    weight: float = 1.0  # grids only: relative number of households

    @property
    def depth(self) -> int:
        return len(self.path) // Area.steplen

    @property
    def is_village(self) -> bool:
        return self.kind == AreaKind.GRID and self.parent.code[9] in "23"


def _apportion(total: int, weights: Sequence[float], minimum: int = 0) -> list[int]:
    """Split ``total`` into integers proportional to ``weights`` (largest remainder)."""
    counts = [minimum] * len(weights)
    rest = total - minimum * len(weights)
    if rest < 0:
        raise ValueError("total is below the minimum")
    weight_sum = sum(weights)
    if not weights or rest == 0 or weight_sum <= 0:
        return counts
    shares = [rest * w / weight_sum for w in weights]
    floors = [math.floor(s) for s in shares]
    left = rest - sum(floors)
    by_remainder = sorted(range(len(weights)), key=lambda i: (floors[i] - shares[i], i))
    for i in by_remainder[:left]:
        floors[i] += 1
    return [c + f for c, f in zip(counts, floors, strict=True)]


def grid_cell(index: int) -> dict:
    """The GeoJSON rectangle of lattice cell ``index`` (column-major, snaking)."""
    col, row = divmod(index, LATTICE_ROWS)
    if col % 2:
        row = LATTICE_ROWS - 1 - row
    dlat = (LAT_MAX - LAT_MIN) / LATTICE_ROWS
    dlng = (LNG_MAX - LNG_MIN) / LATTICE_COLS
    south, north = LAT_MIN + row * dlat, LAT_MIN + (row + 1) * dlat
    west, east = LNG_MIN + col * dlng, LNG_MIN + (col + 1) * dlng
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


def _street_code_block(name: str) -> int:
    if name.endswith("街道"):
        return 0
    if name.endswith("镇"):
        return 100
    return 200  # 乡, 苏木


def plan_area_tree(districts: Collection[str] | None = None) -> list[PlannedArea]:
    """Every node of the city in path (depth-first, code) order.

    ``districts`` (GB/T 2260 codes) keeps only those districts; the nodes keep the codes,
    names, paths and polygons they have in the whole city.
    """
    rng = random.Random("wangge-baotou-area-tree-v1")  # the tree never depends on the seed
    step = Area._get_path
    city = PlannedArea(AreaKind.CITY, CITY_CODE, CITY_NAME, step("", 1, 1))
    district_nodes: list[PlannedArea] = []
    used_names: set[str] = set()
    community_rows: list[tuple[PlannedArea, list[PlannedArea]]] = []
    all_communities: list[PlannedArea] = []
    for d_index, (code, name, n_communities, street_names) in enumerate(DISTRICTS, start=1):
        district = PlannedArea(
            AreaKind.DISTRICT, code, name, step(city.path, 2, d_index), city, code
        )
        district.numchild = len(street_names)
        district_nodes.append(district)
        blocks = [_street_code_block(street_name) for street_name in street_names]
        weights = [{0: 1.0, 100: 0.8, 200: 0.6}[b] * rng.uniform(0.8, 1.2) for b in blocks]
        per_street = _apportion(n_communities, weights, minimum=1)
        next_seq = {0: 1, 100: 1, 200: 1}
        for s_index, (street_name, block, n_comm) in enumerate(
            zip(street_names, blocks, per_street, strict=True), start=1
        ):
            street = PlannedArea(
                AreaKind.STREET,
                f"{code}{block + next_seq[block]:03d}000",
                street_name,
                step(district.path, 3, s_index),
                district,
                code,
            )
            next_seq[block] += 1
            street.numchild = n_comm
            communities = []
            n_residential = n_comm if block == 0 else max(1, n_comm // 3) if block == 100 else 0
            for c_index in range(n_comm):
                residential = c_index < n_residential
                seq = c_index + 1 if residential else 200 + c_index - n_residential + 1
                community = PlannedArea(
                    AreaKind.COMMUNITY,
                    f"{street.code[:9]}{seq:03d}",
                    _community_name(rng, used_names, residential, street_name),
                    step(street.path, 4, c_index + 1),
                    street,
                    code,
                )
                community.weight = (
                    rng.uniform(8, 15) if code in URBAN_DISTRICTS else rng.uniform(4, 9)
                ) * (1.0 if residential else 0.6)
                communities.append(community)
                all_communities.append(community)
            community_rows.append((street, communities))
    grids_per_community = _apportion(FULL_GRIDS, [c.weight for c in all_communities], minimum=1)
    grids_of: dict[int, list[PlannedArea]] = {}
    lattice_index = 0
    for community, n_grids in zip(all_communities, grids_per_community, strict=True):
        community.numchild = n_grids
        grids = []
        for g_index in range(n_grids):
            grid = PlannedArea(
                AreaKind.GRID,
                f"{community.code}{g_index + 1:03d}",
                f"{community.name}第{g_index + 1}网格",
                step(community.path, 5, g_index + 1),
                community,
                community.district_code,
            )
            grid.lattice_index = lattice_index
            grid.weight = rng.uniform(0.6, 1.4)
            lattice_index += 1
            grids.append(grid)
        grids_of[id(community)] = grids

    nodes_by_district: dict[str, list[PlannedArea]] = {d.code: [] for d in district_nodes}
    for street, communities in community_rows:
        bucket = nodes_by_district[street.district_code]
        bucket.append(street)
        for community in communities:
            bucket.append(community)
            bucket.extend(grids_of[id(community)])

    wanted = set(districts) if districts else {d.code for d in district_nodes}
    unknown = wanted - {d.code for d in district_nodes}
    if unknown:
        raise ApplicationError(f"未知的区县代码：{'、'.join(sorted(unknown))}", field="districts")
    city.numchild = len(wanted)
    plan = [city]
    for district in district_nodes:
        if district.code in wanted:
            plan.append(district)
            plan.extend(nodes_by_district[district.code])
    return plan


def _community_name(rng: random.Random, used: set[str], residential: bool, street: str) -> str:
    for _ in range(1000):
        if residential:
            name = f"{rng.choice(_COMMUNITY_WORDS)}{rng.choice(_DIRECTIONS)}社区"
        elif street.endswith("苏木"):
            name = f"{rng.choice(_GACHA_WORDS)}{rng.choice(['', '图', '敖包', '淖尔'])}嘎查"
        else:
            name = f"{rng.choice(_SURNAMES[:40])}家{rng.choice(_VILLAGE_ENDINGS)}村"
        if name not in used:
            used.add(name)
            return name
    raise RuntimeError("ran out of community names")


# ---------------------------------------------------------------------------------------
# Writing rows fast


def _columns(model: type[Model], given: Sequence[str]) -> tuple[list[str], tuple]:
    """All concrete columns: ``given`` first, then any others with their default values.

    Fields added to a model later are filled with their defaults instead of breaking the
    generator's raw INSERT/COPY.
    """
    columns = list(given)
    extra_values = []
    for f in model._meta.concrete_fields:
        if f.column not in columns:
            columns.append(f.column)
            extra_values.append(f.get_db_prep_save(f.get_default(), connection))
    return columns, tuple(extra_values)


class _RowWriter:
    """Append rows to one table: COPY on PostgreSQL, batched INSERTs elsewhere."""

    def __init__(self, model: type[Model], given: Sequence[str]):
        self.table = model._meta.db_table
        self.columns, self.extra = _columns(model, given)
        self.rows: list[tuple] = []

    def add(self, row: tuple) -> None:
        self.rows.append(row + self.extra if self.extra else row)

    def flush(self) -> None:
        if not self.rows:
            return
        quote = connection.ops.quote_name
        columns = ", ".join(quote(c) for c in self.columns)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.copy(f"COPY {quote(self.table)} ({columns}) FROM STDIN") as copy:
                    for row in self.rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                # Table and column names come from model metadata, never from input.
                sql = f"INSERT INTO {quote(self.table)} ({columns}) VALUES ({marks})"  # noqa: S608
                for start in range(0, len(self.rows), 2000):
                    cursor.executemany(sql, self.rows[start : start + 2000])
        self.rows = []


class _PostgresBulkLoad:
    """Drop the secondary indexes and foreign keys of the bulk tables; rebuild them later."""

    def __init__(self, models: Iterable[type[Model]]):
        self.tables = [m._meta.db_table for m in models]
        self.indexes: list[str] = []
        self.foreign_keys: list[tuple[str, str, str]] = []

    def begin(self) -> None:
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending events block ALTER
            for table in self.tables:
                cursor.execute(
                    "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                    "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
                    [table],
                )
                for name, definition in cursor.fetchall():
                    self.foreign_keys.append((table, name, definition))
                cursor.execute(
                    "SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x "
                    "JOIN pg_class i ON i.oid = x.indexrelid "
                    "WHERE x.indrelid = %s::regclass AND NOT x.indisprimary AND NOT EXISTS "
                    "(SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid) "
                    "ORDER BY i.relname",
                    [table],
                )
                for name, definition in cursor.fetchall():
                    self.indexes.append(definition)
                    cursor.execute(f"DROP INDEX {quote(name)}")
            for table, name, _ in self.foreign_keys:
                cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")

    def finish(self) -> None:
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            for definition in self.indexes:
                cursor.execute(definition)
            for table, name, definition in self.foreign_keys:
                cursor.execute(
                    f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}"
                )
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            for table in self.tables:
                cursor.execute(f"ANALYZE {quote(table)}")


def _next_id(model: type[Model]) -> int:
    last = model._default_manager.order_by("-pk").values_list("pk", flat=True).first()
    return (last or 0) + 1


# ---------------------------------------------------------------------------------------
# People


class _IdNumbers:
    """Unique GB 11643 numbers: region + birth date + 3-digit sequence + check character.

    The sequence is odd for men and even for women; 500 numbers exist per region, day and
    gender, handed out in a scrambled order, moving to the next day if a day runs out.
    """

    def __init__(self):
        self.used: dict[tuple[str, int, bool], int] = {}

    def issue(self, region: str, birth: date, male: bool) -> tuple[str, date]:
        while True:
            key = (region, birth.toordinal(), male)
            n = self.used.get(key, 0)
            if n < 500:
                self.used[key] = n + 1
                pair = (key[1] * 37 + n * 7) % 500
                first17 = (
                    f"{region}{birth.year:04d}{birth.month:02d}{birth.day:02d}{pair * 2 + male:03d}"
                )
                return first17 + id_check_char(first17), birth
            birth += timedelta(days=1)


class _People:
    """Draws households' members: names, ages, genders, ID numbers, phones, tags."""

    def __init__(self, care_tag_ids: dict[str, int]):
        self.ids = _IdNumbers()
        self.tags = [
            (care_tag_ids[code], weight, lo, hi)
            for code, weight, lo, hi in _CARE_TAG_WEIGHTS
            if code in care_tag_ids
        ]

    @staticmethod
    def name(rng: random.Random, male: bool, surname: str | None, mongol: bool) -> str:
        if mongol and rng.random() < 0.5:
            return rng.choice(_MONGOL_MALE if male else _MONGOL_FEMALE)
        chars = _MALE_CHARS if male else _FEMALE_CHARS
        given = rng.choice(chars) + (rng.choice(chars) if rng.random() < 0.75 else "")
        return (surname or _surname(rng)) + given

    @staticmethod
    def phone(rng: random.Random, age: int) -> str:
        if age < 14 or (age >= 75 and rng.random() < 0.4) or rng.random() < 0.03:
            return ""
        return f"{rng.choice(_PHONE_PREFIXES)}{rng.randrange(100_000_000):08d}"

    def care_tags(self, rng: random.Random, age: int) -> list[int]:
        if not self.tags or rng.random() >= CARE_TAG_SHARE:
            return []
        eligible = [(tag, weight) for tag, weight, lo, hi in self.tags if lo <= age <= hi]
        if not eligible:
            return []
        picked = rng.choices([t for t, _ in eligible], [w for _, w in eligible])
        if rng.random() < 0.1:
            second = rng.choices([t for t, _ in eligible], [w for _, w in eligible])[0]
            if second != picked[0]:
                picked.append(second)
        return picked


def _surname(rng: random.Random) -> str:
    return _SURNAMES[
        bisect.bisect(_SURNAME_CUM, rng.random() * _SURNAME_CUM[-1], hi=len(_SURNAMES) - 1)
    ]


def _birth(rng: random.Random, age: int) -> date:
    return REFERENCE_DATE - timedelta(days=int(age * 365.25) + rng.randrange(365))


# Household make-up by size: (relation, age offset range from the householder or None).
_SIZE_CUM = list(itertools.accumulate([17, 31, 30, 13, 6, 3]))
_MAKEUPS = {
    1: [(1.0, [])],
    2: [(0.75, ["spouse"]), (0.15, ["child"]), (0.10, ["parent"])],
    3: [(0.8, ["spouse", "child"]), (0.1, ["child", "child"]), (0.1, ["spouse", "parent"])],
    4: [(0.6, ["spouse", "child", "child"]), (0.4, ["spouse", "child", "parent"])],
    5: [
        (0.5, ["spouse", "child", "parent", "parent"]),
        (0.5, ["spouse", "child", "child", "parent"]),
    ],
    6: [
        (0.6, ["spouse", "child", "child", "parent", "parent"]),
        (0.4, ["spouse", "child", "grandchild", "grandchild", "parent"]),
    ],
}


@dataclass
class CityStats:
    districts: int = 0
    streets: int = 0
    communities: int = 0
    grids: int = 0
    departments: int = 0
    estates: int = 0
    buildings: int = 0
    households: int = 0
    residents: int = 0
    tagged_residents: int = 0
    care_tag_links: int = 0
    users: int = 0
    seconds: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)


def _households_per_grid(grids: list[PlannedArea], scale: float) -> list[int]:
    total = round(FULL_HOUSEHOLDS * scale * len(grids) / FULL_GRIDS)
    if not grids or total <= 0:
        return [0] * len(grids)
    if total >= MIN_HOUSEHOLDS_PER_POPULATED_GRID * len(grids):
        return _apportion(total, [g.weight for g in grids])
    populated = min(len(grids), max(1, round(total / MIN_HOUSEHOLDS_PER_POPULATED_GRID)))
    chosen = [i * len(grids) // populated for i in range(populated)]
    counts = [0] * len(grids)
    for index, n in zip(chosen, _apportion(total, [grids[i].weight for i in chosen]), strict=True):
        counts[index] = n
    return counts


def city_generate(
    *,
    scale: float,
    seed: int,
    districts: Collection[str] | None = None,
    progress: Callable[[str], None] | None = None,
) -> CityStats:
    """Create the demo city (area tree, departments, estates, buildings, households,
    residents with care tags, and users for every role) in an empty area table.

    Deterministic: one seed always gives the same names, ID numbers, phones and tags.
    Generated users get an unusable password; demo logins come from ``demo_logins``.
    """
    if not 0 <= scale <= 10:
        raise ApplicationError("规模（scale）须在 0 到 10 之间", field="scale")
    if Area.objects.exists():
        raise ApplicationError("数据库中已有区域数据；演示城市只能生成到空库中", code="exists")
    say = progress or (lambda message: None)
    started = time.perf_counter()
    stats = CityStats()
    plan = plan_area_tree(districts)
    bulk_models = [Household, Resident, Resident.care_tags.through]
    with transaction.atomic():
        loader = _PostgresBulkLoad(bulk_models) if connection.vendor == "postgresql" else None
        if loader:
            loader.begin()
        mark = time.perf_counter()
        area_ids = _insert_areas(plan, stats)
        departments = _insert_departments(plan, area_ids)
        stats.departments = len(departments)
        grids = [node for node in plan if node.kind == AreaKind.GRID]
        per_grid = _households_per_grid(grids, scale)
        rng = random.Random(f"wangge-city:{seed}:buildings")
        buildings = _insert_estates_and_buildings(rng, grids, per_grid, area_ids, stats)
        stats.phases["areas"] = time.perf_counter() - mark
        say(f"区域树 {len(plan)} 个节点、{stats.buildings} 栋楼已写入，开始生成居民…")

        mark = time.perf_counter()
        householders = _insert_people(seed, grids, per_grid, buildings, area_ids, stats, say)
        stats.phases["people"] = time.perf_counter() - mark

        mark = time.perf_counter()
        _insert_users(seed, plan, per_grid, area_ids, departments, householders, scale, stats)
        stats.phases["users"] = time.perf_counter() - mark

        mark = time.perf_counter()
        if loader:
            say("重建索引与外键…")
            loader.finish()
        _reset_sequences(bulk_models + [Area, Estate, Building, Department, User, RoleAssignment])
        stats.phases["indexes"] = time.perf_counter() - mark
        stats.seconds = time.perf_counter() - started
        audit_record(
            action="create",
            object_type="areas.area",
            object_id=area_ids[plan[0].code],
            detail={
                "generated_city": {
                    "scale": scale,
                    "seed": seed,
                    "households": stats.households,
                    "residents": stats.residents,
                    "users": stats.users,
                }
            },
        )
    return stats


def _reset_sequences(models: list[type[Model]]) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def _insert_areas(plan: list[PlannedArea], stats: CityStats) -> dict[str, int]:
    next_id = _next_id(Area)
    rows = []
    for offset, node in enumerate(plan):
        area = Area(
            id=next_id + offset,
            kind=node.kind,
            code=node.code,
            name=node.name,
            path=node.path,
            depth=node.depth,
            numchild=node.numchild,
        )
        if node.lattice_index is not None:
            polygon = grid_cell(node.lattice_index)
        elif node.kind == AreaKind.CITY:
            ring = [
                [LNG_MIN, LAT_MIN],
                [LNG_MAX, LAT_MIN],
                [LNG_MAX, LAT_MAX],
                [LNG_MIN, LAT_MAX],
                [LNG_MIN, LAT_MIN],
            ]
            polygon = {"type": "Polygon", "coordinates": [ring]}
        else:
            polygon = None
        if polygon:
            ring = polygon["coordinates"][0]
            area.polygon = polygon
            area.min_lat, area.max_lat = ring[0][1], ring[2][1]
            area.min_lng, area.max_lng = ring[0][0], ring[1][0]
        rows.append(area)
        kind_counter = {
            AreaKind.DISTRICT: "districts",
            AreaKind.STREET: "streets",
            AreaKind.COMMUNITY: "communities",
            AreaKind.GRID: "grids",
        }.get(node.kind)
        if kind_counter:
            setattr(stats, kind_counter, getattr(stats, kind_counter) + 1)
    Area.objects.bulk_create(rows, batch_size=1000)
    refcache_clear_all()  # bulk_create sends no signal
    return {area.code: area.id for area in rows}


def _insert_departments(plan: list[PlannedArea], area_ids: dict[str, int]) -> list[Department]:
    rows = []
    next_id = _next_id(Department)
    for node in plan:
        if node.kind == AreaKind.CITY:
            items = [(abbr, name) for abbr, name in _CITY_DEPARTMENTS]
        elif node.kind == AreaKind.DISTRICT:
            short = node.name.removesuffix("区").removesuffix("矿")
            items = [
                (abbr, pattern.format(d=node.name, s=short))
                for abbr, pattern in _DISTRICT_DEPARTMENTS
            ]
        else:
            continue
        for abbr, name in items:
            rows.append(
                Department(
                    id=next_id + len(rows),
                    name=name,
                    code=f"{node.code}-{abbr}",
                    area_id=area_ids[node.code],
                )
            )
    return Department.objects.bulk_create(rows)


@dataclass(slots=True)
class _Flat:
    building_id: int
    label: str  # e.g. "幸福小区3号楼2单元501室" or "一组12号"
    room: str


def _insert_estates_and_buildings(
    rng: random.Random,
    grids: list[PlannedArea],
    per_grid: list[int],
    area_ids: dict[str, int],
    stats: CityStats,
) -> dict[str, list[tuple[int, str, str, int, int]]]:
    """Estates and buildings per grid; returns, per grid code, its buildings as
    (id, label prefix, kind, floors, flats) where kind is "flat" or "house"."""
    estates: list[Estate] = []
    buildings: list[Building] = []
    estate_id, building_id = _next_id(Estate), _next_id(Building)
    plan: dict[str, list[tuple[int, str, str, int, int]]] = {}
    for grid, households in zip(grids, per_grid, strict=True):
        cell = grid_cell(grid.lattice_index)["coordinates"][0]
        (west, south), (east, north) = cell[0], cell[2]
        grid_id = area_ids[grid.code]
        own: list[tuple[int, str, str, int, int]] = []
        capacity = 0
        if grid.is_village:
            number = 0
            while number == 0 or capacity * 0.9 < households:
                number += 1
                flats = rng.randint(30, 80)
                label = _group_name(number)
                buildings.append(
                    Building(
                        id=building_id,
                        grid_id=grid_id,
                        area_path=grid.path,
                        name=label,
                        address=f"{grid.parent.name}{label}",
                        floors=1,
                        lat=rng.uniform(south, north),
                        lng=rng.uniform(west, east),
                    )
                )
                own.append((building_id, f"{grid.parent.name}{label}", "house", 1, flats))
                building_id += 1
                capacity += flats
        else:
            number = 0
            used_names: set[str] = set()
            while number == 0 or capacity * 0.85 < households:
                estate_name = _estate_name(rng, used_names)
                estates.append(
                    Estate(
                        id=estate_id,
                        grid_id=grid_id,
                        area_path=grid.path,
                        name=estate_name,
                        address=f"{grid.parent.parent.name}{estate_name}",
                        has_property_management=rng.random() < 0.7,
                    )
                )
                for _ in range(rng.randint(3, 12)):
                    number += 1
                    floors = rng.choices([6, 7, 11, 18, 26, 33], [40, 10, 15, 15, 12, 8])[0]
                    units = rng.randint(1, 4) if floors <= 7 else rng.randint(1, 2)
                    name = f"{number}号楼"
                    buildings.append(
                        Building(
                            id=building_id,
                            grid_id=grid_id,
                            area_path=grid.path,
                            estate_id=estate_id,
                            name=name,
                            address=f"{estate_name}{name}",
                            floors=floors,
                            lat=rng.uniform(south, north),
                            lng=rng.uniform(west, east),
                        )
                    )
                    own.append((building_id, f"{estate_name}{name}", "flat", floors, units))
                    building_id += 1
                    capacity += floors * units * 2
                    if capacity * 0.85 >= households and number >= 1:
                        break
                estate_id += 1
        plan[grid.code] = own
    Estate.objects.bulk_create(estates, batch_size=2000)
    Building.objects.bulk_create(buildings, batch_size=2000)
    stats.estates, stats.buildings = len(estates), len(buildings)
    return plan


def _group_name(number: int) -> str:
    if number <= 10:
        return f"{_CHINESE_NUMBERS[number - 1]}组"
    if number < 20:
        return f"十{_CHINESE_NUMBERS[number - 11]}组"
    return f"{number}组"


def _estate_name(rng: random.Random, used: set[str]) -> str:
    while True:
        name = f"{rng.choice(_ESTATE_WORDS)}{rng.choice(_ESTATE_ENDINGS)}"
        if name in used:
            name = f"{name}{_CHINESE_NUMBERS[len(used) % 10]}期"
        if name not in used:
            used.add(name)
            return name


def _flats(
    rng: random.Random, buildings: list[tuple[int, str, str, int, int]], needed: int
) -> list[_Flat]:
    """``needed`` distinct dwellings, chosen at random, in building order."""
    sizes = [
        floors * units * 2 if kind == "flat" else units for _, _, kind, floors, units in buildings
    ]
    total = sum(sizes)
    picked = sorted(rng.sample(range(total), needed)) if needed else []
    starts = list(itertools.accumulate(sizes, initial=0))
    flats = []
    for index in picked:
        b = bisect.bisect_right(starts, index) - 1
        building_id, label, kind, floors, units = buildings[b]
        offset = index - starts[b]
        if kind == "house":
            flats.append(_Flat(building_id, f"{label}{offset + 1}号", f"{offset + 1}号"))
            continue
        unit, rest = divmod(offset, floors * 2)
        floor, door = divmod(rest, 2)
        room = f"{floor + 1}{door + 1:02d}"
        flats.append(_Flat(building_id, f"{label}{unit + 1}单元{room}室", f"{unit + 1}-{room}"))
    return flats


def _insert_people(
    seed: int,
    grids: list[PlannedArea],
    per_grid: list[int],
    buildings: dict[str, list[tuple[int, str, str, int, int]]],
    area_ids: dict[str, int],
    stats: CityStats,
    say: Callable[[str], None],
) -> list[tuple[int, str, str]]:
    """Households, residents and their care tags; returns some householders as
    (grid id, grid path, name) to become resident users."""
    now = clock.now()
    care_tag_ids = dict(CareTag.objects.values_list("code", "id"))
    people = _People(care_tag_ids)
    households = _RowWriter(
        Household,
        [
            "id",
            "grid_id",
            "area_path",
            "code",
            "building_id",
            "address",
            "room",
            "created_at",
            "updated_at",
        ],
    )
    residents = _RowWriter(
        Resident,
        [
            "id",
            "household_id",
            "area_path",
            "name",
            "gender",
            "birth_date",
            "doc_type",
            "id_number_enc",
            "id_number_index",
            "phone_enc",
            "phone_index",
            "relation",
            "residence_status",
            "ethnicity",
            "notes",
            "created_at",
            "updated_at",
        ],
    )
    through = Resident.care_tags.through
    tag_links = _RowWriter(through, ["id", "resident_id", "caretag_id"])
    household_id, resident_id, link_id = _next_id(Household), _next_id(Resident), _next_id(through)
    encrypt, blind_index = crypto.encrypt, crypto.blind_index
    issue = people.ids.issue
    householders: list[tuple[int, str, str]] = []
    total_households = sum(per_grid)
    done_households = 0
    next_report = 0.1
    for grid, n_households in zip(grids, per_grid, strict=True):
        if not n_households:
            continue
        rng = random.Random(f"wangge-city:{seed}:grid:{grid.code}")
        region = grid.district_code
        prefix = f"{CITY_NAME}{grid.parent.parent.parent.name}{grid.parent.parent.name}"
        path = grid.path
        grid_id = area_ids[grid.code]
        for number, flat in enumerate(_flats(rng, buildings[grid.code], n_households), 1):
            households.add(
                (
                    household_id,
                    grid_id,
                    path,
                    f"{grid.code}{number:04d}",
                    flat.building_id,
                    prefix + flat.label,
                    flat.room,
                    now,
                    now,
                )
            )
            roll = rng.random()
            status = "permanent" if roll < 0.88 else "floating" if roll < 0.97 else "temporary"
            ethnicity = _ETHNICITIES[bisect.bisect(_ETHNICITY_CUM, rng.random() * 100, hi=6)]
            mongol = ethnicity == "蒙古族"
            size = bisect.bisect(_SIZE_CUM, rng.random() * 100, hi=5) + 1
            roll, makeup = rng.random(), None
            for share, members in _MAKEUPS[size]:
                makeup = members
                if roll < share:
                    break
                roll -= share
            head_age = int(rng.triangular(22, 90, 45))
            head_male = rng.random() < 0.7
            head_surname = _surname(rng)
            other_surname = _surname(rng)
            members = [("self", head_age, head_male, head_surname)]
            for relation in makeup:
                if relation == "spouse":
                    age = max(20, head_age + rng.randint(-5, 5))
                    members.append((relation, age, not head_male, other_surname))
                elif relation == "child":
                    age = max(0, head_age - rng.randint(22, 36))
                    father = head_surname if head_male else other_surname
                    members.append((relation, age, rng.random() < 0.52, father))
                elif relation == "grandchild":
                    members.append(
                        (
                            relation,
                            max(0, head_age - rng.randint(45, 60)),
                            rng.random() < 0.52,
                            head_surname,
                        )
                    )
                else:  # parent: father first, then mother
                    male = not any(m[0] == "parent" and m[2] for m in members)
                    members.append(
                        (
                            relation,
                            min(100, head_age + rng.randint(22, 32)),
                            male,
                            head_surname if male else _surname(rng),
                        )
                    )
            for relation, age, male, surname in members:
                name = people.name(rng, male, surname, mongol)
                id_number, birth = issue(region, _birth(rng, age), male)
                phone = people.phone(rng, age)
                member_status = status
                if status == "permanent" and relation != "self" and 18 <= age <= 40:
                    member_status = "registered_absent" if rng.random() < 0.25 else status
                residents.add(
                    (
                        resident_id,
                        household_id,
                        path,
                        name,
                        "male" if male else "female",
                        birth,
                        "id_card",
                        encrypt(id_number),
                        blind_index(id_number, purpose="id"),
                        encrypt(phone),
                        blind_index(phone, purpose="phone"),
                        relation,
                        member_status,
                        ethnicity,
                        "",
                        now,
                        now,
                    )
                )
                tags = people.care_tags(rng, age)
                if tags:
                    stats.tagged_residents += 1
                    for tag in tags:
                        tag_links.add((link_id, resident_id, tag))
                        link_id += 1
                        stats.care_tag_links += 1
                if relation == "self" and rng.random() < 0.01:
                    householders.append((grid_id, path, name))
                resident_id += 1
                stats.residents += 1
            household_id += 1
            stats.households += 1
        if len(residents.rows) >= 20_000:
            households.flush()
            residents.flush()
            tag_links.flush()
        done_households += n_households
        if total_households and done_households / total_households >= next_report:
            say(f"  {done_households:,} / {total_households:,} 户")
            next_report += 0.1
    households.flush()
    residents.flush()
    tag_links.flush()
    return householders


def _insert_users(
    seed: int,
    plan: list[PlannedArea],
    per_grid: list[int],
    area_ids: dict[str, int],
    departments: list[Department],
    householders: list[tuple[int, str, str]],
    scale: float,
    stats: CityStats,
) -> None:
    """Users for every role, created in bulk with an unusable password.

    Hashing tens of thousands of distinct passwords with PBKDF2 would take hours, and one
    shared known password on that many accounts would be an open door. These accounts are
    activated by the security admin (password reset); demo logins are ``demo_logins``.
    """
    rng = random.Random(f"wangge-city:{seed}:users")
    unusable = make_password(None)
    now = clock.now()
    users: list[User] = []
    assignments: list[RoleAssignment] = []
    user_id, assignment_id = _next_id(User), _next_id(RoleAssignment)

    def add(
        username: str,
        display: str,
        role: str,
        area_id: int | None = None,
        department_id: int | None = None,
    ) -> None:
        nonlocal user_id, assignment_id
        users.append(
            User(
                id=user_id,
                username=username,
                display_name=display,
                password=unusable,
                is_staff=role != Role.RESIDENT,
                is_active=True,
                date_joined=now,
            )
        )
        assignments.append(
            RoleAssignment(
                id=assignment_id,
                user_id=user_id,
                role=role,
                area_id=area_id,
                department_id=department_id,
                created_at=now,
            )
        )
        user_id += 1
        assignment_id += 1

    def person() -> str:
        return _People.name(rng, rng.random() < 0.5, None, False)

    by_kind: dict[str, list[PlannedArea]] = {}
    for node in plan:
        by_kind.setdefault(node.kind, []).append(node)
    grids = by_kind.get(AreaKind.GRID, [])
    communities = by_kind.get(AreaKind.COMMUNITY, [])
    share = len(grids) / FULL_GRIDS

    workers = (
        _apportion(
            max(len(grids), round(FULL_GRID_WORKERS * scale * share)), [1.0] * len(grids), minimum=1
        )
        if grids
        else []
    )
    for grid, n in zip(grids, workers, strict=True):
        for k in range(1, n + 1):
            add(f"wg{grid.code}{k:02d}", person(), Role.GRID_WORKER, area_ids[grid.code])
    staff = (
        _apportion(
            max(len(communities), round(FULL_COMMUNITY_WORKERS * scale * share)),
            [1.0] * len(communities),
            minimum=1,
        )
        if communities
        else []
    )
    for community, n in zip(communities, staff, strict=True):
        for k in range(1, n + 1):
            add(
                f"sq{community.code}{k:02d}",
                person(),
                Role.COMMUNITY_STAFF,
                area_ids[community.code],
            )
    few = max(1, round(5 * scale))
    for street in by_kind.get(AreaKind.STREET, []):
        for k in range(1, few + 1):
            add(f"jd{street.code}{k:02d}", person(), Role.STREET_STAFF, area_ids[street.code])
    for district in by_kind.get(AreaKind.DISTRICT, []):
        for k in range(1, max(1, round(3 * scale)) + 1):
            add(
                f"qx{district.code}{k:02d}",
                person(),
                Role.DISTRICT_OFFICER,
                area_ids[district.code],
            )
    city_id = area_ids[CITY_CODE]
    for k in range(1, few + 1):
        add(f"shi{CITY_CODE}{k:02d}", person(), Role.CITY_OFFICER, city_id)
    for k in range(1, max(1, round(3 * scale)) + 1):
        add(f"zzb{CITY_CODE}{k:02d}", person(), Role.ORG_DEPT, city_id)
    for department in departments:
        for k in range(1, max(1, round(3 * scale)) + 1):
            add(
                f"bm{department.code.replace('-', '').lower()}{k:02d}",
                person(),
                Role.DEPARTMENT_HANDLER,
                department_id=department.id,
            )
    add("xtgl01", person(), Role.SYSTEM_ADMIN, city_id)
    add("aqgl01", person(), Role.SECURITY_ADMIN)
    add("sjgl01", person(), Role.AUDIT_ADMIN)
    for k, (grid_id, _, name) in enumerate(householders, 1):
        add(f"jm{k:06d}", name, Role.RESIDENT, grid_id)
    User.objects.bulk_create(users, batch_size=2000)
    RoleAssignment.objects.bulk_create(assignments, batch_size=2000)
    stats.users = len(users)


def population_digest() -> str:
    """SHA-256 over residents' names and ID blind indexes in id order (determinism checks)."""
    digest = hashlib.sha256()
    for name, index in Resident.objects.order_by("id").values_list("name", "id_number_index"):
        digest.update(f"{name}\t{index}\n".encode())
    return digest.hexdigest()
