"""``get_file``: download a file once, keep it in a cache folder, check its hash.

>>> path = get_file("mnist.npz",
...                 origin="https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz",
...                 file_hash="731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1",
...                 )   # doctest: +SKIP

Files go to ``<cache_dir>/<cache_subdir>/<fname>``; ``cache_dir`` defaults to ``$KERAS_HOME``
when set, else ``lamina.config.lamina_home()`` (``$LAMINA_HOME`` or ``~/.lamina``), and a
valid copy that Keras already downloaded to ``~/.keras`` is used in place. A download is written
to a temporary file and renamed into place, so an interrupted one never leaves a partial
file where the cache would find it.
"""

from __future__ import annotations

import hashlib
import os
import tarfile
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import warnings
import zipfile

from lamina import config

DEFAULT_TIMEOUT = 10.0  # seconds without a byte before a download is given up


class DownloadError(OSError):
    """A file could not be downloaded (and no valid copy was in the cache)."""


def resolve_hasher(algorithm: str, file_hash: str | None = None):
    """The hashlib object for ``"sha256"``, ``"md5"`` or ``"auto"`` (sha256 for 64 hex digits)."""
    if algorithm == "sha256":
        return hashlib.sha256()
    if algorithm == "auto" and file_hash is not None and len(file_hash) == 64:
        return hashlib.sha256()
    return hashlib.md5()


def hash_file(fpath, algorithm="sha256", chunk_size: int = 65535) -> str:
    """The hex digest of a file (``algorithm``: "sha256", "md5", "auto" or a hashlib object)."""
    hasher = resolve_hasher(algorithm) if isinstance(algorithm, str) else algorithm
    with open(fpath, "rb") as f:
        for chunk in iter(lambda: f.read(chunk_size), b""):
            hasher.update(chunk)
    return hasher.hexdigest()


def validate_file(fpath, file_hash: str, algorithm: str = "auto", chunk_size: int = 65535) -> bool:
    """Whether the file's sha256 or md5 digest equals ``file_hash``."""
    hasher = resolve_hasher(algorithm, file_hash)
    return hash_file(fpath, hasher, chunk_size) == str(file_hash)


def _inside(base: str, target: str) -> bool:
    return os.path.commonpath([base, target]) == base


def _warn_skip(name: str) -> None:
    warnings.warn(f"Skipping invalid path during archive extraction: '{name}'.", stacklevel=4)


def _safe_zip_members(archive: zipfile.ZipFile, base: str):
    for info in archive.infolist():
        if _inside(base, os.path.realpath(os.path.join(base, info.filename))):
            yield info
        else:
            _warn_skip(info.filename)


def _safe_tar_members(archive: tarfile.TarFile, base: str):
    """Members that land inside ``base``: no absolute or ``..`` names, and links only when
    what they point to is inside too (a link out would let a later member write anywhere)."""
    for info in archive.getmembers():
        dest = os.path.realpath(os.path.join(base, info.name))
        ok = _inside(base, dest) and not (info.ischr() or info.isblk() or info.isfifo())
        if ok and info.issym():
            ok = not os.path.isabs(info.linkname) and _inside(
                base, os.path.realpath(os.path.join(os.path.dirname(dest), info.linkname)))
        elif ok and info.islnk():
            ok = _inside(base, os.path.realpath(os.path.join(base, info.linkname)))
        if ok:
            yield info
        else:
            _warn_skip(info.name)


def extract_archive(file_path, path=".", archive_format="auto") -> bool:
    """Extract a tar (gz/bz2/xz) or zip archive into ``path``; False if it is neither.

    Members whose names are absolute or climb out with ``..``, and links that point
    outside ``path``, are skipped with a warning.
    """
    if archive_format is None:
        return False
    formats = ["tar", "zip"] if archive_format == "auto" else archive_format
    if isinstance(formats, str):
        formats = [formats]
    file_path, path = os.fspath(file_path), os.fspath(path)
    for kind in formats:
        if kind not in ("tar", "zip"):
            raise ValueError(
                f'`archive_format` must be "auto", "tar", "zip", a list of them or None; '
                f"received {kind!r}"
            )
        if kind == "tar" and tarfile.is_tarfile(file_path):
            os.makedirs(path, exist_ok=True)
            base = os.path.realpath(path)
            with tarfile.open(file_path) as archive:
                members = list(_safe_tar_members(archive, base))
                # Python >= 3.12 warns without an explicit filter; members are checked above.
                extra = {"filter": "tar"} if hasattr(tarfile, "tar_filter") else {}
                archive.extractall(path, members=members, **extra)
            return True
        if kind == "zip" and zipfile.is_zipfile(file_path):
            os.makedirs(path, exist_ok=True)
            base = os.path.realpath(path)
            with zipfile.ZipFile(file_path) as archive:
                archive.extractall(path, members=list(_safe_zip_members(archive, base)))
            return True
    return False


