"""Test helpers shared by several apps (never imported by production code)."""
