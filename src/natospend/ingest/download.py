"""One file over HTTP(S), to a folder, checked as it arrives: for `natospend update` only.

requests with urllib3's Retry (the two libraries pip itself depends on, kept by the PSF and the urllib3
team) gives timeouts, retries with back-off on a dropped connection or a 502/503/504, redirects and
proxies from the environment. Nothing here runs at import time.
"""

from __future__ import annotations

from pathlib import Path

import requests
from requests.adapters import HTTPAdapter
from tqdm import tqdm
from urllib3.util.retry import Retry

from natospend.errors import NatospendError

CONNECT_TIMEOUT_S = 5.0  # offline, a name that does not resolve fails at once; a silent host after this
READ_TIMEOUT_S = 60.0  # between two chunks of the body, not for the whole file
RETRIES = 2  # a dropped connection or a 502/503/504 is tried again after 0.5 s, then 1 s
MAX_BYTES = 300 << 20  # the largest file any publisher ships is the IMF's WEO, about 27 MB
CHUNK = 1 << 16


class DownloadError(NatospendError):
    """A file could not be fetched, or what arrived is not a whole file."""


def session() -> requests.Session:
    retry = Retry(
        total=RETRIES,
        connect=RETRIES,
        read=RETRIES,
        backoff_factor=0.5,
        status_forcelist=(502, 503, 504),
        allowed_methods=frozenset({"GET"}),
        raise_on_status=False,  # the last answer's status is reported below, in one line
    )
    adapter = HTTPAdapter(max_retries=retry)
    s = requests.Session()
    s.mount("http://", adapter)
    s.mount("https://", adapter)
    s.headers["User-Agent"] = "natospend-update (research software)"
    return s


def fetch(url: str, target: Path, *, progress: bool = False, label: str = "") -> Path:
    """GET `url` into `target`; refuses a web page where a data file was expected, an answer other than
    200, a body cut short of its Content-Length, and anything over MAX_BYTES."""
    received, expected = 0, None
    try:
        with session() as s, s.get(url, stream=True, timeout=(CONNECT_TIMEOUT_S, READ_TIMEOUT_S)) as answer:
            if answer.status_code != 200:
                moved = " (the file has moved or was withdrawn?)" if answer.status_code in (403, 404, 410) else ""
                raise DownloadError(f"{url} answered HTTP {answer.status_code} {answer.reason}{moved}")
            kind = answer.headers.get("Content-Type", "").split(";")[0].strip().lower()
            if kind in ("text/html", "application/xhtml+xml"):
                raise DownloadError(f"{url} sent a web page ({kind}), not the data file: its address may have changed")
            length = answer.headers.get("Content-Length", "")
            expected = int(length) if length.isdigit() else None
            if expected is not None and expected > MAX_BYTES:
                raise DownloadError(f"{url} is {expected:,} bytes, more than the {MAX_BYTES:,} any release needs")
            with (
                target.open("wb") as handle,
                tqdm(
                    total=expected,
                    unit="B",
                    unit_scale=True,
                    desc=label or target.name,
                    disable=not progress,
                    leave=False,
                ) as bar,
            ):
                for chunk in answer.iter_content(CHUNK):
                    received += len(chunk)
                    if received > MAX_BYTES:
                        raise DownloadError(f"{url} sent more than {MAX_BYTES:,} bytes: refused")
                    handle.write(chunk)
                    bar.update(len(chunk))
    except requests.exceptions.ChunkedEncodingError:
        of = f" of {expected:,}" if expected is not None else ""
        raise DownloadError(f"{url}: the download was cut short ({received:,}{of} bytes)") from None
    except requests.exceptions.ConnectionError as error:
        host = requests.utils.urlparse(url).hostname
        raise DownloadError(f"cannot reach {host} (no network, or the host is down): {_reason(error)}") from None
    except requests.exceptions.Timeout:
        raise DownloadError(f"{url} did not answer within {READ_TIMEOUT_S:g} s") from None
    except requests.exceptions.RequestException as error:
        raise DownloadError(f"{url}: {_reason(error)}") from None
    if expected is not None and received != expected:
        raise DownloadError(f"{url}: the download was cut short ({received:,} of {expected:,} bytes)")
    if received == 0:
        raise DownloadError(f"{url} sent an empty file")
    return target


def _reason(error: BaseException) -> str:
    """The innermost cause of a requests error, in a few words (its repr nests three exceptions)."""
    while error.__context__ is not None and error.__context__ is not error:
        error = error.__context__
    text = str(error).split(": ", 1)[-1] if ": " in str(error) else str(error)
    return (text or type(error).__name__)[:160]
