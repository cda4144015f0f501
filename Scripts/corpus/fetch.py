"""Downloads Debian packages and PyPI wheels without installing them, and unpacks them.

Both steps are idempotent: a package already in the cache is not fetched again, and an
unpacked tree is reused once its `.unpacked` marker exists (written last, so an
interrupted unpack is redone).
"""

import glob
import os
import shutil
import subprocess
import zipfile


class FetchError(RuntimeError):
    """A package could not be downloaded or unpacked; the message names it."""


def _run(cmd, cwd):
    result = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if result.returncode != 0:
        raise FetchError(f"{' '.join(cmd)} failed ({result.returncode}): {result.stderr.strip()[-500:]}")


def _cached(cache, pattern, download):
    os.makedirs(cache, exist_ok=True)
    found = sorted(glob.glob(os.path.join(cache, pattern)))
    if not found:
        download()
        found = sorted(glob.glob(os.path.join(cache, pattern)))
    if not found:
        raise FetchError(f"{cache}: download left no file matching {pattern}")
    return found[-1]


def debian_package(name, cache):
    """Path of NAME_*.deb in `cache`, fetched with `apt-get download` when missing."""
    return _cached(cache, f"{name}_*.deb", lambda: _run(["apt-get", "download", name], cache))


def pypi_wheel(requirement, cache):
    """Path of the wheel for 'name==version' in `cache`, fetched with `pip download`."""
    name, version = requirement.split("==")
    pattern = f"{name.replace('-', '_')}-{version}-*.whl"
    return _cached(cache, pattern, lambda: _run(
        ["python3", "-m", "pip", "download", "--no-deps", "--only-binary", ":all:", "-d", cache, requirement], cache))


def unpack(archive, dest):
    """Unpacks a .deb (dpkg-deb -x) or a wheel (zip) into `dest`; returns `dest`."""
    marker = os.path.join(dest, ".unpacked")
    if os.path.exists(marker):
        return dest
    shutil.rmtree(dest, ignore_errors=True)
    os.makedirs(dest)
    if archive.endswith(".deb"):
        _run(["dpkg-deb", "-x", archive, dest], dest)
    else:
        try:
            with zipfile.ZipFile(archive) as z:
                z.extractall(dest)
        except zipfile.BadZipFile as e:
            raise FetchError(f"{archive}: not a valid wheel ({e})") from None
    open(marker, "w").close()
    return dest
