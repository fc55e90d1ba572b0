"""The HAProxy configuration docs/deployment.md shows is deploy/haproxy.cfg, the one tests/cluster runs."""

from pathlib import Path

from django.conf import settings

from tests.docs.console import FENCE

ROOT = Path(settings.BASE_DIR)


def test_the_deployment_page_shows_deploy_haproxy_cfg_verbatim():
    config = (ROOT / "deploy" / "haproxy.cfg").read_text()
    page = (ROOT / "docs" / "deployment.md").read_text()

    shown = [match["body"] for match in FENCE.finditer(page) if match["body"].startswith("# HAProxy in front")]

    assert shown == [config]
