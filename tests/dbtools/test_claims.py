"""A claim's holder and the rule that judges it (dbtools.claims): a holder of this machine that
is gone, a zombie, or whose pid now names another process is dead; anything it cannot judge is
alive, so its claim keeps its lease. Liveness and the clock are injected: no real processes."""

from pathlib import Path

import pytest

from dbtools import claims

HERE = "0123456789ab"
RUNNING = {100: ("S", "5000"), 200: ("Z", "6000")}


def stat(pid):
    return RUNNING.get(pid)


def judged(name):
    return claims.alive(name, here=HERE, stat=stat)


def test_a_running_holder_of_this_machine_is_alive():
    assert judged(f"worker-1:100:5000:{HERE}")


@pytest.mark.parametrize(
    "name, why",
    [
        (f"worker-1:101:5000:{HERE}", "no such process"),
        (f"worker-1:200:6000:{HERE}", "a zombie: killed, not yet reaped"),
        (f"worker-1:100:4999:{HERE}", "its pid now names a process started later"),
    ],
)
def test_a_holder_of_this_machine_that_is_gone_is_dead(name, why):
    assert not judged(name), why


@pytest.mark.parametrize(
    "name, why",
    [
        ("worker-2:101:5000:fedcba987654", "another machine, boot or pid namespace: the lease"),
        ("worker-1:101:5000:", "its machine could not be told (no /proc there)"),
        ("worker-1:101::" + HERE, "its start time could not be read"),
        ("3f2a9c", "a token of the release before"),
        ("", "no holder"),
    ],
)
def test_what_the_rule_cannot_judge_is_alive(name, why):
    assert judged(name), why


def test_without_proc_nothing_is_judged_dead(tmp_path):
    assert claims.scope(proc=tmp_path) == ""
    assert claims.alive(f"w:101:5000:{HERE}", here="", stat=stat)


def test_the_start_time_is_read_after_the_command_name_whatever_it_holds(tmp_path):
    (tmp_path / "42").mkdir()
    rest = " ".join(str(n) for n in range(4, 52))  # fields 4.. ; field 22 (start) reads "22"
    Path(tmp_path / "42" / "stat").write_text(f"42 (q (worker) 1) S {rest}\n")
    assert claims.process_stat(42, proc=tmp_path) == ("S", "22")
    assert claims.process_stat(43, proc=tmp_path) is None


def test_this_process_judges_itself_alive():
    me = claims.holder()
    if not me.endswith(f":{claims.scope()}") or not claims.scope():
        pytest.skip("no /proc here: the lease alone applies")
    assert claims.alive(me)
    host, pid, start, where = me.rsplit(":", 3)
    assert not claims.alive(f"{host}:{pid}:{int(start) + 1}:{where}")  # a recycled pid


def test_holders_are_looked_at_at_most_once_a_second():
    now, asked = [0.0], []
    watch = claims.Watch(every=1.0, clock=lambda: now[0], judge=lambda name: name != "b")

    def holders(names):
        def query():
            asked.append(names)
            return names

        return query

    assert watch.dead("firing", holders(["a", "b"])) == {"b"}
    now[0] = 0.9
    assert watch.dead("firing", holders(["a", "b", "c"])) == {"b"}  # not asked again yet
    assert watch.dead("party", holders(["b"])) == {"b"}  # each kind has its own pace
    now[0] = 1.0
    assert watch.dead("firing", holders(["a"])) == set()
    assert asked == [["a", "b"], ["b"], ["a"]]
