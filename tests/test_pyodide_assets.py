"""tools/pyodide_assets.py: the checks that keep a wrong interpreter or NumPy wheel out of the site."""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import io
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("pyodide_assets", ROOT / "tools" / "pyodide_assets.py")
assets = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(assets)

WHEEL = b"PK\x03\x04 pretend wheel bytes"
LOCK = {"info": {"version": "0.27.7"}, "packages": {"numpy": {"file_name": assets.NUMPY_WHEEL, "sha256": hashlib.sha256(WHEEL).hexdigest()}}}


def test_wheel_with_the_lock_files_sha256_is_accepted():
    assets.verify_wheel(WHEEL, LOCK, assets.NUMPY_WHEEL)


def test_tampered_wheel_is_rejected_with_both_hashes():
    tampered = WHEEL[:-1] + b"?"
    with pytest.raises(assets.AssetError, match="differs from .* in Pyodide's official pyodide-lock.json; the wheel is rejected") as err:
        assets.verify_wheel(tampered, LOCK, assets.NUMPY_WHEEL)
    assert hashlib.sha256(tampered).hexdigest() in str(err.value)
    assert LOCK["packages"]["numpy"]["sha256"] in str(err.value)


def test_wheel_missing_from_the_lock_is_rejected():
    with pytest.raises(assets.AssetError, match="not in pyodide-lock.json"):
        assets.verify_wheel(WHEEL, LOCK, "numpy-9.9.9-cp312-cp312-pyodide_2024_0_wasm32.whl")


def test_npm_integrity_checked():
    data = b"tarball"
    good = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
    assets.check_integrity(data, good, "x.tgz")
    with pytest.raises(assets.AssetError, match="x.tgz: sha512 integrity .* differs from the pinned"):
        assets.check_integrity(data + b"!", good, "x.tgz")


def test_nnbook_wheel_holds_the_package_and_a_valid_record(tmp_path):
    wheel = assets.build_nnbook_wheel(tmp_path)
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        assert "nnbook/__init__.py" in names and "nnbook/network.py" in names
        assert z.read("nnbook/layers.py") == (ROOT / "src/nnbook/layers.py").read_bytes()
        record = z.read(next(n for n in names if n.endswith("RECORD"))).decode().splitlines()
        for row in record:
            arc, digest, _size = row.split(",")
            if digest:
                want = base64.urlsafe_b64encode(hashlib.sha256(z.read(arc)).digest()).rstrip(b"=").decode()
                assert digest == f"sha256={want}", arc
    assert assets.build_nnbook_wheel(tmp_path).read_bytes() == wheel.read_bytes()  # reproducible


def _archive(tmp_path, data: bytes, name: str = assets.ARCHIVE_MEMBER):
    path = tmp_path / "pyodide-0.27.7.tar.bz2"
    with tarfile.open(path, "w:bz2") as tar:
        info = tarfile.TarInfo(name)
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    return path


def test_release_archive_is_a_second_source_under_the_same_check(tmp_path):
    assert assets.numpy_from_archive(_archive(tmp_path, WHEEL), LOCK) == WHEEL
    with pytest.raises(assets.AssetError, match="the wheel is rejected"):
        assets.numpy_from_archive(_archive(tmp_path, WHEEL + b"!"), LOCK)
    with pytest.raises(assets.AssetError, match="has no pyodide/numpy"):
        assets.numpy_from_archive(_archive(tmp_path, WHEEL, "pyodide/other.whl"), LOCK)


def test_forced_release_source_uses_the_cached_archive(tmp_path, monkeypatch):
    monkeypatch.setenv("NNBOOK_NUMPY_SOURCE", "release")
    _archive(tmp_path, WHEEL)  # already in the cache: nothing is downloaded
    assert assets.fetch_numpy(tmp_path, LOCK) == WHEEL
