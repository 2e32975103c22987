"""`critics bench`: how fast the store and the browser are, beside stock TinyDB, sqlite3 and orjson."""
