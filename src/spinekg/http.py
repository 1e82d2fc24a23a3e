"""HTTP for remote SPARQL endpoints: credentials, timeouts, bounded retries, clear errors.

Every request spinekg sends to an endpoint goes through :class:`Transport`, so all
of them share one policy: an explicit timeout per attempt, at most ``retries``
further attempts with exponential back-off (honouring ``Retry-After``, within a
cap) on connection failures and on HTTP 429/5xx, TLS verification on by default,
and a :class:`~spinekg.errors.RemoteError` (exit code 3) that says what went
wrong: unreachable host:port, the HTTP status with the server's own message
(truncated), a timeout, or a malformed answer.

Credentials never come from the command line: ``SPINEKG_ENDPOINT_TOKEN`` (bearer)
or ``SPINEKG_ENDPOINT_USER`` + ``SPINEKG_ENDPOINT_PASSWORD`` (basic), else the
config file ``$XDG_CONFIG_HOME/spinekg/endpoints.toml`` (default
``~/.config/spinekg/endpoints.toml``), keyed by endpoint URL.
"""

from __future__ import annotations

import base64
import email.utils
import http.client
import os
import socket
import ssl
import time
import tomllib
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from .errors import InputError, RemoteError
from .terminal import printable

__all__ = [
    "MAX_RESPONSE_BYTES",
    "Auth",
    "Reply",
    "Transport",
    "config_path",
    "find_auth",
    "form_request",
    "max_response_bytes",
    "origin",
    "redact",
    "retry_after",
    "server_message",
    "where",
]

ENV_TOKEN = "SPINEKG_ENDPOINT_TOKEN"
ENV_USER = "SPINEKG_ENDPOINT_USER"
ENV_PASSWORD = "SPINEKG_ENDPOINT_PASSWORD"
#: Longest wait spinekg accepts between attempts, whatever ``Retry-After`` asks for.
MAX_DELAY = 30.0
#: How much of a server's error message is shown.
MESSAGE_CHARS = 300
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
#: Statuses that say the request was not processed, so even a non-idempotent one may be repeated.
UNPROCESSED_STATUSES = frozenset({429, 503})


@dataclass(frozen=True)
class Auth:
    """Credentials for an endpoint: HTTP basic (user and password) or a bearer token."""

    user: str | None = None
    password: str | None = field(default=None, repr=False)
    token: str | None = field(default=None, repr=False)

    def header(self) -> str:
        """:returns: the value of the ``Authorization`` header."""
        if self.token:
            return f"Bearer {self.token}"
        pair = f"{self.user}:{self.password or ''}".encode()
        return "Basic " + base64.b64encode(pair).decode("ascii")

    @classmethod
    def from_mapping(cls, data: Mapping[str, object], where: str) -> Auth:
        """:returns: credentials from ``user``/``password`` or ``token`` keys.
        :raises InputError: when both kinds, or neither, are given."""
        values = {k: data.get(k) for k in ("user", "password", "token")}
        if any(v is not None and not isinstance(v, str) for v in values.values()):
            raise InputError(f"{where}: user, password and token must be strings")
        user, password, token = (values[k] for k in ("user", "password", "token"))
        if token and (user or password):
            raise InputError(f"{where}: give either a token or a user and password, not both")
        if not token and not user:
            raise InputError(f"{where}: no credentials (need token, or user and password)")
        return cls(user=user, password=password, token=token)  # type: ignore[arg-type]


