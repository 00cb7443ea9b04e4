"""Demo data: Yichun's mobile-member rosters as county offices send them, with a ground truth to check against.

``python -m roster_recon.demo.generate --drop-root DIR --month 1|2 --seed N --as-of YYYY-MM-DD``

Ten county folders, about 200 branches (township, village, community and non-public-enterprise branches), 11,300
members of whom 5,226 are in the Greater Bay Area. Files come in the mix counties send: xlsx with a title row, old
xls, GBK and UTF-8-BOM CSV, header variants, county-wide files with a branch column; plus a lock file, a partial
download and a file that is not a roster. Defects at stated rates (``DEFECT_RATES``). Month two moves members
between cities, sends some home, adds newcomers and fixes about half of month one's problems.

``ground_truth.json`` beside the drop folders holds, per roster entry, the member key (HMAC with the demo secret, never
the ID), the flags the pipeline must raise, and per file the rows it must reject.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

import phonenumbers
import xlsxwriter

from roster_recon.intake.normalise import check_character
from roster_recon.intake.stage import member_key
from roster_recon.settings import DEMO_PII_SECRET
from roster_recon.warehouse.flag import is_lost_contact

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
        elif defect == "lost_by_age":
            member.last_contact = self.as_of - dt.timedelta(days=self.random.randrange(1, 60))


# --- Writing files ----------------------------------------------------------------------------------------------


def _date_text(rng: random.Random, value: dt.date | None) -> object:
    if value is None:
        return None
    style = rng.random()
    if style < 0.35:
        return value.isoformat()
    if style < 0.55:
        return f"{value.year}/{value.month}/{value.day}"
    if style < 0.65:
        return f"{value.year}.{value.month}.{value.day}"
    if style < 0.8:
        return f"{value.year}年{value.month}月{value.day}日"
    if style < 0.9:
        return f"{value:%Y%m%d}"
    return value  # a real date cell in Excel, ISO text in CSV


def roster_rows(gen: Generator, entries: list[tuple[Member, str, str]], with_branch: bool) -> list[dict]:
    rows = []
    for member, _county, branch in entries:
        id_text: object = member.id_number
        if "bad_check_char" in member.defects:
            wrong = next(c for c in "0123456789X" if c != member.id_number[17])
            id_text = member.id_number[:17] + wrong
        elif "excel_damaged_id" in member.defects:
            id_text = float(member.id_number[:17] + "0")
        else:
            style = gen.random.random()
            if style < 0.03:
                id_text = f"{member.id_number[:6]} {member.id_number[6:14]} {member.id_number[14:]}"
            elif style < 0.05:
                id_text = member.id_number.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
            elif member.id_number.endswith("X") and style < 0.3:
                id_text = member.id_number[:17] + "x"
        row = {
            "name": None if "missing_name" in member.defects else member.name,
            "gender": member.gender,
            "id_number": id_text,
            "outflow_date": _date_text(gen.random, member.outflow_date),
            "destination": member.destination,
            "phone": member.phone,
            "industry": member.industry,
            "last_contact_date": _date_text(gen.random, member.last_contact),
            "contact_status": member.status,
            "notes": None,
        }
        if with_branch:
            row["branch"] = branch
        rows.append(row)
        if "repeated_row" in member.defects:
            rows.append(dict(row))
    return rows


def write_roster(path: Path, rows: list[dict], headers: dict[str, str], kind: str, title: str | None) -> None:
    columns = list(headers)
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind in ("xlsx", "xlsx_title"):
        workbook = xlsxwriter.Workbook(str(path))
        sheet = workbook.add_worksheet("台账")
        date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
        start = 0
        if kind == "xlsx_title" and title:
            sheet.merge_range(0, 0, 0, len(columns) - 1, title, workbook.add_format({"bold": True, "align": "center"}))
            sheet.write_string(1, 0, "填报单位（盖章）：")
            start = 2
        for column, name in enumerate(columns):
            sheet.write_string(start, column, headers[name])
        for offset, row in enumerate(rows, start=start + 1):
            for column, name in enumerate(columns):
                value = row.get(name)
                if value is None:
                    continue
                if isinstance(value, float):
                    sheet.write_number(offset, column, value)
                elif isinstance(value, dt.date):
                    sheet.write_datetime(offset, column, dt.datetime.combine(value, dt.time()), date_format)
                else:
                    sheet.write_string(offset, column, str(value))
        workbook.close()
    elif kind == "xls":
        import xlwt

        book = xlwt.Workbook(encoding="utf-8")
        sheet = book.add_sheet("Sheet1")
        for column, name in enumerate(columns):
            sheet.write(0, column, headers[name])
        for offset, row in enumerate(rows, start=1):
            for column, name in enumerate(columns):
                value = row.get(name)
                if isinstance(value, dt.date):
                    value = value.isoformat()
                if value is not None:
                    sheet.write(offset, column, value)
        book.save(str(path))
    else:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow([headers[name] for name in columns])
        for row in rows:
            values = []
            for name in columns:
                value = row.get(name)
                if isinstance(value, float):
                    value = f"{value:.5E}".replace("E+", "E+")
                elif isinstance(value, dt.date):
                    value = value.isoformat()
                values.append("" if value is None else value)
            writer.writerow(values)
        encoding = "utf-8-sig" if kind == "csv_utf8_bom" else "gb18030"
        path.write_bytes(buffer.getvalue().encode(encoding))


def _expected_flags(member: Member, as_of: dt.date, months: int = 6) -> list[str]:
    flags = []
    if member.outflow_date is None or member.outflow_date > as_of:
        flags.append("missing_outflow_time")
    if not member.destination:
        flags.append("missing_destination")
    if member.phone is None or "invalid_phone" in member.defects:
        flags.append("missing_contact")
    if not member.industry:
        flags.append("missing_industry")
    if member.status != "正常" or is_lost_contact(member.last_contact, as_of, months):
        flags.append("lost_contact")
    return flags


def write_month(drop_root: Path, members: list[Member], gen: Generator, silent: set[tuple[str, str]]):
    """Write one month's files; returns the ground truth for the entries and files it wrote."""
    entries: dict[tuple[str, str], list[tuple[Member, str, str]]] = {}
    for member in members:
        entries.setdefault((member.county, member.branch), []).append((member, member.county, member.branch))
        if member.second_branch:
            county, branch = member.second_branch
            entries.setdefault((county, branch), []).append((member, county, branch))
    files_truth = {}
    county_wide = {"360983", "360925"}  # these counties send one county-wide file with a branch column
    suffix_styles = ["_{y}-{m:02d}", "_{y}{m:02d}", "（{y}年{m}月）", ""]
    year, mon = gen.as_of.year, gen.as_of.month
    for county, (county_name, _, _) in COUNTIES.items():
        folder = drop_root / f"{county}-{county_name}"
        folder.mkdir(parents=True, exist_ok=True)
        keys = sorted(k for k in entries if k[0] == county and k not in silent)
        groups = [keys] if county in county_wide else [[k] for k in keys]
        for group in groups:
            with_branch = county in county_wide
            kind = gen.random.choice(["xlsx_title", "xlsx_title", "xlsx", "csv_gbk", "csv_utf8_bom", "xls"])
            if with_branch:
                kind = "xlsx_title"
                stem = f"{county_name}流动党员台账_{year}{mon:02d}"
            else:
                stem = group[0][1] + gen.random.choice(suffix_styles).format(y=year, m=mon)
            extension = {"xlsx_title": "xlsx", "xlsx": "xlsx", "xls": "xls"}.get(kind, "csv")
            group_entries = [entry for key in group for entry in entries[key]]
            rows = roster_rows(gen, group_entries, with_branch)
            if kind == "xls":
                for row in rows:  # xlwt cannot write a float ID faithfully; old xls files carry text
                    if isinstance(row["id_number"], float):
                        row["id_number"] = f"{row['id_number']:.5E}"
            columns = (
                ["name", "gender", "id_number"]
                + (["branch"] if with_branch else [])
                + [
                    "outflow_date",
                    "destination",
                    "phone",
                    "industry",
                    "last_contact_date",
                    "contact_status",
                    "notes",
                ]
            )
            headers = {name: gen.random.choice(HEADER_VARIANTS[name]) for name in columns}
            path = folder / f"{stem}.{extension}"
            write_roster(path, rows, headers, kind, f"{county_name}流动党员信息台账（{year}年{mon}月）")
            rejected = sum(
                1 for m, _, _ in group_entries if {"bad_check_char", "excel_damaged_id", "missing_name"} & m.defects
            )
            rejected += sum(1 for m, _, _ in group_entries if "repeated_row" in m.defects)
            files_truth[f"{county}/{path.name}"] = {"county_code": county, "rows": len(rows), "rejected_rows": rejected}
        if county == "360922":
            (folder / "~$台账.xlsx").write_bytes(b"lock")
            (folder / "上报材料.xlsx.crdownload").write_bytes(b"partial")
            write_roster(
                folder / "工作总结.csv",
                [{"a": "今年流动党员工作总结", "b": "略"}],
                {"a": "标题", "b": "内容"},
                "csv_utf8_bom",
                None,
            )
            files_truth[f"{county}/工作总结.csv"] = {
                "county_code": county,
                "rows": 0,
                "rejected_rows": 0,
                "whole_file": True,
            }
    return entries, files_truth


