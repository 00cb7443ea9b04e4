"""Discovery: county folders by code, stable roster files only, everything else ignored with a reason."""

from __future__ import annotations

from roster_recon.intake import discover


def test_county_folders_by_code_and_unknown_ones_reported(tmp_path):
    for name in ("360922-万载县", "360926", "999999-外省", "资料", "_archive"):
        (tmp_path / name).mkdir()
    (tmp_path / "stray.xlsx").write_bytes(b"x")
    folders, ignored = discover.county_folders(tmp_path)
    assert [(f.county_code, f.path.name) for f in folders] == [("360922", "360922-万载县"), ("360926", "360926")]
    assert {entry.name for entry in ignored} == {"999999-外省", "资料", "_archive", "stray.xlsx"}


def test_two_folders_for_one_county_hold_back_that_county_only(tmp_path):
    (tmp_path / "360922").mkdir()
    (tmp_path / "360922-万载县").mkdir()
    (tmp_path / "360926").mkdir()
    (tmp_path / "360983-高安市").symlink_to(tmp_path / "gone")  # a share link whose target was removed
    folders, ignored = discover.county_folders(tmp_path)
    assert [f.county_code for f in folders] == ["360926"]
    reasons = {entry.name: entry.reason for entry in ignored}
    assert "county 360922 held back: folders 360922 and 360922-万载县" in reasons["360922"]
    assert "county 360922 held back" in reasons["360922-万载县"]
    assert "no longer exists" in reasons["360983-高安市"]


def test_only_roster_files_are_listed_and_the_rest_is_ignored_with_a_reason(tmp_path):
    folder = tmp_path / "360922"
    folder.mkdir()
    names = [
        "甲.xlsx",
        "乙.csv",
        "丙.xls",
        "~$甲.xlsx",
        ".hidden.csv",
        "丁.xlsx.crdownload",
        "戊.part",
        "说明.docx",
        "新.csv",
    ]
    for name in names:
        (folder / name).write_bytes(b"data")
    (folder / "_archive").mkdir()
    ready, ignored = discover.roster_files(discover.SourceFolder("360922", folder))
    assert sorted(p.name for p in ready) == ["丙.xls", "乙.csv", "新.csv", "甲.xlsx"]  # settling is settle.py's
    reasons = {entry.name: entry.reason for entry in ignored}
    assert reasons["~$甲.xlsx"] == "Office lock file"
    assert reasons[".hidden.csv"] == "hidden file"
    assert reasons["丁.xlsx.crdownload"] == reasons["戊.part"] == "partial download"
    assert reasons["说明.docx"].startswith("not a roster file type")
