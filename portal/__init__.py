"""The customer portal (SPEC "People": customers). Pages only: no models of its own."""
