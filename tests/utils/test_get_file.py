"""get_file against a local HTTP server: progress bar, hash checks and re-downloads,
KERAS_HOME and Keras' cache, force_download, and safe extraction of tar and zip archives."""

import functools
import hashlib
import http.server
import io
import os
import pathlib
import tarfile
import threading
import zipfile

import pytest

from lamina.utils.file_utils import extract_archive, get_file


@pytest.fixture
def server(tmp_path):
    root = tmp_path / "www"
    root.mkdir()
    hits = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            hits.append(self.path)

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                            functools.partial(Handler, directory=str(root)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield root, f"http://127.0.0.1:{httpd.server_address[1]}/", hits
    httpd.shutdown()
    httpd.server_close()


def sha(data):
    return hashlib.sha256(data).hexdigest()


def test_download_progress_hash_and_redownload(server, tmp_path, capsys):
    root, url, hits = server
    payload = os.urandom(3 << 20)  # three 1 MB chunks: the bar moves
    (root / "blob.bin").write_bytes(payload)
    cache = str(tmp_path / "cache")
    path = get_file("blob.bin", url + "blob.bin", file_hash=sha(payload), cache_dir=cache)
    assert pathlib.Path(path).read_bytes() == payload and hits == ["/blob.bin"]
    out = capsys.readouterr().out
    assert "Downloading data from" in out and f"{len(payload)}/{len(payload)}" in out
    assert get_file("blob.bin", url + "blob.bin", file_hash=sha(payload), cache_dir=cache) == path
    assert hits == ["/blob.bin"]  # cached: no second request
    with open(path, "r+b") as f:
        f.write(b"corrupt")
    get_file("blob.bin", url + "blob.bin", file_hash=sha(payload), cache_dir=cache)
    assert hits == ["/blob.bin"] * 2 and pathlib.Path(path).read_bytes() == payload
    assert "hash does not match" in capsys.readouterr().out
    get_file("blob.bin", url + "blob.bin", cache_dir=cache, force_download=True)
    assert len(hits) == 3
    md5 = hashlib.md5(payload).hexdigest()
    assert get_file("blob.bin", url + "blob.bin", md5_hash=md5, cache_dir=cache) == path
    with pytest.raises(ValueError, match="corrupted"):
        get_file("other.bin", url + "blob.bin", file_hash="1" * 64, cache_dir=cache)
    assert not os.path.exists(os.path.join(cache, "datasets", "other.bin"))


def test_keras_home_and_keras_cache_in_place(server, tmp_path, monkeypatch):
    root, url, hits = server
    (root / "f.txt").write_bytes(b"x")
    monkeypatch.setenv("LAMINA_HOME", str(tmp_path / "lamina"))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    path = get_file("f.txt", url + "f.txt", cache_subdir="stuff")
    assert path == str(tmp_path / "keras" / "stuff" / "f.txt")  # KERAS_HOME set: used, as Keras
    monkeypatch.delenv("KERAS_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    keras_copy = tmp_path / "home" / ".keras" / "datasets" / "k.txt"
    keras_copy.parent.mkdir(parents=True)
    keras_copy.write_bytes(b"from keras")
    assert get_file("k.txt", url + "k.txt", file_hash=sha(b"from keras")) == str(keras_copy)
    assert hits == ["/f.txt"]
    absolute = tmp_path / "abs"
    assert get_file("f.txt", url + "f.txt", cache_subdir=str(absolute)) == str(absolute / "f.txt")


def make_tar(path, members, mode="w:gz"):
    with tarfile.open(path, mode) as tar:
        for info, data in members:
            tar.addfile(info, io.BytesIO(data) if data is not None else None)


def file_info(name, data):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    return info, data


def link_info(name, target, kind=tarfile.SYMTYPE):
    info = tarfile.TarInfo(name)
    info.type, info.linkname = kind, target
    return info, None


def test_extract_returns_folder_as_keras(server, tmp_path):
    root, url, _ = server
    make_tar(root / "photos.tgz", [file_info("photos/a.txt", b"A")])
    cache = str(tmp_path / "cache")
    # A name without a dot: the folder is the name, the archive "<name>_archive" (Keras 3).
    out = get_file("photos", url + "photos.tgz", extract=True, cache_dir=cache)
    assert out == os.path.join(cache, "datasets", "photos")
    assert os.path.isfile(os.path.join(cache, "datasets", "photos_archive"))
    assert pathlib.Path(out, "photos", "a.txt").read_text() == "A"
    # A name with a dot: "<stem>_extracted"; no name: the URL's file name is the folder.
    out = get_file("p.tar.gz", url + "photos.tgz", extract=True, cache_dir=cache)
    assert out.endswith("p_extracted")
    out = get_file(origin=url + "photos.tgz", extract=True, cache_dir=cache)
    assert out == os.path.join(cache, "datasets", "photos.tgz")
    out = get_file("u", url + "photos.tgz", untar=True, cache_dir=cache)
    assert os.path.isfile(os.path.join(out, "photos", "a.txt"))


def test_tar_members_leaving_the_folder_are_skipped(tmp_path):
    arch = tmp_path / "evil.tar"
    make_tar(arch, [
        file_info("ok/good.txt", b"good"),
        file_info("../escape.txt", b"x"),
        file_info("/tmp/absolute_lamina_test.txt", b"x"),
        link_info("ok/inside_link", "good.txt"),
        link_info("ok/out_link", "../../outside"),
        link_info("ok/abs_link", "/etc/passwd"),
        link_info("ok/hard_out", "../../outside", tarfile.LNKTYPE),
    ], mode="w")
    out = tmp_path / "out"
    with pytest.warns(UserWarning, match="Skipping invalid path") as record:
        assert extract_archive(str(arch), str(out))
    skipped = " ".join(str(w.message) for w in record)
    for name in ("../escape.txt", "absolute_lamina_test", "out_link", "abs_link", "hard_out"):
        assert name in skipped
    assert (out / "ok" / "good.txt").read_text() == "good"
    assert os.readlink(out / "ok" / "inside_link") == "good.txt"
    assert not (out / "ok" / "out_link").exists() and not (tmp_path / "escape.txt").exists()
    assert not os.path.exists("/tmp/absolute_lamina_test.txt")


def test_zip_absolute_and_dotdot_members_are_skipped(tmp_path):
    arch = tmp_path / "evil.zip"
    with zipfile.ZipFile(arch, "w") as z:
        z.writestr("a/ok.txt", "y")
        z.writestr("a/../../up.txt", "x")
    with pytest.warns(UserWarning, match="up.txt"):
        assert extract_archive(str(arch), str(tmp_path / "out"))
    assert (tmp_path / "out" / "a" / "ok.txt").read_text() == "y"
    assert not (tmp_path / "up.txt").exists()
    assert not extract_archive(str(arch), str(tmp_path / "o2"), archive_format="tar")
    assert not extract_archive(str(arch), str(tmp_path / "o3"), archive_format=None)
    with pytest.raises(ValueError, match="archive_format"):
        extract_archive(str(arch), str(tmp_path / "o4"), archive_format="rar")
