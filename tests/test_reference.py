"""Reference data loads, validates and holds what the contract names."""

from roster_recon import reference


def test_counties_are_the_ten_of_yichun():
    counties = reference.counties()
    assert len(counties) == 10
    assert counties["360922"].name == "万载县"
    assert all(code.startswith("3609") for code in counties)


def test_every_contract_alias_maps_to_its_column():
    aliases = reference.header_aliases()
    assert aliases[reference.normalise_header("公民身份号码")] == "id_number"
    assert aliases[reference.normalise_header("姓　名（必填）")] == "name"
    assert aliases[reference.normalise_header("ＩＤ_number")] == "id_number"
    assert set(aliases.values()) == set(reference.CANONICAL_COLUMNS)


def test_gba_has_eleven_cities_and_seven_city_committees():
    gba = reference.gba_cities()
    assert len(gba) == 11
    committees = {committee for _, committee in gba.values()}
    assert len(committees) == 8  # seven city committees and the municipal one
    assert all(reference.cities()[code].in_gba for code in gba)


def test_place_codes_include_history():
    codes = reference.known_place_codes()
    assert {"360922", "362227", "440300", "810000"} <= codes
    assert "999999" not in codes


def test_committees_are_named_as_the_municipality_names_them():
    """1+7+N: 宜春市驻<city>流动党员党委 for the seven cities, the municipal GBA committee for the other four."""
    gba = reference.gba_cities()
    city_committees = {"440100", "440300", "440600", "441900", "442000", "440400", "441300"}
    for code, (city_name, committee) in gba.items():
        if code in city_committees:
            assert committee == f"宜春市驻{city_name.removesuffix('市')}流动党员党委", code
        else:
            assert committee == "宜春市驻粤港澳大湾区流动党员党委", code