def keras_home() -> str:
    """Keras' cache root: ``$KERAS_HOME`` or ``~/.keras``."""
    return os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")


def default_cache_dir() -> str:
    """Where ``get_file`` caches when ``cache_dir`` is None: ``$KERAS_HOME`` when it is set
    (the user asked for that folder, as in Keras), else lamina's home (``$LAMINA_HOME`` or
    ``~/.lamina``)."""
    return os.environ.get("KERAS_HOME") or config.lamina_home()


def _cache_folder(cache_dir, cache_subdir) -> str:
    base = os.path.expanduser(cache_dir if cache_dir is not None else default_cache_dir())
    try:
        os.makedirs(base, exist_ok=True)
        writable = os.access(base, os.W_OK)
    except OSError:
        writable = False
    if not writable:
        # A read-only home (some clusters, containers): fall back to the temp folder.
        base = os.path.join(tempfile.gettempdir(), ".lamina")
    folder = os.path.join(base, cache_subdir)
    os.makedirs(folder, exist_ok=True)
    return folder


def _download(origin: str, target: str, timeout: float, verbose: bool = True) -> None:
    """Fetch ``origin`` into a temporary file beside ``target``, then rename it into place;
    a progress bar (in bytes) shows while it runs."""
    from lamina.utils.progbar import Progbar

    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(target), prefix=".download-")
    try:
        with os.fdopen(fd, "wb") as out:
            request = urllib.request.Request(origin, headers={"User-Agent": "lamina"})
            with urllib.request.urlopen(request, timeout=timeout) as response:
                length = response.headers.get("Content-Length") if response.headers else None
                total = int(length) if length and length.isdigit() else None
                bar = Progbar(total, unit_name="byte", verbose=1 if verbose else 0)
                done = 0
                for chunk in iter(lambda: response.read(1 << 20), b""):
                    out.write(chunk)
                    done += len(chunk)
                    bar.update(done)
                if total is not None and done < total:
                    raise DownloadError(
                        f"the server closed the connection after {done} of {total} bytes")
                if total is None:
                    bar.update(done, finalize=True)
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def get_file(
    fname=None,
    origin=None,
    untar=False,
    md5_hash=None,
    file_hash=None,
    cache_subdir="datasets",
    hash_algorithm="auto",
    extract=False,
    archive_format="auto",
    cache_dir=None,
    force_download=False,
    timeout: float = DEFAULT_TIMEOUT,
) -> str:
    """Download ``origin`` unless a valid copy is cached; return the local path.

    Args:
        fname: the file's name in the cache; defaults to the last part of the URL.
        origin: the URL.
        untar: deprecated, same as ``extract=True`` with ``archive_format="tar"``.
        md5_hash: deprecated, same as ``file_hash`` with ``hash_algorithm="md5"``.
        file_hash: the expected sha256 (64 hex digits) or md5 of the file. A cached file
            that does not match is downloaded again; a download that does not match is an
            error.
        cache_subdir: folder under ``cache_dir`` (an absolute path is used as is).
        hash_algorithm: "auto", "sha256" or "md5".
        extract: extract the archive (tar, tar.gz, tar.bz2, zip) and return the extraction
            folder, as Keras 3 does (``name.tar.gz`` -> ``name_extracted``, a name without a
            dot -> that folder). Members that would land outside it are skipped.
        archive_format: "auto", "tar", "zip", a list of them, or None.
        cache_dir: the cache root. By default ``$KERAS_HOME`` if set, else
            ``lamina.config.lamina_home()``; a valid copy already in Keras' cache
            (``$KERAS_HOME`` or ``~/.keras``) is then used where it is.
        force_download: download even if a valid copy is cached.
        timeout: seconds to wait for the server before giving up (lamina addition).

    Raises:
        DownloadError: the download failed; the message names the URL and the cache path.
        ValueError: the downloaded file's hash does not match ``file_hash``.
    """
    if origin is None:
        raise ValueError('Please specify the "origin" argument (URL of the file to download).')
    if md5_hash is not None and file_hash is None:
        file_hash, hash_algorithm = md5_hash, "md5"
    folder = _cache_folder(cache_dir, cache_subdir)

    provided_fname = fname
    fname = os.fspath(fname) if fname else os.path.basename(urllib.parse.urlsplit(origin).path)
    if not fname:
        raise ValueError(
            f"Can't parse the file name from the origin provided: '{origin}'. "
            "Please specify the `fname` argument."
        )
    if os.sep in fname or (os.altsep and os.altsep in fname):
        raise ValueError(
            "Paths are no longer accepted as the `fname` argument. To specify the file's "
            f"parent directory, use the `cache_dir` argument. Received: fname={fname}"
        )

    extract = bool(extract or untar)
    if extract and untar:
        archive_format = "tar"
    target, extraction_dir = _cache_paths(folder, fname, bool(provided_fname), extract)
    if cache_dir is None and not force_download and not os.path.exists(target):
        # A copy real Keras already downloaded is used where it is, not fetched twice.
        keras_folder = os.path.join(keras_home(), cache_subdir)
        k_target, k_extracted = _cache_paths(keras_folder, fname, bool(provided_fname), extract)
        if os.path.isfile(k_target) and (
            file_hash is None or validate_file(k_target, file_hash, hash_algorithm)
        ):
            if not extract:
                return k_target
            if os.path.isdir(k_extracted) and os.listdir(k_extracted):
                return k_extracted
            target = k_target

    download = force_download or not os.path.exists(target)
    if (
        not download
        and file_hash is not None
        and not validate_file(target, file_hash, algorithm=hash_algorithm)
    ):
        print(
            "A local file was found, but it seems to be incomplete or outdated because "
            f"the {hash_algorithm} file hash does not match the original value of "
            f"{file_hash} so we will re-download the data."
        )
        download = True

    if download:
        print(f"Downloading data from {origin}")
        try:
            _download(origin, target, timeout)
        except (urllib.error.URLError, OSError, ValueError) as e:
            reason = getattr(e, "reason", None) or e
            if isinstance(e, urllib.error.HTTPError):
                reason = f"HTTP {e.code} {reason}"
            raise DownloadError(
                f"Could not download {origin} ({reason}). Looked for a cached copy at "
                f"{target} and found {'none' if not os.path.exists(target) else 'an invalid one'}. "
                "Check the network connection, or place the file there by hand."
            ) from e
        if file_hash is not None and not validate_file(target, file_hash, hash_algorithm):
            os.remove(target)  # never leave a corrupt file where the cache would find it
            raise ValueError(
                f"Incomplete or corrupted file detected. The {hash_algorithm} file hash of "
                f"the download from {origin} does not match the provided value of {file_hash}."
            )

    if extract:
        # Keras extracts on every call; an already-filled folder is kept unless the archive
        # was just (re)downloaded, which saves re-extracting e.g. CIFAR's 170 MB per load.
        stale = download or not (os.path.isdir(extraction_dir) and os.listdir(extraction_dir))
        if stale and not extract_archive(target, extraction_dir, archive_format):
            warnings.warn("Could not extract archive.", stacklevel=2)
        return extraction_dir
    return target


def _cache_paths(folder: str, fname: str, named: bool, extract: bool):
    """(download target, extraction folder) under ``folder``, named as Keras names them:
    ``name.tar.gz`` -> ``name_extracted/``; a name without a dot -> ``name_archive``."""
    if not extract:
        return os.path.join(folder, fname), None
    if named and "." in fname:
        return (os.path.join(folder, fname),
                os.path.join(folder, f"{fname[: fname.find('.')]}_extracted"))
    return os.path.join(folder, f"{fname}_archive"), os.path.join(folder, fname)
