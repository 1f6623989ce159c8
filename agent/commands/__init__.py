"""One module per `gui-agent` verb, each exposing a click command named `command`."""