def ground_truth(entries, as_of: dt.date, secret: bytes) -> list[dict]:
    truth = []
    counts: dict[str, int] = {}
    valid = {}
    for (county, branch), members in entries.items():
        for member, _, _ in members:
            if {"bad_check_char", "excel_damaged_id", "missing_name"} & member.defects:
                continue
            valid.setdefault(member.id_number, []).append((county, branch, member))
            counts[member.id_number] = counts.get(member.id_number, 0) + 1
    for id_number, places in valid.items():
        for county, branch, member in places:
            flags = _expected_flags(member, as_of)
            if counts[id_number] > 1:
                flags.append("duplicate_enrollment")
            truth.append(
                {
                    "member_key": member_key(id_number, secret),
                    "county_code": county,
                    "branch": branch,
                    "flags": sorted(flags),
                }
            )
    return truth


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drop-root", type=Path, required=True)
    parser.add_argument("--month", type=int, choices=(1, 2), default=1)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--as-of", type=dt.date.fromisoformat, required=True)
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 11,300 members")
    parser.add_argument("--month-one-as-of", type=dt.date.fromisoformat, default=None)
    args = parser.parse_args(argv)
    summary = generate(args.drop_root, args.month, args.seed, args.as_of, args.scale, args.month_one_as_of)
    print(
        f"month {args.month}: {summary['members']} members, {summary['files']} files in {args.drop_root} "
        f"(ground truth: {summary['truth']})"
    )


