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
