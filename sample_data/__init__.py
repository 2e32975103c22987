"""Bundled sample data: a package so it ships in wheels."""
