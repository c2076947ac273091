"""Sources turn the outside world (IMAP, the gateway) into domain events. No Qt here."""
