"""The agent desk (SPEC "People": agents and supervisors). Pages only: no models of its own."""