def config_path() -> Path:
    """:returns: the endpoints config file (``$XDG_CONFIG_HOME/spinekg/endpoints.toml``)."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "spinekg" / "endpoints.toml"


def origin(url: str) -> tuple[str, str, int]:
    """:returns: the origin of a URL: scheme, host (lower case) and port (the scheme's default when absent).

    >>> origin("HTTPS://Host.example/sparql"), origin("http://127.0.0.1:1907/x")
    (('https', 'host.example', 443), ('http', '127.0.0.1', 1907))
    """
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), port or (443 if scheme == "https" else 80)


def _applies(key: str, url: str) -> bool:
    """Whether a config key names ``url``: the same origin exactly, and a path that is ``url``'s or a folder above it."""
    if origin(key) != origin(url):
        return False
    base, path = urlsplit(key).path.rstrip("/"), urlsplit(url).path
    return not base or path == base or path.startswith(base + "/")


def find_auth(url: str, environ: Mapping[str, str] | None = None, config: Path | None = None) -> Auth | None:
    """Credentials for ``url``: the environment first, then the config file entry for the same origin
    (scheme, host and port, exactly) with the longest path above ``url``'s; None when there are none.

    A key for ``http://127.0.0.1:1907`` never applies to ``http://127.0.0.1:19073``, nor
    ``https://host`` to ``https://host.evil.net``.

    :raises InputError: for contradictory variables or a malformed config file.
    """
    env = os.environ if environ is None else environ
    given = {k: env[name] for k, name in (("user", ENV_USER), ("password", ENV_PASSWORD), ("token", ENV_TOKEN)) if env.get(name)}
    if given:
        return Auth.from_mapping(given, "environment")
    path = config or config_path()
    if not path.is_file():
        return None
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise InputError(f"{path}: cannot read endpoint credentials: {err}") from None
    keys = sorted((k for k in table if isinstance(table[k], dict) and _applies(k, url)), key=lambda k: len(urlsplit(k).path.rstrip("/")))
    return Auth.from_mapping(table[keys[-1]], f"{path} [{keys[-1]}]") if keys else None


@dataclass(frozen=True)
class Reply:
    """One HTTP answer, read completely.

    It offers ``read()``, ``info()`` and ``geturl()``, the response interface that
    SPARQLWrapper's ``QueryResult`` reads, so the answer is parsed by SPARQLWrapper itself.
    """

    status: int
    headers: Message
    body: bytes
    url: str

    def read(self) -> bytes:
        """:returns: the body."""
        return self.body

    def info(self) -> Message:
        """:returns: the response headers."""
        return self.headers

    def geturl(self) -> str:
        """:returns: the URL that answered."""
        return self.url


def form_request(url: str, fields: Mapping[str, str | None], accept: str | None = None) -> urllib.request.Request:
    """:returns: a SPARQL 1.1 Protocol request: POST with URL-encoded fields (``query=``/``update=``,
    ``default-graph-uri=``); the form every server answers (Virtuoso 7.2 ignores ``application/sparql-query`` bodies).

    :param fields: form fields; a None value is left out.
    :param accept: the media types asked for.
    """
    body = urllib.parse.urlencode([(k, v) for k, v in fields.items() if v is not None]).encode("utf-8")
    headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8", "User-Agent": "spinekg"}
    if accept:
        headers["Accept"] = accept
    return urllib.request.Request(url, data=body, method="POST", headers=headers)


def redact(url: str) -> str:
    """:returns: ``url`` for a message: no user or password, and no query string (it may hold an API key).

    >>> redact("https://user:secret@host/sparql?api_key=abc")
    'https://host/sparql?...'
    """
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "..." if parts.query else "", ""))


def where(url: str) -> str:
    """:returns: ``host:port`` of a URL, for messages."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return f"{parts.hostname}:{port}"


def server_message(body: bytes) -> str:
    """:returns: the start of a server's error text on one line, control characters escaped."""
    text = printable(" ".join(body.decode("utf-8", "replace").split()))
    return text if len(text) <= MESSAGE_CHARS else text[:MESSAGE_CHARS] + " ..."


def retry_after(value: str | None, now: float | None = None) -> float | None:
    """:returns: seconds from a ``Retry-After`` header (delay seconds or an HTTP date), or None."""
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


class _Attempt(Exception):
    """A failed attempt that may be retried; ``unprocessed`` when the server surely did nothing."""

    def __init__(self, error: RemoteError, *, unprocessed: bool, delay: float | None = None) -> None:
        super().__init__(str(error))
        self.error, self.unprocessed, self.delay = error, unprocessed, delay


