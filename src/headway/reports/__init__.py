"""The period report for people: one view model, rendered as text, Markdown or HTML."""

from headway.reports.render import ReportFormat, render
from headway.reports.view import ReportView, report_view

__all__ = ["ReportFormat", "ReportView", "render", "report_view"]
