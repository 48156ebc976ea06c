"""Where the dashboard's third-party JavaScript comes from: installed packages, never the repo.

plotly.min.js is read from the installed ``plotly`` wheel's package data. cytoscape.js and
swagger-ui come from ``node_modules/`` as ``make install`` (target ``web-assets``) leaves it:
in ``settings.web_assets_dir``, else beside the source tree, else in the working directory.
An asset that is not installed is simply absent (404); the page then falls back to plotly.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from realpolitik.settings import Settings

logger = logging.getLogger(__name__)

WEB_DIR = Path(__file__).resolve().parents[1] / "web"
"""The dashboard's own static files (HTML, CSS, JS) inside the package."""

NPM_FILES: dict[str, str] = {
    "cytoscape.min.js": "cytoscape/dist/cytoscape.min.js",
    "swagger-ui-bundle.js": "swagger-ui-dist/swagger-ui-bundle.js",
    "swagger-ui.css": "swagger-ui-dist/swagger-ui.css",
}
"""Served name → path under node_modules/."""


def plotly_js() -> Path | None:
    """Return the path of plotly.min.js inside the installed plotly package, or None."""
    try:
        found = resources.files("plotly").joinpath("package_data", "plotly.min.js")
    except ModuleNotFoundError:
        return None
    path = Path(str(found))
    return path if path.is_file() else None


def node_modules(settings: Settings) -> Path | None:
    """Return the node_modules folder holding the dashboard's npm packages, or None."""
    candidates = []
    if settings.web_assets_dir:
        candidates.append(Path(settings.web_assets_dir))
    candidates += [*Path(__file__).resolve().parents[1:5], Path.cwd()]
    for folder in candidates:
        modules = folder if folder.name == "node_modules" else folder / "node_modules"
        if (modules / NPM_FILES["cytoscape.min.js"]).is_file() or (
            modules / NPM_FILES["swagger-ui-bundle.js"]
        ).is_file():
            return modules
    return None


@dataclass(frozen=True)
class Assets:
    """The vendor files this app can serve, by the name it serves them under."""

    files: dict[str, Path]

    @classmethod
    def find(cls, settings: Settings) -> Assets:
        """Locate every vendor file that is installed."""
        files: dict[str, Path] = {}
        plotly = plotly_js()
        if plotly:
            files["plotly.min.js"] = plotly
        modules = node_modules(settings)
        for name, rel in NPM_FILES.items():
            if modules and (modules / rel).is_file():
                files[name] = modules / rel
        missing = sorted({"plotly.min.js", *NPM_FILES} - set(files))
        if missing:
            logger.info("dashboard assets not installed: %s", ", ".join(missing))
        return cls(files)

    def has(self, name: str) -> bool:
        """True when ``name`` is installed."""
        return name in self.files
