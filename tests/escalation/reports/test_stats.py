import pytest
from django.db import connection, transaction

from escalation.reports.sla import sla_report
from escalation.reports.stats import REPORT_WORK_MEM, median_and_p90, nearest_rank

from .conftest import period
from .dataset import NOW


def test_nearest_rank_takes_the_value_at_rank_ceiling_of_p_times_n():
    assert median_and_p90([40, 10, 30, 20]) == (20, 40)
    assert median_and_p90(list(range(1, 11))) == (5, 9)
    assert nearest_rank([7], 0.9) == 7


def test_no_values_no_percentile():
    assert median_and_p90([]) == (None, None)


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's settings")
def test_the_reports_sort_memory_ends_with_the_report(dataset):
    """The report raises work_mem and turns JIT off for its query alone: inside a caller's
    transaction (where SET LOCAL would last to its end), the caller's settings come back."""

    def settings():
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('work_mem'), current_setting('jit')")
            return cursor.fetchone()

    with transaction.atomic():
        before = settings()
        assert sla_report(period("2026-03-01", "2026-03-31"), NOW)
        assert settings() == before
    assert before[0] != REPORT_WORK_MEM
