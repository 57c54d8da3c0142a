"""The sandbox: a deterministic portfolio, platform emulators and a local SMTP sink."""
