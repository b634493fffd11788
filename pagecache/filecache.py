"""Django's file cache, less its zlib layer, for the pages of one host.

The page cache stores bodies that are already brotli or gzip: zlib saves nothing on them,
and inflating them again on every hit was most of what a hit of a large page cost (see
the README's "Performance"). Only the public methods that read or write a value are
overridden; the file layout (the expiry, then the pickled value) and every private
helper are Django's own. The page cache never calls `touch()`, whose zlib copy would read
here as a damaged file: a miss. Its own suffix keeps it from reading Django's zlib files, should
both ever share a folder.

Like Django's file cache it unpickles what it reads: the folder must be writable by the
site alone (Django creates it 0700).
"""

import os
import pickle
import tempfile

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache
from django.core.files.move import file_move_safe


class PageFileCache(FileBasedCache):
    cache_suffix = ".page"

    def get(self, key, default=None, version=None):
        try:
            with open(self._key_to_file(key, version), "rb") as f:
                if not self._is_expired(f):
                    return pickle.load(f)  # noqa: S301 (written by this site only)
        except FileNotFoundError:
            pass
        except (EOFError, pickle.UnpicklingError):
            # A file cut short (a full disk) is a miss, never an error: the page renders again.
            self.delete(key, version)
        return default

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._createdir()  # The folder can be deleted at any time.
        name = self._key_to_file(key, version)
        self._cull()
        fd, temporary = tempfile.mkstemp(dir=self._dir)
        try:
            with open(fd, "wb") as f:
                pickle.dump(self.get_backend_timeout(timeout), f, self.pickle_protocol)
                pickle.dump(value, f, self.pickle_protocol)
            file_move_safe(temporary, name, allow_overwrite=True)
        except BaseException:
            os.remove(temporary)
            raise
