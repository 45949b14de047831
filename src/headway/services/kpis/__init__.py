"""KPIs and their measurements, typed in, pushed or imported from spreadsheets."""
