"""The home page and what every page shares."""

from __future__ import annotations

import re

from flask.testing import FlaskClient


def test_home_counts_link_to_the_lists(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    found = re.findall(r'<a href="(/browse/[a-z]+)"><span class="count">(\d+)</span>', html)
    assert {path for path, _ in found} == {
        "/browse/clusters",
        "/browse/organisations",
        "/browse/programmes",
        "/browse/projects",
        "/browse/awards",
    }
    counts = dict(found)
    assert int(counts["/browse/clusters"]) > 50
    for path, _ in found:
        assert client.get(path).status_code == 200


def test_every_page_has_the_search_box(client: FlaskClient) -> None:
    for path in ("/", "/page/paper-province", "/browse/clusters", "/queries", "/downloads"):
        html = client.get(path, headers={"Accept": "text/html"}).get_data(as_text=True)
        assert 'id="site-search"' in html and 'data-suggest="/api/suggest"' in html, path


def test_favicon(client: FlaskClient) -> None:
    response = client.get("/favicon.ico", follow_redirects=True)
    response.close()  # a file response: close it, or the file handle outlives the test
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
