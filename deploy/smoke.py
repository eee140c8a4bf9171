"""Smoke test of the production stack on loopback: PostgreSQL + two gunicorn + nginx.

    .venv/bin/python deploy/smoke.py [--url postgres://postgres@127.0.0.1:5432/postgres]

Builds a throw-away database ``cabas_smoke``, runs the production steps of deploy/README.md
(migrate, collectstatic with hashed and compressed files, demo data), starts two gunicorn
instances with ``cabas/gunicorn.conf.py`` and nginx with ``deploy/nginx/cabas-site.conf``
(the production include) on free loopback ports, plus the task worker, then walks a
shopper through nginx: health check, home page, a hashed static file (cache headers and
gzip), a product page, add to cart, checkout, confirmation with the pickup code, the
order email leaving through the task queue. The cart follows the shopper from one
instance to the other (sessions in PostgreSQL, read through Redis). Exits non-zero with
the reason on the first failure; stops everything it started.
"""

from __future__ import annotations

import argparse
import gzip
import http.cookiejar
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB_NAME = "cabas_smoke"
PYTHON = str(ROOT / ".venv" / "bin" / "python")


class SmokeFailure(Exception):
    pass


def check(condition: bool, message: str) -> None:
    if not condition:
        raise SmokeFailure(message)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url(base: str, name: str) -> str:
    head, _sep, _tail = base.rpartition("/")
    return f"{head}/{name}"


