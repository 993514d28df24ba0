"""Email in (SPEC "Email in"): one message's bytes become a reply, a note or a new ticket.

`parse` reads the bytes whatever their state; `noise` decides what is ignored; `bounces` marks
what a delivery-status notification reports; `authentication` reads a trusted MTA's DMARC
result; `matching` finds the ticket a reply belongs to; `attachments` applies the portal's file
limits; `ingest` runs the pipeline through the ticket lifecycle; `poller` takes mail over IMAP.
"""
