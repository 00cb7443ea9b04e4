"""Discovery: county folders by code, stable roster files only, everything else ignored with a reason."""

from __future__ import annotations

from roster_recon import share
from roster_recon.intake import discover
from roster_recon.intake.kinds import COUNTY


def test_county_folders_by_code_and_unknown_ones_reported(tmp_path):
    for name in ("360922-万载县", "360926", "999999-外省", "资料", "_archive"):
        (tmp_path / name).mkdir()
    (tmp_path / "stray.xlsx").write_bytes(b"x")
    folders, ignored = discover.county_folders(tmp_path)
    assert [(f.code, f.path.name) for f in folders] == [("360922", "360922-万载县"), ("360926", "360926")]
    assert {entry.name for entry in ignored} == {"999999-外省", "资料", "_archive", "stray.xlsx"}


def test_two_folders_for_one_county_hold_back_that_county_only(tmp_path):
    (tmp_path / "360922").mkdir()
    (tmp_path / "360922-万载县").mkdir()
    (tmp_path / "360926").mkdir()
    (tmp_path / "360983-高安市").symlink_to(tmp_path / "gone")  # a share link whose target was removed
    folders, ignored = discover.county_folders(tmp_path)
    assert [f.code for f in folders] == ["360926"]
    reasons = {entry.name: entry.reason for entry in ignored}
    assert "county 360922 held back: folders 360922 and 360922-万载县" in reasons["360922"]
    assert "county 360922 held back" in reasons["360922-万载县"]
    assert reasons["360983-高安市"] == share.LINK_REASON


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
    ready, ignored = discover.roster_files(discover.SourceFolder("360922", folder, COUNTY))
    assert sorted(p.name for p in ready) == ["丙.xls", "乙.csv", "新.csv", "甲.xlsx"]  # settling is settle.py's
    reasons = {entry.name: entry.reason for entry in ignored}
    assert reasons["~$甲.xlsx"] == "Office lock file"
    assert reasons[".hidden.csv"] == "hidden file"
    assert reasons["丁.xlsx.crdownload"] == reasons["戊.part"] == "partial download"
    assert reasons["说明.docx"].startswith("not a roster file type")


def test_links_pipes_and_sockets_named_like_rosters_are_ignored_with_a_reason_and_never_opened(tmp_path):
    import os
    import socket

    other = tmp_path / "360921-奉新县"
    other.mkdir()
    (other / "奉新支部.csv").write_text("姓名,身份证号码\n", encoding="utf-8")
    county = tmp_path / "360922-万载县"
    county.mkdir()
    (county / "甲支部.csv").write_text("姓名,身份证号码\n", encoding="utf-8")
    (county / "x.csv").symlink_to(other / "奉新支部.csv")  # another county's file as this one's
    (county / "gone.csv").symlink_to(tmp_path / "nowhere.csv")
    os.mkfifo(county / "pipe.csv")  # opening it for reading would wait for a writer for ever
    (county / "乙支部.xlsx").mkdir()  # a folder named like a roster
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(county / "socket.xlsx"))
        folder = discover.SourceFolder("360922", county, COUNTY)
        files, ignored = discover.roster_files(folder)
    assert [path.name for path in files] == ["甲支部.csv"]
    reasons = {entry.name: entry.reason for entry in ignored}
    assert reasons["x.csv"] == reasons["gone.csv"] == share.LINK_REASON
    assert reasons["pipe.csv"] == reasons["socket.xlsx"] == share.SPECIAL_REASON
    assert reasons["乙支部.xlsx"] == share.FOLDER_REASON
    # A linked county folder would make another county's files its own: listed, never read.
    (tmp_path / "360923-上高县").symlink_to(other, target_is_directory=True)
    folders, ignored_folders = discover.county_folders(tmp_path)
    assert [f.code for f in folders] == ["360921", "360922"]
    assert ("360923-上高县", share.LINK_REASON) in {(e.name, e.reason) for e in ignored_folders}
    # Swapped for a pipe or a link after the listing: open_regular refuses without blocking or following.
    for name in ("pipe.csv", "x.csv"):
        try:
            discover.open_regular(county / name).close()
            raise AssertionError(f"{name} was opened")
        except OSError:
            pass


def test_a_linked_folder_of_events_or_of_committees_is_reported_as_a_link(tmp_path):
    (tmp_path / "360926").mkdir()
    elsewhere = tmp_path.parent / f"{tmp_path.name}-elsewhere"
    elsewhere.mkdir()
    for name in ("dues", "self-reports", "gba"):
        (tmp_path / name).symlink_to(elsewhere, target_is_directory=True)
    folders, ignored = discover.source_folders(tmp_path)
    assert [f.code for f in folders] == ["360926"]
    assert {(e.name, e.reason) for e in ignored} == {(n, share.LINK_REASON) for n in ("dues", "self-reports", "gba")}
    assert all(entry.holds_back_county for entry in ignored)  # a whole side unread: the run report lists it
