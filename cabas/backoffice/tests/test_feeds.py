"""Stock feeds: a file at a URL pulled on a schedule, all or nothing, its state kept."""

import datetime as dt
import http.server
import threading

import pytest
from django.utils import timezone

from cabas.backoffice.feeds.fetch import FeedFetchError, feed_fetch
from cabas.backoffice.feeds.services import FEED_TASK, feed_pull
from cabas.backoffice.models import StockFeed
from cabas.catalog.models import StockMovement
from cabas.tasks.models import Task
from cabas.tasks.services import tasks_drain

from .conftest import shop_url

pytestmark = pytest.mark.django_db

FILES: dict[str, tuple[int, bytes]] = {}


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        status, body = FILES.get(self.path, (404, b"absent"))
        self.send_response(status)
        self.send_header("Content-Type", "text/csv")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def feed_server(settings):
    settings.BACKOFFICE_FEEDS_ALLOW_PRIVATE = True
    server = http.server.HTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    FILES.clear()


def test_a_saved_feed_is_pulled_and_scheduled_again(shop, merchant, offer, feed_server):
    FILES["/stock.csv"] = (200, "Référence;Qté;Prix TTC\r\nCAFE-250;7;4,60\r\n".encode())
    response = merchant.post(
        shop_url("feed_save", shop),
        {"url": f"{feed_server}/stock.csv", "interval_minutes": "60", "is_active": "on"},
    )
    assert response.status_code == 302
    assert tasks_drain(worker_id="test") == 1
    offer.refresh_from_db()
    assert (offer.stock, offer.price_cents) == (7, 460)
    movement = StockMovement.objects.get()
    assert (movement.delta, movement.reason, movement.reference) == (
        -5,
        "sync",
        f"feed:{StockFeed.objects.get().pk}",
    )
    feed = StockFeed.objects.get()
    assert feed.last_status == "ok" and feed.last_message.startswith("1 article(s) mis à jour")
    following = Task.objects.get(name=FEED_TASK, status="queued")
    assert following.run_after - timezone.now() > dt.timedelta(minutes=59)
    page = merchant.get(shop_url("api_tokens", shop)).content.decode()
    assert "à jour" in page and "1 article(s) mis à jour" in page


def test_a_feed_with_a_bad_line_changes_nothing_and_says_why(shop, offer, merchant, feed_server):
    FILES["/stock.csv"] = (200, b"SKU;Stock\r\nCAFE-250;-2\r\nINCONNU;3\r\n")
    merchant.post(
        shop_url("feed_save", shop),
        {"url": f"{feed_server}/stock.csv", "interval_minutes": "15", "is_active": "on"},
    )
    tasks_drain(worker_id="test")
    feed = StockFeed.objects.get()
    assert feed.last_status == "failed"
    assert feed.last_message == "3 erreur(s) dans le fichier : rien n'a été modifié."
    assert [error["line"] for error in feed.last_errors] == [2, 3, 3]
    offer.refresh_from_db()
    assert offer.stock == 12 and not StockMovement.objects.exists()
    # Still scheduled: the merchant may fix the file
    assert Task.objects.filter(name=FEED_TASK, status="queued").count() == 1


def test_unreachable_feeds_record_the_server_answer(shop, merchant, feed_server):
    merchant.post(
        shop_url("feed_save", shop),
        {"url": f"{feed_server}/absent.csv", "interval_minutes": "60", "is_active": "on"},
    )
    tasks_drain(worker_id="test")
    feed = StockFeed.objects.get()
    assert feed.last_status == "failed" and feed.last_message.startswith("Le serveur a répondu 404")


def test_saving_again_makes_the_queued_pull_stale(shop, merchant, offer, feed_server):
    FILES["/a.csv"] = (200, b"SKU;Stock\r\nCAFE-250;1\r\n")
    merchant.post(
        shop_url("feed_save", shop),
        {"url": f"{feed_server}/a.csv", "interval_minutes": "60", "is_active": "on"},
    )
    first = Task.objects.get(name=FEED_TASK)
    merchant.post(
        shop_url("feed_save", shop), {"url": f"{feed_server}/a.csv", "interval_minutes": "60"}
    )
    assert feed_pull(**first.kwargs) == "stale"
    offer.refresh_from_db()
    assert offer.stock == 12


def test_private_addresses_and_other_schemes_are_refused(settings, shop, merchant):
    settings.BACKOFFICE_FEEDS_ALLOW_PRIVATE = False
    for url in (
        "http://127.0.0.1:8000/stock.csv",
        "http://localhost/stock.csv",
        "http://10.0.0.8/s.csv",
    ):
        with pytest.raises(FeedFetchError) as caught:
            feed_fetch(url)
        assert "réseau privé" in caught.value.message
    with pytest.raises(FeedFetchError):
        feed_fetch("file:///etc/passwd")
    response = merchant.post(
        shop_url("feed_save", shop),
        {"url": "ftp://example.org/stock.csv", "interval_minutes": "60"},
    )
    assert response.status_code == 400 and not StockFeed.objects.exists()
