from escalation.reports.stats import median_and_p90, nearest_rank


def test_nearest_rank_takes_the_value_at_rank_ceiling_of_p_times_n():
    assert median_and_p90([40, 10, 30, 20]) == (20, 40)
    assert median_and_p90(list(range(1, 11))) == (5, 9)
    assert nearest_rank([7], 0.9) == 7


def test_no_values_no_percentile():
    assert median_and_p90([]) == (None, None)
