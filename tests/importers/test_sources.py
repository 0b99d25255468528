"""Zips and folders are unpacked safely: no escape, no bomb, no links."""

from __future__ import annotations

import stat
import zipfile

import pytest

from goodwill.errors import ImportFailed
from goodwill.importers.sources import expand


def make_zip(path, members):
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_folder_and_zip_members_are_listed_with_readable_names(tmp_path):
    folder = tmp_path / "export"
    (folder / "data").mkdir(parents=True)
    (folder / "data" / "follower.js").write_text("x")
    (folder / ".DS_Store").write_text("junk")
    archive = make_zip(tmp_path / "linkedin.zip", {"Connections.csv": "a,b", "__MACOSX/._x": "z"})
    with expand([folder, archive]) as files:
        names = [f.name for f in files]
        assert names == ["export/data/follower.js", "linkedin.zip/Connections.csv"]
        assert all(f.path.exists() for f in files)
        unpacked = files[1].path
    assert not unpacked.exists(), "the temporary folder is removed afterwards"


@pytest.mark.parametrize("name", ["../evil.txt", "/etc/evil", "a/../../evil", "C:/evil"])
def test_path_traversal_is_refused(tmp_path, name):
    archive = make_zip(tmp_path / "bad.zip", {name: "x"})
    with pytest.raises(ImportFailed, match="unsafe path"), expand([archive]):
        pass
    assert not (tmp_path / "evil.txt").exists()


def test_zip_bomb_is_refused(tmp_path):
    archive = make_zip(tmp_path / "bomb.zip", {"big.csv": b"0" * (50 * 1024 * 1024)})
    with pytest.raises(ImportFailed, match="zip bomb"), expand([archive]):
        pass


def test_total_size_limit(tmp_path):
    archive = make_zip(tmp_path / "big.zip", {"a.csv": "x" * 5000, "b.csv": "y" * 5000})
    with pytest.raises(ImportFailed, match="over the"), expand([archive], max_total=8000):
        pass


def test_links_inside_a_zip_are_refused(tmp_path):
    path = tmp_path / "link.zip"
    with zipfile.ZipFile(path, "w") as archive:
        info = zipfile.ZipInfo("passwd")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(info, "/etc/passwd")
    with pytest.raises(ImportFailed, match="link"), expand([path]):
        pass


def test_damaged_zip_and_missing_path(tmp_path):
    good = make_zip(tmp_path / "x.zip", {"a.csv": "a" * 1000})
    damaged = tmp_path / "damaged.zip"
    data = good.read_bytes()
    damaged.write_bytes(data[:30] + b"\0" * 40 + data[70:])
    with pytest.raises(ImportFailed), expand([damaged]):
        pass
    with pytest.raises(ImportFailed, match="no such file"), expand([tmp_path / "nope.csv"]):
        pass
