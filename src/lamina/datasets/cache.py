"""Finding a data set's file: lamina's cache, then Keras' cache in place, then a download.

Every loader in ``lamina.datasets`` calls :func:`fetch` with Keras' own file name, URL and
hash, so a file that real Keras already downloaded to ``~/.keras/datasets`` is used where it
is and never fetched twice.

Where the data comes from, in order:

1. ``$LAMINA_HOME/datasets`` (``~/.lamina/datasets``), if the file there has the right hash;
2. ``$KERAS_HOME/datasets`` (``~/.keras/datasets``), used in place;
3. a download into lamina's cache, unless ``LAMINA_OFFLINE=1``.

``LAMINA_DATASETS_ORIGIN`` (e.g. ``http://127.0.0.1:8000/``, a mirror or a local server)
replaces the folder part of every data-set URL: ``.../tf-keras-datasets/imdb.npz`` is then
fetched from ``$LAMINA_DATASETS_ORIGIN/imdb.npz``. Unset, Keras' real URLs are used.

>>> origin("https://storage.googleapis.com/tensorflow/tf-keras-datasets/imdb.npz")
'https://storage.googleapis.com/tensorflow/tf-keras-datasets/imdb.npz'
"""

from __future__ import annotations

import os
import shutil
import tempfile

from lamina import config
from lamina.utils import file_utils

ORIGIN_ENV = "LAMINA_DATASETS_ORIGIN"


def offline() -> bool:
    """Whether ``LAMINA_OFFLINE`` forbids downloads."""
    return os.environ.get("LAMINA_OFFLINE", "").strip().lower() not in ("", "0", "false", "no")


def origin(url: str) -> str:
    """``url``, or its file name under ``$LAMINA_DATASETS_ORIGIN`` when that is set."""
    base = os.environ.get(ORIGIN_ENV, "").strip()
    if not base:
        return url
    return base.rstrip("/") + "/" + url.rsplit("/", 1)[-1]


def lamina_folder(cache_subdir: str = "datasets") -> str:
    return os.path.join(config.lamina_home(), cache_subdir)


def keras_folder(cache_subdir: str = "datasets") -> str:
    return os.path.join(file_utils.keras_home(), cache_subdir)


def _valid(path: str, file_hash: str | None) -> bool:
    return os.path.isfile(path) and (
        file_hash is None or file_utils.validate_file(path, file_hash)
    )


def _complete(folder: str, required) -> bool:
    return os.path.isdir(folder) and all(
        os.path.exists(os.path.join(folder, r)) for r in required
    )


def _extract_into(archive: str, folder: str) -> None:
    """Extract next to ``folder`` and rename into place, so a half-done extraction is never
    mistaken for a complete one."""
    parent = os.path.dirname(folder)
    os.makedirs(parent, exist_ok=True)
    tmp = tempfile.mkdtemp(dir=parent, prefix=".extract-")
    try:
        if not file_utils.extract_archive(archive, tmp):
            raise ValueError(f"{archive} is not a tar or zip archive")
        if os.path.isdir(folder):
            shutil.rmtree(folder)
        os.replace(tmp, folder)
    finally:
        if os.path.isdir(tmp):
            shutil.rmtree(tmp)


def fetch(
    what: str,
    fname: str,
    url: str,
    file_hash: str | None,
    cache_subdir: str = "datasets",
    extract: bool = False,
    required=(),
) -> str:
    """The local path of ``fname`` (or of its extraction folder when ``extract``).

    Args:
        what: the loader, for messages (``"cifar10.load_data"``).
        fname: Keras' cache name for the file.
        url: Keras' URL for it (see ``LAMINA_DATASETS_ORIGIN`` above).
        file_hash: its sha256 or md5 (None: any copy is accepted, as in Keras).
        cache_subdir: the folder under the cache roots.
        extract: the file is an archive; return the folder it was extracted to, named as
            Keras names it (``fname`` itself; the archive is ``fname + "_archive"``).
        required: paths inside the extraction folder that a complete one holds.

    Raises:
        DownloadError: offline or the download failed, with no valid copy cached; the message
            names the URL and where to place the file by hand.
    """
    if os.sep in fname or (os.altsep and os.altsep in fname):
        raise ValueError(
            f"{what}: `path` is a file name inside the cache folders, not a path; received "
            f"path={fname!r}. Set LAMINA_HOME to choose the cache folder."
        )
    archive_name = fname + "_archive" if extract else fname
    mine = os.path.join(lamina_folder(cache_subdir), fname)
    for folder in (lamina_folder(cache_subdir), keras_folder(cache_subdir)):
        archive = os.path.join(folder, archive_name)
        if not _valid(archive, file_hash):
            continue
        if not extract:
            return archive
        for extracted in (os.path.join(folder, fname), mine):
            if _complete(extracted, required):
                return extracted
        _extract_into(archive, mine)  # never write into Keras' own cache
        return mine

    source = origin(url)
    place = os.path.join(lamina_folder(cache_subdir), archive_name)
    hint = (
        f"To use the data offline, download {source} and save it as {place} "
        f"(or as {os.path.join(keras_folder(cache_subdir), archive_name)})."
    )
    if offline():
        raise file_utils.DownloadError(
            f"{what}: no cached copy of {archive_name} was found and LAMINA_OFFLINE is set, so "
            f"no download was tried. {hint}"
        )
    try:
        path = file_utils.get_file(
            fname, source, file_hash=file_hash, cache_subdir=cache_subdir,
            cache_dir=config.lamina_home(), extract=extract,
        )
    except file_utils.DownloadError as e:
        raise file_utils.DownloadError(f"{what}: {e} {hint}") from e
    if extract and not _complete(path, required):
        raise ValueError(
            f"{what}: the archive from {source} did not hold the expected files "
            f"{list(required)} (extracted to {path})."
        )
    return path
