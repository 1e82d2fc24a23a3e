"""The publisher's configuration: every key checked, nothing made up, a clear error for anything else."""

from __future__ import annotations

import pytest

from spinekg.cli import main
from spinekg.errors import InputError
from spinekg.publisher import Party, Publisher

from .conftest import RESOURCES


def test_the_example_configuration_reads() -> None:
    publisher = Publisher.read(RESOURCES / "publisher.toml")
    assert publisher.page_url == "https://health.example.org/back/lower-back-muscle-spasm"
    assert publisher.date_published == "2025-01-15" and publisher.date_modified is None
    assert publisher.authors == (Party("A. Writer"),)
    assert publisher.publisher is not None and publisher.publisher.type == "Organization"


def test_an_empty_configuration_says_nothing() -> None:
    assert Publisher.from_text("") == Publisher()


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("[pgae]\nurl = 'https://example.org/'", "unknown table [pgae]"),
        ("[page]\nurll = 'https://example.org/'", "unknown key page.urll"),
        ("[page]\nurl = 'ftp://example.org/'", "page.url must be an absolute http(s) URL"),
        ("[page]\nurl = 'https://exa mple.org/'", "page.url must be an absolute http(s) URL"),
        ("[page]\nurl = '/relative'", "page.url must be an absolute http(s) URL"),
        ("[page]\ndate_published = '15/01/2025'", "page.date_published must be an ISO 8601 date"),
        ("[page]\ndate_modified = 20250115", "page.date_modified must be an ISO 8601 date"),
        ("[page]\ndescription = ''", "page.description must be a non-empty string"),
        ("[publisher]\nurl = 'https://example.org/'", "publisher needs a name"),
        ("[[author]]\nname = 'A'\ntype = 'Robot'", "author 1 type must be Person or Organization"),
        ("[author]\nname = 'A'", "[[author]] must be an array of tables"),
        ("[reviewer]\nname = 'R'\nurl = 'mailto:r@example.org'", "reviewer.url must be an absolute http(s) URL"),
        ("page = 3", "[page] must be a table"),
        ("[page\n", "is not valid TOML"),
    ],
)
def test_a_bad_configuration_is_refused_with_its_reason(text: str, says: str) -> None:
    with pytest.raises(InputError) as caught:
        Publisher.from_text(text, "publisher.toml")
    assert says in str(caught.value) and str(caught.value).startswith("publisher.toml")


def test_a_date_time_keeps_its_time() -> None:
    assert Publisher.from_text("[page]\nlast_reviewed = 2025-01-15T10:00:00Z").last_reviewed == "2025-01-15T10:00:00+00:00"


def test_the_command_line_refuses_a_configuration_for_another_format(capsys) -> None:
    assert main(["export", "-f", "turtle", "--config", str(RESOURCES / "publisher.toml")]) == 2
    assert "applies to --format schemaorg" in capsys.readouterr().err


def test_the_command_line_names_a_missing_configuration(capsys, tmp_path) -> None:
    assert main(["export", "-f", "schemaorg", "--config", str(tmp_path / "none.toml")]) == 2
    assert "cannot read the publisher configuration" in capsys.readouterr().err


def test_the_command_line_writes_the_publisher_into_the_page(capsys) -> None:
    assert main(["export", "-f", "schemaorg", "--config", str(RESOURCES / "publisher.toml")]) == 0
    assert '"url": "https://health.example.org/back/lower-back-muscle-spasm"' in capsys.readouterr().out