def recreate_database(base_url: str) -> None:
    import psycopg

    with psycopg.connect(base_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')


def manage(env: dict, *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)  # noqa: S603


class Forms(HTMLParser):
    """Every <form> of a page: action, method and its fields with their default values."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self._current: dict | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attr = dict(attrs)
        if tag == "form":
            self._current = {
                "action": attr.get("action") or "",
                "method": (attr.get("method") or "get").lower(),
                "fields": {},
            }
            self.forms.append(self._current)
        elif self._current is not None and tag in {"input", "button"}:
            name = attr.get("name")
            kind = (attr.get("type") or "text").lower()
            if not name or (kind in {"submit", "button"} and tag == "button"):
                return
            if kind in {"radio", "checkbox"}:
                if "checked" in attr:
                    self._current["fields"][name] = attr.get("value", "on")
                elif kind == "radio":
                    self._current["fields"].setdefault(name, attr.get("value", "on"))
            elif kind != "submit":
                self._current["fields"][name] = attr.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None


def forms_of(html: str) -> list[dict]:
    parser = Forms()
    parser.feed(html)
    return parser.forms


class Browser:
    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str, headers: dict | None = None, base: str | None = None):
        url = (base or self.base) + path
        check(url.startswith("http://127.0.0.1:"), f"smoke stays on loopback: {url}")
        request = urllib.request.Request(url, headers=headers or {})  # noqa: S310
        return self._open(request)

    def post(self, path: str, data: dict, base: str | None = None):
        body = urllib.parse.urlencode(data).encode()
        url = (base or self.base) + path
        check(url.startswith("http://127.0.0.1:"), f"smoke stays on loopback: {url}")
        request = urllib.request.Request(url, data=body, method="POST")  # noqa: S310
        return self._open(request)

    def _open(self, request):
        try:
            response = self.opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:
            response = error
        raw = response.read()
        if response.headers.get("Content-Encoding") == "gzip":
            raw = gzip.decompress(raw)
        return response.status, response.headers, raw.decode("utf-8", errors="replace"), response


def pick_offer(env: dict) -> tuple[str, int]:
    """A product page and an offer that can be bought for pickup today or soon."""
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cabas.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.urls import reverse
    from django.utils import timezone

    from cabas.catalog.models import Offer
    from cabas.fulfilment.errors import FulfilmentError
    from cabas.fulfilment.selectors import choose_slot, fulfilment_for_shops

    now = timezone.now()
    candidates = (
        Offer.objects.filter(
            is_active=True, stock__gte=3, shop__offers_click_collect=True, shop__status="approved"
        )
        .select_related("shop__territory", "product")
        .order_by("pk")[:200]
    )
    for offer in candidates:
        view = fulfilment_for_shops([offer.shop], now=now)[offer.shop_id]
        try:
            choose_slot(view, option_key=None, slot_start=None, now=now)
        except FulfilmentError:
            continue
        path = reverse(
            "web:product_detail",
            kwargs={"territory": offer.shop.territory.slug, "product_id": offer.product.pk},
        )
        return path, offer.pk
    raise SmokeFailure("no offer of the demo data can be bought for pickup")


def journey(front: str, instances: list[str], env: dict) -> list[str]:
    done = []
    shopper = Browser(front)

    status, _h, body, _r = shopper.get("/healthz")
    check(status == 200 and '"ok"' in body, f"/healthz through nginx: {status} {body[:200]}")
    done.append("health check 200 through nginx")

    status, headers, body, _r = shopper.get("/", {"Accept-Encoding": "gzip"})
    check(status == 200, f"home page: {status}")
    check(headers.get("Content-Encoding") == "gzip", "home page not compressed by nginx")
    css = re.search(r'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', body)
    check(css is not None, "no hashed stylesheet on the home page (collectstatic manifest)")
    status, headers, _b, _r = shopper.get(css.group(1), {"Accept-Encoding": "gzip"})
    check(status == 200, f"static file: {status}")
    check("immutable" in (headers.get("Cache-Control") or ""), "static file not cached")
    check(headers.get("Content-Encoding") == "gzip", "static file not sent pre-compressed")
    done.append("home page gzip; hashed static file immutable and pre-compressed")

    # Sign up through one instance, carry on through the other: one session store.
    status, _h, body, _r = shopper.get("/compte/inscription/", base=instances[0])
    signup = next((f for f in forms_of(body) if "password1" in f["fields"]), None)
    check(status == 200 and signup is not None, f"sign-up page: {status}")
    password = secrets.token_urlsafe(12)
    fields = dict(
        signup["fields"], email="smoke@example.org", password1=password, password2=password
    )
    status, _h, body, _r = shopper.post(
        signup["action"] or "/compte/inscription/", fields, base=instances[0]
    )
    check(status == 200, f"sign-up: {status}")
    status, _h, body, _r = shopper.get("/", base=instances[1])
    check("/compte/deconnexion/" in body, "signed up on one instance, anonymous on the other")
    done.append("signed up through one instance, signed in on the other")

    product_path, offer_id = pick_offer(env)
    # Visitors without a session share the rendered page through Redis, whichever instance
    # answers (cabas/web/page_cache.py), each with a CSRF token of their own. A page is
    # kept for its minute only: a later visit may fall in the next one, hence the tries.
    answers = [Browser(front).get(product_path, base=instances[0])]
    for attempt in range(3):
        answers.append(Browser(front).get(product_path, base=instances[attempt % 2 - 1]))
        if answers[-1][1].get("Age") is not None:
            break
    check(all(a[0] == 200 for a in answers), f"anonymous product page: {answers[-1][0]}")
    check(answers[-1][1].get("Age") is not None, "anonymous page never served from the cache")
    tokens = {
        re.search(r'name="csrfmiddlewaretoken" value="(\w+)"', a[2]).group(1) for a in answers
    }
    check(len(tokens) == len(answers), "two visitors were given the same CSRF token")
    done.append("anonymous product page shared between instances, a CSRF token each")

    status, headers, body, _r = shopper.get(product_path)
    check(status == 200, f"product page {product_path}: {status}")
    check(headers.get("Age") is None, "a signed-in shopper was served the shared page")
    add = next((f for f in forms_of(body) if f["action"].endswith("/panier/ajouter/")), None)
    check(add is not None, "no add-to-cart form on the product page")
    fields = dict(add["fields"], offer_id=str(offer_id), quantity="1")
    status, _h, body, _r = shopper.post(add["action"], fields)
    check(status == 200, f"add to cart: {status}")
    done.append(f"product page and add to cart (offer {offer_id})")

    # The cart lives in the session: every instance sees it.
    for instance in instances:
        status, _h, body, _r = shopper.get("/panier/", base=instance)
        check(status == 200 and "/commandes/valider/" in body, f"cart empty on {instance}")
    done.append(f"cart seen by each of the {len(instances)} instances (shared sessions)")

    status, _h, body, _r = shopper.get("/commandes/valider/")
    check(status == 200, f"checkout page: {status}")
    form = next(
        (f for f in forms_of(body) if f["method"] == "post" and "email" in f["fields"]), None
    )
    check(form is not None, "no checkout form")
    fields = dict(form["fields"], email="smoke@example.org", phone="0612345678", name="Smoke")
    status, _h, body, response = shopper.post(form["action"] or "/commandes/valider/", fields)
    check(
        status == 200 and "/commandes/suivi/" in response.url, f"checkout: {status} {response.url}"
    )
    code = re.search(r"\b[A-HJ-NP-Z2-9]{6}\b", body)
    check(code is not None, "no pickup code on the confirmation page")
    done.append(f"checkout placed, confirmation with pickup code {code.group(0)}")
    return done


def wait_for_email(timeout: float = 60) -> None:
    from cabas.notifications.services import ORDER_EMAIL_TASK
    from cabas.tasks.models import Task, TaskStatus

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        emails = Task.objects.filter(name=ORDER_EMAIL_TASK)
        check(not emails.filter(status=TaskStatus.FAILED).exists(), "an order email failed")
        if emails.exists() and not emails.exclude(status=TaskStatus.DONE).exists():
            return
        time.sleep(0.5)
    raise SmokeFailure("the task worker did not send the order emails")


NGINX_CONF = """
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {tmp}/access.log;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    upstream cabas {{
        {servers}
        keepalive 8;
    }}
    server {{
        listen 127.0.0.1:{port};
        server_name 127.0.0.1;
        set $cabas_var {var};
        include {root}/deploy/nginx/cabas-site.conf;
    }}
}}
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--url",
        default=os.environ.get("SMOKE_DATABASE_URL")
        or "postgres://postgres@127.0.0.1:5432/postgres",
    )
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/15")
    args = parser.parse_args()
    nginx = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if nginx is None:
        raise SystemExit("smoke: nginx is not installed (apt-get install nginx)")

    recreate_database(args.url)
    tmp = Path(tempfile.mkdtemp(prefix="cabas-smoke-"))
    tmp.chmod(0o755)  # nginx's workers (www-data when started as root) read the static files
    var = tmp / "var"
    (var / "media").mkdir(parents=True)
    env = {
        **os.environ,
        "DATABASE_URL": database_url(args.url, DB_NAME),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "STATIC_MANIFEST": "1",
        "STATIC_ROOT": str(var / "static"),
        "MEDIA_ROOT": str(var / "media"),
        "REDIS_URL": args.redis,
        "SECURE_COOKIES": "0",
        "EMAIL_URL": "locmem:",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "GUNICORN_WORKERS": "1",
        "GUNICORN_THREADS": "2",
    }
    processes: list[subprocess.Popen] = []
    started = time.monotonic()
    try:
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "collectstatic", "--noinput", "-v0")
        manage(env, "load_demo")
        ports = [free_port(), free_port()]
        for port in ports:
            processes.append(
                subprocess.Popen(  # noqa: S603 (our own gunicorn, fixed arguments)
                    [
                        str(ROOT / ".venv" / "bin" / "gunicorn"),
                        "-c",
                        "cabas/gunicorn.conf.py",
                        "cabas.wsgi:application",
                    ],
                    cwd=ROOT,
                    env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
                )
            )
        processes.append(
            subprocess.Popen([PYTHON, "manage.py", "run_tasks"], cwd=ROOT, env=env)  # noqa: S603
        )
        front = free_port()
        servers = "\n        ".join(f"server 127.0.0.1:{p};" for p in ports)
        conf = tmp / "nginx.conf"
        conf.write_text(NGINX_CONF.format(tmp=tmp, servers=servers, port=front, var=var, root=ROOT))
        subprocess.run([nginx, "-t", "-q", "-p", str(tmp), "-c", str(conf)], check=True)  # noqa: S603
        processes.append(
            subprocess.Popen([nginx, "-p", str(tmp), "-c", str(conf), "-g", "daemon off;"])  # noqa: S603
        )
        instances = [f"http://127.0.0.1:{p}" for p in ports]
        for url in [*instances, f"http://127.0.0.1:{front}"]:
            deadline = time.monotonic() + 60
            while True:
                try:
                    urllib.request.urlopen(url + "/healthz", timeout=2)  # noqa: S310 (loopback)
                    break
                except (OSError, urllib.error.URLError):
                    if time.monotonic() > deadline:
                        raise SmokeFailure(f"{url} did not answer") from None
                    time.sleep(0.3)
        done = journey(f"http://127.0.0.1:{front}", instances, env)
        wait_for_email()
        done.append("order emails sent by the task worker")
    except (SmokeFailure, subprocess.CalledProcessError) as failure:
        print(f"smoke: FAILED — {failure}", file=sys.stderr)
        log = tmp / "error.log"
        if log.exists():
            print(log.read_text()[-2000:], file=sys.stderr)
        sys.exit(1)
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(tmp, ignore_errors=True)
    for line in done:
        print(f"smoke: ok — {line}")
    print(f"smoke: the production stack works ({time.monotonic() - started:.0f} s)")


if __name__ == "__main__":
    main()
