"""Reusable widgets of the Critics browser."""
