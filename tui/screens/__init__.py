"""Screens of the Critics browser."""
