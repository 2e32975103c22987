"""Readers of the review datasets people bring (Rotten Tomatoes, Letterboxd): docs/datasets.md."""
