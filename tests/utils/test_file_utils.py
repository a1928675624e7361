import hashlib
import os
import tarfile
import time
import zipfile

import pytest

from lamina.utils import file_utils
from lamina.utils.file_utils import DownloadError, get_file, hash_file, validate_file

DEAD_URL = "http://127.0.0.1:9/data/thing.bin"  # port 9 (discard) refuses at once


def put(path, data=b"hello"):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    return path


def read(path, mode="r"):
    with open(path, mode) as f:
        return f.read()


def test_hash_and_validate(tmp_path):
    path = put(str(tmp_path / "f"))
    sha, md5 = hashlib.sha256(b"hello").hexdigest(), hashlib.md5(b"hello").hexdigest()
    assert hash_file(path) == sha and hash_file(path, "md5") == md5
    assert validate_file(path, sha) and validate_file(path, md5)
    assert not validate_file(path, "0" * 64)


def test_cached_file_with_matching_hash_is_not_downloaded(tmp_path):
    cached = put(str(tmp_path / "datasets" / "thing.bin"))
    sha = hashlib.sha256(b"hello").hexdigest()
    assert get_file("thing.bin", DEAD_URL, file_hash=sha, cache_dir=str(tmp_path)) == cached
    # The name defaults to the URL's last part; no hash means any cached copy is fine.
    assert get_file(origin=DEAD_URL, cache_dir=str(tmp_path)) == cached


def test_md5_hash_argument(tmp_path):
    cached = put(str(tmp_path / "datasets" / "thing.bin"))
    md5 = hashlib.md5(b"hello").hexdigest()
    assert get_file("thing.bin", DEAD_URL, md5_hash=md5, cache_dir=str(tmp_path)) == cached


def test_default_cache_dir_is_lamina_home(tmp_path, monkeypatch):
    monkeypatch.setenv("LAMINA_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("KERAS_HOME", raising=False)  # when set, it is the default (as Keras)
    cached = put(str(tmp_path / "home" / "datasets" / "thing.bin"))
    assert get_file("thing.bin", DEAD_URL) == cached


def test_offline_error_names_url_and_cache(tmp_path):
    start = time.time()
    with pytest.raises(DownloadError) as info:
        get_file("thing.bin", DEAD_URL, cache_dir=str(tmp_path))
    assert time.time() - start < 5
    message = str(info.value)
    assert DEAD_URL in message and str(tmp_path / "datasets" / "thing.bin") in message
    assert not os.listdir(tmp_path / "datasets")  # no partial or temporary file left


def test_stale_cached_file_triggers_download(tmp_path, capsys):
    put(str(tmp_path / "datasets" / "thing.bin"), b"old")
    sha = hashlib.sha256(b"hello").hexdigest()
    with pytest.raises(DownloadError, match="an invalid one"):
        get_file("thing.bin", DEAD_URL, file_hash=sha, cache_dir=str(tmp_path))
    assert "hash does not match" in capsys.readouterr().out


def test_download_from_file_url_and_hash_check(tmp_path):
    source = put(str(tmp_path / "src" / "payload.bin"), b"payload")
    url = "file://" + source
    sha = hashlib.sha256(b"payload").hexdigest()
    path = get_file("p.bin", url, file_hash=sha, cache_dir=str(tmp_path / "cache"))
    assert read(path, "rb") == b"payload"
    with pytest.raises(ValueError, match="corrupted"):
        get_file("q.bin", url, file_hash="0" * 64, cache_dir=str(tmp_path / "cache"))
    assert not os.path.exists(tmp_path / "cache" / "datasets" / "q.bin")


def test_force_download(tmp_path):
    put(str(tmp_path / "datasets" / "thing.bin"))
    with pytest.raises(DownloadError):
        get_file("thing.bin", DEAD_URL, cache_dir=str(tmp_path), force_download=True)


def test_extract_tar_and_zip(tmp_path):
    src = put(str(tmp_path / "src" / "a.txt"), b"A")
    with tarfile.open(tmp_path / "src" / "arch.tar.gz", "w:gz") as t:
        t.add(src, arcname="a.txt")
    with zipfile.ZipFile(tmp_path / "src" / "arch.zip", "w") as z:
        z.write(src, arcname="a.txt")
    cache = str(tmp_path / "cache")
    out = get_file(
        "arch.tar.gz",
        "file://" + str(tmp_path / "src" / "arch.tar.gz"),
        extract=True,
        cache_dir=cache,
    )
    assert out.endswith("arch_extracted") and read(os.path.join(out, "a.txt")) == "A"
    out = get_file(
        "z", "file://" + str(tmp_path / "src" / "arch.zip"), extract=True, cache_dir=cache
    )
    assert read(os.path.join(out, "a.txt")) == "A"


def test_fname_with_path_is_refused(tmp_path):
    with pytest.raises(ValueError, match="cache_dir"):
        get_file("a/b.bin", DEAD_URL, cache_dir=str(tmp_path))


def test_origin_required():
    with pytest.raises(ValueError, match="origin"):
        get_file("x")


def test_unsafe_archive_members_are_skipped(tmp_path):
    arch = tmp_path / "evil.zip"
    with zipfile.ZipFile(arch, "w") as z:
        z.writestr("../escape.txt", "x")
        z.writestr("ok.txt", "y")
    with pytest.warns(UserWarning, match="Skipping invalid path"):
        assert file_utils.extract_archive(str(arch), str(tmp_path / "out"))
    assert os.path.exists(tmp_path / "out" / "ok.txt")
    assert not os.path.exists(tmp_path / "escape.txt")
