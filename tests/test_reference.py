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


def test_every_code_the_warehouse_allows_has_a_label(engine):
    """A flag, an evidence source or a file outcome the warehouse can hold is shown to people by its label: the
    labels (reference/labels.csv) cover every value the tables' CHECK constraints allow."""
    import re

    import sqlalchemy as sa

    from roster_recon import reference

    checks = {
        "flag": "core.member_flag'::regclass AND conname = 'member_flag_flag_check",
        "source": "core.contact_event'::regclass AND conname LIKE '%source_check",
        "file_status": "audit.file'::regclass AND conname LIKE '%status_check",
    }
    with engine.connect() as connection:
        for vocabulary, where in checks.items():
            definition = connection.execute(
                sa.text(f"SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = '{where}'")
            ).scalar_one()
            allowed = set(re.findall(r"'([a-z_]+)'::text", definition))
            assert allowed and allowed <= set(reference.labels(vocabulary)), (vocabulary, allowed)
