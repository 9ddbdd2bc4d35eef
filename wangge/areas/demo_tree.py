"""The plan of Baotou's area tree for the demo city (``wangge.areas.demo``): every node
with its code, name, path and grid rectangle, the same for every seed."""

from __future__ import annotations

import random
from collections.abc import Collection
from dataclasses import dataclass

from wangge.areas.models import Area, AreaKind
from wangge.core.errors import ApplicationError
from wangge.demo.bulk import apportion
from wangge.demo.names import SURNAMES

CITY_CODE = "150200"
CITY_NAME = "包头市"
FULL_GRIDS = 2_814
# Grid polygons tile this box as a lattice of rectangles (WGS84).
LAT_MIN, LAT_MAX = 40.55, 40.70
LNG_MIN, LNG_MAX = 109.70, 110.10
LATTICE_ROWS, LATTICE_COLS = 38, 75


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
        per_street = apportion(n_communities, weights, minimum=1)
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
    grids_per_community = apportion(FULL_GRIDS, [c.weight for c in all_communities], minimum=1)
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
            name = f"{rng.choice(SURNAMES[:40])}家{rng.choice(_VILLAGE_ENDINGS)}村"
        if name not in used:
            used.add(name)
            return name
    raise RuntimeError("ran out of community names")
