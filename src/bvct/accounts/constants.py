"""Roles are a core enum (the gate's table needs them); named here for the accounts app."""

from __future__ import annotations

from bvct.core.constants import Role

__all__ = ["Role"]