class _NoRedirectWithBody(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only for a request without a body, to the same origin, over HTTP(S).

    urllib would turn a redirected POST into a GET without its body, and the 200 of the
    target would read as success ("pushed" when nothing was pushed).
    """

    def redirect_request(
        self, req: urllib.request.Request, fp: object, code: int, msg: str, headers: Message, newurl: str
    ) -> urllib.request.Request | None:
        from_url, to_url = redact(req.full_url), redact(newurl)
        if req.data is not None or req.get_method() not in ("GET", "HEAD"):
            raise RemoteError(f"{from_url} answered HTTP {code}, a redirect to {to_url}; a request with a body is never sent elsewhere")
        if urlsplit(newurl).scheme not in ("http", "https") or origin(newurl) != origin(req.full_url):
            raise RemoteError(
                f"{from_url} answered HTTP {code}, a redirect to {to_url}; only redirects within the same origin are followed"
            )
        return super().redirect_request(req, fp, code, msg, headers, newurl)  # type: ignore[arg-type]


#: The most a response body may hold, unless told otherwise (``SPINEKG_MAX_RESPONSE_MB``).
MAX_RESPONSE_BYTES = 256 << 20


def max_response_bytes() -> int:
    """:returns: the response size cap: ``$SPINEKG_MAX_RESPONSE_MB`` megabytes, else :data:`MAX_RESPONSE_BYTES`."""
    value = os.environ.get("SPINEKG_MAX_RESPONSE_MB")
    try:
        return int(float(value) * (1 << 20)) if value else MAX_RESPONSE_BYTES
    except ValueError:
        raise InputError(f"SPINEKG_MAX_RESPONSE_MB must be a number, got {value!r}") from None


class Transport:
    """Sends requests with one policy: a deadline and a size cap per attempt, bounded retries with
    back-off, credentials, TLS, and redirects only where nothing can be lost.

    :param auth: credentials added to every request (never forwarded on a redirect).
    :param timeout: seconds per attempt: connecting, and the whole answer (a server that drips bytes
        cannot hold the command past it).
    :param max_bytes: the largest answer accepted (default :func:`max_response_bytes`).
    :param retries: further attempts after the first; 0 disables retrying.
    :param backoff: first delay in seconds; it doubles with every retry, up to :data:`MAX_DELAY`.
    :param verify_tls: check the server's certificate and host name (on by default).
    :param sleep: how to wait (tests pass a recorder).
    """

    def __init__(
        self,
        *,
        auth: Auth | None = None,
        timeout: float = 30.0,
        retries: int = 3,
        backoff: float = 0.5,
        verify_tls: bool = True,
        sleep: Callable[[float], None] = time.sleep,
        max_bytes: int | None = None,
    ) -> None:
        if timeout <= 0 or retries < 0 or backoff < 0:
            raise InputError("timeout must be positive, retries and backoff not negative")
        self.auth, self.timeout, self.retries, self.backoff, self.sleep = auth, timeout, retries, backoff, sleep
        self.max_bytes = max_response_bytes() if max_bytes is None else max_bytes
        context = ssl.create_default_context()
        if not verify_tls:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        self._opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=context), _NoRedirectWithBody())
        self.attempts = 0

    def send(self, request: urllib.request.Request, *, idempotent: bool = True, retries: int | None = None) -> Reply:
        """Send ``request`` until it succeeds or the retries are used up.

        :param idempotent: False for requests that must not run twice; they are repeated
            only when the server surely did not process them (connection refused, 429, 503).
        :param retries: override the transport's retry count for this request.
        :raises RemoteError: with the last failure.
        """
        if self.auth is not None:
            request.add_unredirected_header("Authorization", self.auth.header())
        limit = self.retries if retries is None else retries
        for attempt in range(limit + 1):
            try:
                return self._once(request)
            except _Attempt as failed:
                if attempt == limit or not (idempotent or failed.unprocessed):
                    raise self._final(failed.error, attempt + 1) from None
                self.sleep(self._delay(attempt, failed))
        raise AssertionError("unreachable")  # pragma: no cover

    def _delay(self, attempt: int, failed: _Attempt) -> float:
        if failed.delay is not None and failed.delay > MAX_DELAY:
            raise RemoteError(
                f"{failed.error} (the server asks to retry after {failed.delay:.0f} s; spinekg waits at most {MAX_DELAY:.0f} s)"
            )
        return failed.delay if failed.delay is not None else min(self.backoff * 2**attempt, MAX_DELAY)

    @staticmethod
    def _final(error: RemoteError, attempts: int) -> RemoteError:
        return RemoteError(f"{error} (after {attempts} attempts)") if attempts > 1 else error

    def _once(self, request: urllib.request.Request) -> Reply:
        self.attempts += 1
        url = request.full_url
        deadline = time.monotonic() + self.timeout
        if hasattr(request.data, "seek"):
            request.data.seek(0)  # type: ignore[union-attr]  # a file body is sent again from its start
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                return Reply(response.status, response.headers, self._body(response, url, deadline), url)
        except urllib.error.HTTPError as err:
            raise self._http_error(err, url) from None
        except urllib.error.URLError as err:
            raise self._connection_error(err.reason, url) from None
        except TimeoutError:
            raise RemoteError(f"no answer from {redact(url)} within {self.timeout:g} s (timeout)") from None
        except (http.client.HTTPException, ConnectionError) as err:
            raise _Attempt(
                RemoteError(f"connection to {where(url)} broke during the request to {redact(url)}: {printable(repr(err))}"),
                unprocessed=False,
            ) from None

    def _body(self, response: http.client.HTTPResponse, url: str, deadline: float) -> bytes:
        """:returns: the whole body, read as it arrives.
        :raises RemoteError: past the attempt's deadline, or beyond the size cap."""
        chunks, size = [], 0
        while chunk := response.read1(1 << 16):
            size += len(chunk)
            if size > self.max_bytes:
                raise RemoteError(
                    f"the answer from {redact(url)} is larger than {self.max_bytes >> 20} MB (SPINEKG_MAX_RESPONSE_MB sets the cap)"
                )
            if time.monotonic() > deadline:
                raise RemoteError(f"no complete answer from {redact(url)} within {self.timeout:g} s (timeout)")
            chunks.append(chunk)
        return b"".join(chunks)

    def _http_error(self, err: urllib.error.HTTPError, url: str) -> Exception:
        body = err.read() if err.fp is not None else b""
        text = f"HTTP {err.code} {printable(str(err.reason))} from {redact(url)}"
        message = server_message(body)
        error = RemoteError(f"{text}: {message}" if message else text)
        if err.code in (401, 403):
            return RemoteError(f"{error} (credentials come from ${ENV_TOKEN}, ${ENV_USER}/${ENV_PASSWORD} or {config_path()})")
        if err.code in RETRY_STATUSES:
            return _Attempt(error, unprocessed=err.code in UNPROCESSED_STATUSES, delay=retry_after(err.headers.get("Retry-After")))
        return error

    def _connection_error(self, reason: object, url: str) -> Exception:
        if isinstance(reason, TimeoutError):
            return RemoteError(f"no answer from {redact(url)} within {self.timeout:g} s (timeout)")
        if isinstance(reason, ssl.SSLError):
            return RemoteError(f"TLS failure talking to {where(url)}: {reason}")
        if isinstance(reason, ConnectionRefusedError):
            return _Attempt(RemoteError(f"cannot reach {where(url)}: connection refused ({redact(url)})"), unprocessed=True)
        if isinstance(reason, socket.gaierror):
            return RemoteError(f"cannot reach {where(url)}: unknown host ({redact(url)})")
        return _Attempt(RemoteError(f"cannot reach {where(url)}: {printable(str(reason))} ({redact(url)})"), unprocessed=False)
