"""Reports over tickets, clocks and firings (SPEC "Reports"; definitions in docs/reports.md).

Each report is a function of filters (`filters.Period`), the teams the reader may see and `now`,
returning plain rows: the API renders them as JSON or CSV and the desk's dashboard draws them."""
