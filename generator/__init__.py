"""briefsite: checked, cited briefing sites from curated YAML."""

from __future__ import annotations

__version__ = "0.1.0"
