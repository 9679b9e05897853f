"""Fixtures the comment tests share: a reader's browser and an article."""

import pytest
from django.test import Client

from tests.factories import PublishedArticleFactory


@pytest.fixture
def reader():
    """A browser-like client: Django's CSRF checks on, Origin sent as browsers do."""
    return Client(enforce_csrf_checks=True, headers={"Origin": "http://testserver"})


@pytest.fixture
def article():
    return PublishedArticleFactory()
