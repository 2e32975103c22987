"""Critics' storage, domain and scoring: everything but the user interface (never imports textual)."""
