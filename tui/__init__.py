"""Critics' user interfaces: the command line (cli) and the Textual browser (app)."""