def generate(
    drop_root: Path,
    month: int,
    seed: int,
    as_of: dt.date,
    scale: float = 1.0,
    month_one_as_of: dt.date | None = None,
    month_two: dict | None = None,
    secret: bytes = DEMO_PII_SECRET,
) -> dict:
    """Write month one (or month two, which regenerates month one first from the same seed) into ``drop_root``.

    ``month_two`` overrides the rates of ``MONTH_TWO`` (the benchmark's 5 % delta uses it). ``secret`` is the
    member-key secret the ground truth's keys are made with: the demo's, or the native stack's own.
    """
    first_as_of = month_one_as_of or (as_of if month == 1 else _month_before(as_of))
    gen = Generator(seed, first_as_of, scale, month_two)
    members = gen.members()
    silent: set[tuple[str, str]] = set()
    if month == 2:
        gen.as_of = as_of
        before = _roster_keys(members)
        members = gen.next_month(members)
        branches = sorted({(m.county, m.branch) for m in members})
        silent = {b for b in branches if gen.random.random() < gen.month_two["branch_silent"]}
        # A branch whose members have all gone home sends nothing (an empty roster is not a roster).
        silent |= before - _roster_keys(members)
    entries, files_truth = write_month(drop_root, members, gen, silent)
    if month == 2:
        # Silent branches keep last month's rows in the warehouse: their truth comes from month one's entries.
        previous = Generator(seed, first_as_of, scale).members()
        previous_entries: dict = {}
        for member in previous:
            previous_entries.setdefault((member.county, member.branch), []).append(
                (member, member.county, member.branch)
            )
            if member.second_branch:
                county, branch = member.second_branch
                previous_entries.setdefault((county, branch), []).append((member, county, branch))
        for key in silent:
            entries[key] = previous_entries.get(key, [])
    truth = {
        "as_of": as_of.isoformat(),
        "month": month,
        "entries": ground_truth(entries, as_of, secret),
        "files": files_truth,
        "rates": DEFECT_RATES,
    }
    truth_path = drop_root.parent / f"ground_truth_month{month}.json"
    truth_path.write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
    return {"members": len(members), "files": len(files_truth), "truth": str(truth_path)}


def _roster_keys(members: list[Member]) -> set[tuple[str, str]]:
    keys = {(m.county, m.branch) for m in members}
    return keys | {m.second_branch for m in members if m.second_branch}


def _month_before(day: dt.date) -> dt.date:
    year, month = (day.year, day.month - 1) if day.month > 1 else (day.year - 1, 12)
    return dt.date(year, month, min(day.day, 28))


if __name__ == "__main__":
    main()
