"""Django's file cache without its zlib layer, for the page cache on one host.

The page cache stores bodies already compressed with gzip and brotli; zlib over them
saves nothing and its decompression was a fifth of a cached answer's time.

Like Django's own file cache it unpickles what it reads: the folder must be writable by
the site alone (Django creates it 0700; PAGE_CACHE_DIR in production points at the
app's own volume or a tmpfs, not a shared temp directory)."""

import os
import pickle
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache
from django.core.files import locks


class UncompressedFileBasedCache(FileBasedCache):
    # Its own suffix: files that FileBasedCache wrote (zlib) in the same folder, as an
    # upgraded site has, are never read as this format, and clear() leaves them be.
    cache_suffix = ".page"
    # Django lists the whole folder before every write to see whether it is over
    # MAX_ENTRIES: 4 ms at a thousand pages and growing with every distinct search, on
    # each file a new page writes. Looking once in a while instead lets the
    # folder run past the limit by at most what is written in between.
    cull_check_seconds = 30

    def __init__(self, dir, params):
        super().__init__(dir, params)
        self._next_cull_check = 0.0

    def _cull(self):
        now = time.monotonic()
        if now < self._next_cull_check:
            return
        self._next_cull_check = now + self.cull_check_seconds
        super()._cull()

    def _list_cache_files(self):
        # os.scandir rather than glob: a tenth of the time on a large folder.
        with os.scandir(self._dir) as entries:
            return [entry.path for entry in entries if entry.name.endswith(self.cache_suffix)]

    def get(self, key, default=None, version=None):
        try:
            with open(self._key_to_file(key, version), "rb") as f:
                if not self._is_expired(f):
                    return pickle.load(f)  # noqa: S301 (written by this site only)
        except FileNotFoundError:
            pass
        except (pickle.UnpicklingError, EOFError, ValueError):
            # A file cut short (a full disk) is a miss, never a 500: the page renders again.
            self.delete(key, version)
        return default

    def _write_content(self, file, timeout, value):
        file.write(pickle.dumps(self.get_backend_timeout(timeout), self.pickle_protocol))
        file.write(pickle.dumps(value, self.pickle_protocol))

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            with open(self._key_to_file(key, version), "r+b") as f:
                try:
                    locks.lock(f, locks.LOCK_EX)
                    if self._is_expired(f):
                        return False
                    value = pickle.load(f)  # noqa: S301 (written by this site only)
                    f.seek(0)
                    self._write_content(f, timeout, value)
                    f.truncate()
                    return True
                finally:
                    locks.unlock(f)
        except FileNotFoundError:
            return False
