"""Email in (SPEC "Email in"): one message's bytes become a reply, a note or a new ticket.

`parse` reads the bytes whatever their state, `noise` decides what is ignored, `matching`
finds the ticket a reply belongs to, `ingest` runs the pipeline, `poller` takes mail over IMAP.
"""
