import time

import pytest

from clearinghouse.file_cache import UncompressedFileBasedCache


@pytest.fixture
def cache(tmp_path):
    return UncompressedFileBasedCache(str(tmp_path), {})


def test_a_stored_page_comes_back_byte_for_byte(cache):
    body = (1, b"\x1f\x8b" + bytes(range(256)) * 200)
    cache.set_many({"page": {"version": 1}, "page:gzip": body})
    assert cache.get_many(["page", "page:gzip", "missing"]) == {
        "page": {"version": 1},
        "page:gzip": body,
    }


def test_an_expired_page_is_gone(cache):
    cache.set("page", "old", timeout=1)
    assert cache.touch("page", timeout=0.01)
    time.sleep(0.05)
    assert cache.get("page") is None
    assert not cache.touch("page")


def test_touch_keeps_the_value_and_delete_removes_it(cache):
    cache.set("page", b"x" * 1000, timeout=60)
    assert cache.touch("page", timeout=120)
    assert cache.get("page") == b"x" * 1000
    cache.delete("page")
    assert cache.get("page", "absent") == "absent"


def test_a_damaged_file_is_a_miss_not_an_error(cache):
    cache.set("page", "fine")
    path = cache._key_to_file("page")
    with open(path, "r+b") as f:
        f.truncate(5)
    assert cache.get("page", "miss") == "miss"
    cache.set("page", "rendered again")
    assert cache.get("page") == "rendered again"


def test_files_of_djangos_own_file_cache_in_the_same_folder_are_left_alone(tmp_path):
    from django.core.cache.backends.filebased import FileBasedCache

    FileBasedCache(str(tmp_path), {}).set("page", "zlib-compressed")
    cache = UncompressedFileBasedCache(str(tmp_path), {})
    assert cache.get("page") is None
    cache.set("page", "new")
    assert cache.get("page") == "new"


def test_a_full_cache_makes_room_but_looks_at_its_folder_only_now_and_then(tmp_path, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr("clearinghouse.file_cache.time.monotonic", lambda: clock[0])
    cache = UncompressedFileBasedCache(
        str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 9, "CULL_FREQUENCY": 3}}
    )
    for number in range(30):
        cache.set(f"page-{number}", number)
    # Within one interval the folder was listed once, before the first write.
    assert len(cache._list_cache_files()) == 30

    clock[0] += cache.cull_check_seconds
    cache.set("page-new", "new")
    # A third of the 30 pages made room; the page just written is kept.
    assert len(cache._list_cache_files()) == 21
    assert cache.get("page-new") == "new"


def test_clearing_removes_only_page_files(tmp_path):
    cache = UncompressedFileBasedCache(str(tmp_path), {})
    cache.set_many({"a": 1, "b": 2})
    (tmp_path / "notes.txt").write_text("kept")
    cache.clear()
    assert cache.get_many(["a", "b"]) == {}
    assert (tmp_path / "notes.txt").read_text() == "kept"
