"""The demo's people: Yichun's counties and their mobile members, their defects, and how a month changes them.

``Generator`` draws members from a seed (names, ID numbers, destinations in and outside the Greater Bay Area, phones,
industries, contact dates) with defects at stated rates (``DEFECT_RATES``) and moves them on by a month
(``MONTH_TWO``). ``generate.py`` writes them as county files and their ground truth.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from dataclasses import dataclass, field

import phonenumbers

from roster_recon.intake.normalise import check_character

COUNTIES = {  # code: (name, old code before 2000, share of members)
    "360902": ("袁州区", "362201", 0.16),
    "360921": ("奉新县", "362226", 0.07),
    "360922": ("万载县", "362227", 0.09),
    "360923": ("上高县", "362228", 0.08),
    "360924": ("宜丰县", "362229", 0.07),
    "360925": ("靖安县", "362232", 0.04),
    "360926": ("铜鼓县", "362233", 0.04),
    "360981": ("丰城市", "362202", 0.19),
    "360982": ("樟树市", "362203", 0.10),
    "360983": ("高安市", "362204", 0.16),
}
TOTAL_MEMBERS, GBA_MEMBERS = 11_300, 5_226
GBA = {  # city code: (ways people write it, members)
    "440300": (["广东省深圳市南山区科技园", "深圳市宝安区福永街道", "深圳龙华", "广东深圳市龙岗区"], 1500),
    "441900": (["东莞市长安镇", "广东省东莞市虎门镇", "东莞塘厦"], 1200),
    "440100": (["广州市天河区", "广东省广州市白云区", "广州番禺"], 1000),
    "440600": (["佛山", "佛山市顺德区北滘镇", "广东省佛山市南海区"], 500),
    "442000": (["中山市小榄镇", "广东省中山市古镇"], 350),
    "441300": (["惠州市惠阳区", "广东省惠州市仲恺高新区"], 300),
    "440400": (["珠海市香洲区", "广东省珠海市斗门区"], 220),
    "440700": (["江门市蓬江区", "广东省江门市新会区"], 60),
    "441200": (["肇庆市端州区", "广东肇庆高要区"], 50),
    "810000": (["香港特别行政区九龙", "香港新界荃湾"], 26),
    "820000": (["澳门特别行政区", "澳门氹仔"], 20),
}
ELSEWHERE = {
    "330100": ["浙江省杭州市余杭区", "杭州滨江"],
    "330200": ["浙江省宁波市北仑区", "宁波慈溪"],
    "330700": ["浙江省义乌市", "金华市永康"],
    "310000": ["上海市浦东新区", "上海松江区"],
    "350200": ["福建省厦门市湖里区", "厦门集美"],
    "350500": ["福建省泉州市晋江市", "泉州石狮"],
    "320500": ["江苏省苏州市工业园区", "昆山市"],
    "360100": ["江西省南昌市青山湖区", "南昌县"],
    "110000": ["北京市朝阳区", "北京大兴"],
    "430100": ["湖南省长沙市岳麓区", "长沙县"],
}
MOBILE_PREFIXES = [
    *(str(p) for p in range(130, 140)),
    "150",
    "151",
    "152",
    "153",
    "155",
    "156",
    "157",
    "158",
    "159",
    "176",
    "177",
    "178",
    *(str(p) for p in range(180, 190)),
]
INDUSTRIES = [
    "电子信息制造",
    "锂电新能源",
    "陶瓷建材",
    "医药制造",
    "物流运输",
    "建筑施工",
    "餐饮服务",
    "家具制造",
    "服装纺织",
    "快递外卖",
    "个体经营",
    "教育培训",
]
SURNAMES = list(
    "王李张刘陈杨黄赵吴周徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段漕钱汤尹黎易常武乔贺赖龚文"
)
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍建国志红文辉斌鹏飞宇浩晨欣怡婷雪梅海林春燕")
RARE_GIVEN = ["䶮", "𠇔", "堃", "赟", "珺", "喆"]  # some only in GB18030, not GBK
TOWNS = [
    "洪塘",
    "湛郎",
    "新田",
    "慈化",
    "温汤",
    "金瑞",
    "罗市",
    "赤岸",
    "泗溪",
    "芦洲",
    "石脑",
    "荣塘",
    "上庄",
    "潭山",
    "双桥",
    "高城",
    "株潭",
    "鹤洲",
    "黄茅",
    "大城",
    "棠浦",
    "天宝",
    "澡下",
    "仁首",
    "水口",
    "宝峰",
    "三都",
    "大塅",
]
VILLAGES = [
    "东风",
    "红星",
    "新华",
    "光明",
    "丰收",
    "和平",
    "前进",
    "胜利",
    "长岭",
    "上坊",
    "下湾",
    "石桥",
    "松林",
    "枫树",
]
ENTERPRISES = [
    "宜春锂电科技有限公司",
    "赣西陶瓷有限公司",
    "江西华康药业有限公司",
    "宜丰新材料有限公司",
    "樟树盐化有限公司",
]

DEFECT_RATES = {
    "missing_outflow": 0.03,
    "future_outflow": 0.004,
    "missing_destination": 0.025,
    "missing_phone": 0.02,
    "invalid_phone": 0.01,
    "missing_industry": 0.03,
    "lost_by_status": 0.015,
    "lost_by_age": 0.025,
    "bad_check_char": 0.005,
    "excel_damaged_id": 0.004,
    "missing_name": 0.002,
    "repeated_row": 0.003,
    "no_contact_date": 0.01,
}
MONTH_TWO = {
    "move_city": 0.05,
    "return_home": 0.03,
    "newcomers": 0.03,
    "fix_problem": 0.5,
    "branch_silent": 0.08,
    "contact_refreshed": 0.3,
}
HEADER_VARIANTS = {
    "name": ["姓名", "姓名（必填）", "name"],
    "gender": ["性别"],
    "id_number": ["身份证号码", "公民身份号码", "身份证号", "身份证"],
    "branch": ["所在党支部", "党支部", "支部名称"],
    "outflow_date": ["流出时间", "外出时间", "流出日期"],
    "destination": ["流入地", "去向地址", "外出地点", "现居住地"],
    "phone": ["联系电话", "手机号码", "联系方式"],
    "industry": ["从事行业", "工作行业", "职业"],
    "last_contact_date": ["最后联系时间", "最近联系时间"],
    "contact_status": ["联系状态", "状态"],
    "notes": ["备注"],
}


@dataclass
class Member:
    id_number: str
    name: str
    gender: str
    county: str
    branch: str
    city_code: str
    destination: str | None
    phone: str | None
    industry: str | None
    outflow_date: dt.date | None
    last_contact: dt.date | None
    status: str
    defects: set[str] = field(default_factory=set)
    second_branch: tuple[str, str] | None = None


class Generator:
    def __init__(self, seed: int, as_of: dt.date, scale: float = 1.0, month_two: dict | None = None):
        self.random = random.Random(seed)
        self.as_of = as_of
        self.scale = scale
        self.used_ids: set[str] = set()
        self.month_two = {**MONTH_TWO, **(month_two or {})}

    # --- people -------------------------------------------------------------------------------------------------

    def id_number(self, county: str) -> str:
        while True:
            born = dt.date(1958, 1, 1) + dt.timedelta(days=self.random.randrange(0, 365 * 44))
            place = COUNTIES[county][1] if born.year < 2000 and self.random.random() < 0.7 else county
            first17 = f"{place}{born:%Y%m%d}{self.random.randrange(0, 1000):03d}"
            value = first17 + check_character(first17)
            if value not in self.used_ids:
                self.used_ids.add(value)
                return value

    def name(self) -> str:
        given = "".join(self.random.choice(GIVEN) for _ in range(self.random.choice((1, 2, 2))))
        if self.random.random() < 0.004:
            given = given[:1] + self.random.choice(RARE_GIVEN)
        return self.random.choice(SURNAMES) + given

    def phone(self, city_code: str) -> str:
        """A phone number libphonenumber accepts, written the way members give it."""
        while True:
            candidate = self._phone_candidate(city_code)
            try:
                parsed = phonenumbers.parse(re.sub(r"^0086 ", "+86 ", candidate), "CN")
            except phonenumbers.NumberParseException:
                continue
            if phonenumbers.is_valid_number(parsed):
                return candidate

    def _phone_candidate(self, city_code: str) -> str:
        if city_code == "810000":
            return f"+852 {self.random.choice('569')}{self.random.randrange(0, 10**7):07d}"
        if city_code == "820000":
            return f"+853 6{self.random.randrange(0, 10**7):07d}"
        if self.random.random() < 0.03:
            return f"0795-{self.random.randrange(2000000, 9999999)}"
        prefix = self.random.choice(MOBILE_PREFIXES)
        number = f"{prefix}{self.random.randrange(0, 10**8):08d}"
        style = self.random.random()
        if style < 0.1:
            return f"+86 {number[:3]}-{number[3:7]}-{number[7:]}"
        if style < 0.15:
            return f"0086 {number}"
        if style < 0.25:
            return f"{number[:3]} {number[3:7]} {number[7:]}"
        return number

    def destination(self, city_code: str) -> str:
        options = GBA[city_code][0] if city_code in GBA else ELSEWHERE[city_code]
        return self.random.choice(options)

    def branches(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for county in COUNTIES:
            towns = self.random.sample(TOWNS, 6)
            names = []
            for town in towns:
                names.append(f"{town}镇{self.random.choice(VILLAGES)}村党支部")
                names.append(f"{town}镇{self.random.choice(VILLAGES)}社区党支部")
                if self.random.random() < 0.5:
                    names.append(f"{town}镇{self.random.choice(VILLAGES)}村党支部")
            names.append(f"{self.random.choice(ENTERPRISES)}党支部")
            found[county] = sorted(set(names))
        return found

    def members(self) -> list[Member]:
        branches = self.branches()
        total = round(TOTAL_MEMBERS * self.scale)
        cities = [code for code, (_, n) in GBA.items() for _ in range(round(n * self.scale))]
        cities += [self.random.choice(list(ELSEWHERE)) for _ in range(total - len(cities))]
        self.random.shuffle(cities)
        counties = self.random.choices(list(COUNTIES), weights=[c[2] for c in COUNTIES.values()], k=total)
        members = []
        for city_code, county in zip(cities, counties, strict=True):
            outflow = self.as_of - dt.timedelta(days=self.random.randrange(60, 3650))
            contact = self.as_of - dt.timedelta(days=self.random.randrange(1, 130))
            members.append(
                Member(
                    self.id_number(county),
                    self.name(),
                    self.random.choice("男男女"),
                    county,
                    self.random.choice(branches[county]),
                    city_code,
                    self.destination(city_code),
                    self.phone(city_code),
                    self.random.choice(INDUSTRIES),
                    outflow,
                    contact,
                    "正常",
                )
            )
        for member in members:
            self.add_defects(member)
        for member in self.random.sample(members, max(2, round(40 * self.scale))):
            county = self.random.choice(list(COUNTIES))
            other = [b for b in branches[county] if (county, b) != (member.county, member.branch)]
            member.second_branch = (county, self.random.choice(other))
        return members

    def add_defects(self, member: Member) -> None:
        for defect, rate in DEFECT_RATES.items():
            if self.random.random() < rate:
                member.defects.add(defect)
        if {"bad_check_char", "excel_damaged_id", "missing_name"} & member.defects:
            member.defects -= {"repeated_row"}
        # One defect per fact: a missing value cannot also be a wrong one.
        if "missing_outflow" in member.defects:
            member.defects.discard("future_outflow")
        if "missing_phone" in member.defects:
            member.defects.discard("invalid_phone")
        if "missing_outflow" in member.defects:
            member.outflow_date = None
        elif "future_outflow" in member.defects:
            member.outflow_date = self.as_of + dt.timedelta(days=self.random.randrange(5, 60))
        if "missing_destination" in member.defects:
            member.destination = None
        if "missing_phone" in member.defects:
            member.phone = None
        elif "invalid_phone" in member.defects:
            member.phone = self.random.choice(["12345", "1380013800", "194" + "0" * 8, "无"])
        if "missing_industry" in member.defects:
            member.industry = None
        if "lost_by_status" in member.defects:
            member.status = self.random.choice(["失联", "失去联系", "联系不上"])
        if "lost_by_age" in member.defects:
            member.last_contact = self.as_of - dt.timedelta(days=self.random.randrange(240, 900))
        if "no_contact_date" in member.defects:
            member.defects.discard("lost_by_age")
            member.last_contact = None

    # --- month two ----------------------------------------------------------------------------------------------

    def next_month(self, members: list[Member]) -> list[Member]:
        rates = self.month_two
        kept = []
        for member in members:
            if self.random.random() < rates["return_home"]:
                continue
            if self.random.random() < rates["move_city"]:
                member.city_code = self.random.choice(list(GBA) + list(ELSEWHERE))
                member.destination = self.destination(member.city_code)
            for defect in sorted(member.defects):  # a set of strings: its order changes per process
                if self.random.random() < rates["fix_problem"]:
                    self.fix(member, defect)
            if "lost_by_age" not in member.defects and self.random.random() < rates["contact_refreshed"]:
                member.last_contact = self.as_of - dt.timedelta(days=self.random.randrange(1, 60))
            kept.append(member)
        newcomers = Generator(self.random.randrange(10**9), self.as_of, self.scale * rates["newcomers"])
        newcomers.used_ids = self.used_ids
        branches = sorted({(m.county, m.branch) for m in kept})
        for member in newcomers.members():
            member.county, member.branch = self.random.choice(branches)
            member.second_branch = None
            kept.append(member)
        return kept

    def fix(self, member: Member, defect: str) -> None:
        member.defects.discard(defect)
        if defect in ("missing_outflow", "future_outflow"):
            member.outflow_date = self.as_of - dt.timedelta(days=self.random.randrange(60, 900))
        elif defect == "missing_destination":
            member.destination = self.destination(member.city_code)
        elif defect in ("missing_phone", "invalid_phone"):
            member.phone = self.phone(member.city_code)
        elif defect == "missing_industry":
            member.industry = self.random.choice(INDUSTRIES)
        elif defect == "lost_by_status":
            member.status = "正常"
        elif defect in ("lost_by_age", "no_contact_date"):
            member.last_contact = self.as_of - dt.timedelta(days=self.random.randrange(1, 60))
