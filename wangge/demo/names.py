"""Names for the demo's people and accounts: Han names by a roughly Zipf surname
distribution, and Mongol names (the city is in Inner Mongolia)."""

from __future__ import annotations

import bisect
import itertools
import random


def _words(text: str) -> list[str]:
    return text.split()


SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董肖程曹袁邓许傅沈曾彭吕"
    "苏卢蒋蔡贾丁魏薛叶闫余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史"
    "顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
)
# Roughly Zipf: the ten commonest surnames cover about 40% of people.
_SURNAME_CUM = list(itertools.accumulate(1.0 / (rank + 3) for rank in range(len(SURNAMES))))
_MALE_CHARS = "伟强磊军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林欣建国志文晨峰亮成东海"
_FEMALE_CHARS = "芳娜敏静丽艳娟霞秀玲桂英华红燕梅琳洁雪倩婷颖萍慧玉兰丹欣怡佳瑶悦晶璐月琴莉"
_MONGOL_MALE = _words(
    "巴特尔 巴图 布和 苏和 额尔敦 朝鲁 宝音 那顺 孟和 阿木古楞 特木尔 毕力格 达来 格日勒图 乌力吉"
)
_MONGOL_FEMALE = _words(
    "斯琴 其其格 萨仁 乌云 托娅 娜仁 高娃 塔娜 图雅 琪琪格 格日勒 乌兰 阿拉坦其其格 萨日娜"
)


def surname(rng: random.Random) -> str:
    return SURNAMES[
        bisect.bisect(_SURNAME_CUM, rng.random() * _SURNAME_CUM[-1], hi=len(SURNAMES) - 1)
    ]


def person_name(
    rng: random.Random, male: bool, family: str | None = None, mongol: bool = False
) -> str:
    if mongol and rng.random() < 0.5:
        return rng.choice(_MONGOL_MALE if male else _MONGOL_FEMALE)
    chars = _MALE_CHARS if male else _FEMALE_CHARS
    given = rng.choice(chars) + (rng.choice(chars) if rng.random() < 0.75 else "")
    return (family or surname(rng)) + given
